// Bundles the draw engine's browser entry (server/draw/browser-entry.ts) into
// public/build/draw-verify.js, an IIFE that defines the global `DrawVerify` ({ verify,
// verifyJson(text, {announcementDigest}), draw, currentTeams, rfc3797Key, rfc3797Select,
// describeDifference, announcementDigest, SPEC_VERSION, SPEC_VERSION_2 }), so the public
// page verifies draws — ssj-draw/2 ones with their drand BLS signatures, through
// @noble/curves — with the very code the server runs.
// `npm run build:browser` runs it; `npm start` calls buildBrowserBundle().
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BROWSER_ENTRY = join(root, 'server/draw/browser-entry.ts');
export const BROWSER_BUNDLE = join(root, 'public/build/draw-verify.js');

export interface BuildOptions {
  outfile?: string;
  /** false: return the code without writing it (tests). */
  write?: boolean;
  minify?: boolean;
}

export async function buildBrowserBundle(options: BuildOptions = {}): Promise<{ outfile: string; code: string; bytes: number }> {
  const outfile = options.outfile ?? BROWSER_BUNDLE;
  const result = await build({
    entryPoints: [BROWSER_ENTRY],
    outfile,
    bundle: true,
    format: 'iife',
    globalName: 'DrawVerify',
    platform: 'browser',
    target: ['es2020'],
    minify: options.minify ?? true,
    write: false,
    legalComments: 'eof',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  if (options.write ?? true) {
    mkdirSync(dirname(outfile), { recursive: true });
    writeFileSync(outfile, code);
  }
  return { outfile, code, bytes: Buffer.byteLength(code) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildBrowserBundle().then(
    ({ outfile, bytes }) => console.log(`built ${outfile} (${bytes} bytes)`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
