// Entry point of the browser bundle (public/build/draw-verify.js, global `DrawVerify`): the
// same engine code the server runs, so the public can recompute a published draw offline.
import { verify, type PublishedValues } from './verify.js';

export { verify };
export { draw } from './draw.js';
export { currentTeams } from './recusal.js';
export { rfc3797Key, rfc3797Select } from './rfc3797.js';
export { describeDifference } from './diff.js';
export { SPEC_VERSION, SPEC_VERSION_2 } from './types.js';
export { announcementDigest } from './announcement.js';

/**
 * Parses an exported draw (JSON text) and verifies it against the values published before the
 * draw (`announcementDigest` for an announced draw); unparseable text is reported, not thrown.
 */
export function verifyJson(text: string, published: PublishedValues = {}): ReturnType<typeof verify> {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (e) {
    return { ok: false, code: 'RECORD_INVALID', path: '', message: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  return verify(record, { published });
}
