// Routes stay thin (issue 10): a module in server/routes/ reads and writes the database only
// through the use cases of server/<domain>/, never a model of its own. Checked on the sources:
// an import from models/ may bring types and plain
// values (the choices a form offers, e.g. ROLES), never a Mongoose model; and no route reaches a
// model another way (mongoose.model(), a namespace import, a dynamic import of models/).
import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import * as models from '../../models/index.js';
import { PROJECT_ROOT } from '../../server/paths.js';

const ROUTES = join(PROJECT_ROOT, 'server', 'routes');
// What models/ exports, by name (every models/ module is re-exported by models/index.ts). Read
// from the static import: importing a model module again here would register its model twice.
const exported: Record<string, unknown> = { ...models };

interface ModelImport { file: string; from: string; names: string[]; whole: boolean }

/**
 * The value (non-type) imports from models/ of one source text. The import statements are read
 * with a pattern (this project's imports are static, one `import … from '…';` each, possibly over
 * several lines): `import type` and `type X` names are types, erased at run time.
 */
function modelImports(file: string, text: string): { imports: ModelImport[]; dynamic: boolean } {
  const imports: ModelImport[] = [];
  for (const [, typeOnly, clause, from] of text.matchAll(/^import\s+(type\s+)?([^;]*?)\s+from\s+['"]([^'"]+)['"]/gm)) {
    if (typeOnly || !/(^|\/)models\//.test(from!)) continue;
    const named = /\{([^}]*)\}/.exec(clause!);
    const outside = clause!.replace(/\{[^}]*\}/, '').replace(/,/g, ' ').trim();
    const whole = outside !== ''; // a default or namespace import: the whole module
    const names = (named?.[1] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '' && !s.startsWith('type '))
      .map((s) => s.split(/\s+as\s+/)[0]!.trim());
    if (whole || names.length > 0) imports.push({ file, from: from!, names, whole });
  }
  return { imports, dynamic: /\bimport\(\s*['"][^'"]*models\//.test(text) || /mongoose\.model\(/.test(text) };
}

function isModel(value: unknown): boolean {
  return typeof value === 'function' && (value.prototype instanceof mongoose.Model || 'modelName' in value);
}

/** Every import of a Mongoose model (or of a whole models/ module) by a module in `dir`. */
async function offendersIn(dir: string): Promise<string[]> {
  const offenders: string[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.ts')).sort()) {
    const { imports, dynamic } = modelImports(file, await readFile(join(dir, file), 'utf8'));
    if (dynamic) offenders.push(`${file}: reaches a model by mongoose.model() or a dynamic import`);
    for (const imported of imports) {
      if (imported.whole) {
        offenders.push(`${file}: imports the whole of ${imported.from}`);
        continue;
      }
      for (const name of imported.names) if (isModel(exported[name]) || name in mongoose.models) offenders.push(`${file}: ${name} from ${imported.from}`);
    }
  }
  return offenders;
}

describe('thin routes', () => {
  it('no module in server/routes imports a Mongoose model (types and plain values only)', async () => {
    expect(await offendersIn(ROUTES)).to.deep.equal([]);
  });

  it('the check finds a model import, a whole-module import and mongoose.model(), and lets types and constants through', () => {
    const text = [
      "import { Task, TASK_TARGETING, type TaskRecord } from '../../models/task.js';",
      "import type { PlanRecord } from '../../models/plan.js';",
      "import * as models from '../../models/index.js';",
      "import { Router } from 'express';",
    ].join('\n');
    const { imports, dynamic } = modelImports('probe.ts', text);
    expect(imports).to.deep.equal([
      { file: 'probe.ts', from: '../../models/task.js', names: ['Task', 'TASK_TARGETING'], whole: false },
      { file: 'probe.ts', from: '../../models/index.js', names: [], whole: true },
    ]);
    expect(dynamic).to.equal(false);
    expect(modelImports('probe.ts', "const X = mongoose.model('Task');").dynamic).to.equal(true);
    expect(modelImports('probe.ts', "const { Task } = await import('../../models/task.js');").dynamic).to.equal(true);
  });

  it('names the route and the model when a route imports one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'thin-routes-'));
    try {
      await writeFile(join(dir, 'probe.ts'), "import { ROLES, User, type Role } from '../../models/user.js';\nimport { Router } from 'express';\n");
      expect(await offendersIn(dir)).to.deep.equal(['probe.ts: User from ../../models/user.js']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('tells a model from a plain value', () => {
    expect(isModel(models.Task)).to.equal(true);
    expect(isModel(models.TASK_TARGETING)).to.equal(false);
  });
});
