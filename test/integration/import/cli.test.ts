// `npm run import` as people run it: exit codes and messages for the cases that stop an import.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { ENTITY_HEADER, writeCsvFile } from '../../helpers/sample-files.js';
import { runScript, type ScriptRun } from '../../helpers/run-script.js';
import { testDatabase } from '../../helpers/test-db.js';
import { entityRows, temporaryDir } from './support.js';

function cli(args: string[], env: Record<string, string>): Promise<ScriptRun> {
  return runScript('import.ts', args, env);
}

describe('npm run import', () => {
  let dir: Awaited<ReturnType<typeof temporaryDir>>;
  const dbName = `import_cli_${process.pid}_${randomBytes(3).toString('hex')}`;
  let env: Record<string, string>;
  before(async () => {
    dir = await temporaryDir();
    env = { MONGODB_URI: testDatabase().uriFor(dbName), DATA_DIR: dir.path };
  });
  after(async () => {
    const client = new mongoose.mongo.MongoClient(testDatabase().uriFor(dbName));
    await client.db(dbName).dropDatabase();
    await client.close();
    await dir.remove();
  });

  it('exits 0 with rejected rows counted and the error report named; 1 naming a missing column or file; 2 on bad usage', async function () {
    this.timeout(60_000);
    const good = join(dir.path, 'some-bad.csv');
    const rows = entityRows(20, 'cli');
    rows[4] = [...(rows[4] as string[])];
    (rows[4] as string[])[7] = '';
    await writeCsvFile(good, ENTITY_HEADER, rows, { encoding: 'gb18030' });
    const ran = await cli(['entities', good], env);
    expect(ran.code, ran.stderr).to.equal(0);
    expect(ran.stdout).to.contain('inserted 19').and.to.contain('rejected 1').and.to.match(/error report \(1 errors\): .*-errors\.csv/);

    const noName = join(dir.path, 'no-name.csv');
    await writeCsvFile(noName, ENTITY_HEADER.filter((h) => h !== '企业名称'), []);
    const missingColumn = await cli(['entities', noName], env);
    expect(missingColumn.code).to.equal(1);
    expect(missingColumn.stderr).to.contain('缺少必需的列：企业名称');

    const missingFile = await cli(['items', join(dir.path, 'nope.csv')], env);
    expect(missingFile.code).to.equal(1);
    expect(missingFile.stderr).to.contain('找不到文件');

    const usage = await cli(['people', good], env);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.contain('Usage: npm run import');
  });
});
