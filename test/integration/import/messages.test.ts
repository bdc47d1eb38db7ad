// Import messages come from the catalogues in the reader's language: the error report in the
// language of whoever started the import, the run page and the API in the request's language,
// refused files (422), a second start of the same file (409) likewise; runs stored before the
// catalogues still show their own message.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { ImportRun } from '../../../models/index.js';
import { generateEntity } from '../../../server/demo/generate-world.js';
import { getImportRun } from '../../../server/import/index.js';
import { cliLocale } from '../../../server/import/messages.js';
import { importRunning } from '../../../server/import/run-store.js';
import { ENTITY_HEADER, entityRow } from '../../helpers/sample-files.js';
import { signInAs, ensureDepartment, type SignedIn } from '../../helpers/auth.js';
import { testApp } from '../../helpers/app.js';

const WORLD = { seed: 'import-messages', entities: 0, asOf: '2026-11-27' };
const CJK = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;

function csv(rows: string[][]): Buffer {
  return Buffer.from(`\uFEFF${rows.map((r) => r.join(',')).join('\n')}\n`, 'utf8');
}

/** One good row, one with a wrong check digit, one with an unknown 主体类型, one repeating the first's code with other content. */
function badFile(): { file: Buffer; badCode: string } {
  const rows = [0, 1, 2].map((i) => entityRow(generateEntity(WORLD, i)));
  const badCode = `${rows[1]![0]!.slice(0, 17)}${rows[1]![0]!.endsWith('0') ? '1' : '0'}`;
  rows[1]![0] = badCode;
  rows[2]![2] = '不知道';
  const conflict = [...rows[0]!];
  conflict[1] = `${conflict[1]}（另一家）`;
  return { file: csv([[...ENTITY_HEADER], ...rows, conflict]), badCode };
}

async function finished(runId: string) {
  for (let i = 0; i < 200; i += 1) {
    const run = await getImportRun(runId);
    if (run.status !== 'running') return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('import did not finish');
}

/** The text of each cell of the sample-error table's 4th column (the reason). */
function reasons(html: string): string[] {
  const table = html.slice(html.indexOf('data-error-report'));
  return [...table.matchAll(/<tr><td>\d+<\/td><td>[^<]*<\/td><td>[^<]*<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => m[1] as string);
}

/** What an English reader sees of a message once the quoted file values are taken out. */
const unquoted = (text: string) => text.replace(/&#34;|&quot;/g, '"').replace(/“[^”]*”/g, '');

describe('import messages in the reader\'s language', () => {
  const app = testApp();
  let admin: SignedIn;

  beforeEach(async () => {
    await ensureDepartment();
    admin = await signInAs(app, 'admin');
  });

  async function upload(lang: 'en' | 'zh-CN', file: Buffer, name = 'entities.csv') {
    await admin.agent.get(`/admin/imports?lang=${lang}`).expect(200);
    return admin.agent.post('/admin/imports').field('_csrf', admin.csrf).field('kind', 'entities').attach('file', file, name);
  }

  it('an import started in English writes an English report; its page shows each error in the page\'s language from code and params', async () => {
    const { file, badCode } = badFile();
    const res = await upload('en', file);
    expect(res.status).to.equal(303);
    const runId = res.headers.location!.split('/').pop()!;
    const run = await finished(runId);
    expect(run.progress.counts).to.include({ read: 4, inserted: 1, rejected: 3 });
    expect(run.sampleErrors.map((e) => e.code)).to.have.members(['credit_code_check_digit', 'invalid_choice', 'duplicate_conflict']);
    expect(run.sampleErrors.every((e) => e.message === undefined)).to.equal(true);
    expect(run.sampleErrors.find((e) => e.code === 'duplicate_conflict')?.params).to.deep.equal({ firstRow: 2 });

    const report = await admin.agent.get(`/admin/imports/${runId}/errors.csv`).expect(200);
    const [header, ...lines] = parse(report.text.replace(/^\uFEFF/, '')) as string[][];
    expect(header).to.deep.equal(['Row', 'Column', 'Value', 'Code', 'Message']);
    const byCode = new Map(lines.map((line) => [line[3], line]));
    expect(byCode.get('credit_code_check_digit')).to.deep.equal(['3', '统一社会信用代码', badCode, 'credit_code_check_digit', 'The check character of “统一社会信用代码” is wrong']);
    expect(byCode.get('invalid_choice')?.[4]).to.match(/^“主体类型”: “不知道” is not a valid value; use one of: 企业, /);
    expect(byCode.get('duplicate_conflict')?.[4]).to.equal('Same “统一社会信用代码” as row 2 but different content; row 2 was kept and this row was not imported');

    const english = await admin.agent.get(`/admin/imports/${runId}`).expect(200);
    const shown = reasons(english.text);
    expect(shown).to.have.length(3);
    expect(shown).to.include('The check character of “统一社会信用代码” is wrong');
    for (const reason of shown) expect(unquoted(reason).replace(/use one of: .*$/, ''), reason).to.not.match(CJK);
    expect(english.text).to.not.match(/import\.(row|file)\./);

    const chinese = await admin.agent.get(`/admin/imports/${runId}?lang=zh-CN`).expect(200);
    expect(reasons(chinese.text)).to.include('「统一社会信用代码」的校验位不正确');
    expect(chinese.text).to.include('已保留第 2 行，本行未导入').and.not.match(/import\.(row|file)\./);

    const api = await admin.agent.get(`/api/v1/imports/${runId}?lang=en`).expect(200);
    const apiError = api.body.run.sampleErrors.find((e: { code: string }) => e.code === 'credit_code_check_digit');
    expect(apiError).to.include({ row: 3, column: '统一社会信用代码', message: 'The check character of “统一社会信用代码” is wrong' });
  });

  it('the same file started in Chinese writes a Chinese report with the Chinese header', async () => {
    const res = await upload('zh-CN', badFile().file);
    const run = await finished(res.headers.location!.split('/').pop()!);
    const report = await admin.agent.get(`/admin/imports/${run.id}/errors.csv`).expect(200);
    const [header, ...lines] = parse(report.text.replace(/^\uFEFF/, '')) as string[][];
    expect(header).to.deep.equal(['行号', '列名', '值', '错误代码', '错误说明']);
    expect(lines.find((line) => line[3] === 'credit_code_check_digit')?.[4]).to.equal('「统一社会信用代码」的校验位不正确');
  });

  it('a refused file answers 422 with code, problem and a message in the request\'s language, as JSON and on the form', async () => {
    const header = ENTITY_HEADER.filter((h: string) => h !== '统一社会信用代码');
    for (const [lang, expected] of [
      ['en', 'Required columns are missing: 统一社会信用代码 (or: 社会信用代码, 信用代码, 统一代码)'],
      ['zh-CN', '缺少必需的列：统一社会信用代码（或：社会信用代码、信用代码、统一代码）'],
    ] as const) {
      const json = await admin.agent
        .post(`/api/v1/imports/entities?lang=${lang}`)
        .set('X-CSRF-Token', admin.csrf)
        .attach('file', csv([header, ['x']]), 'bad.csv')
        .expect(422);
      expect(json.body.error).to.include({ code: 'import_file_invalid', problem: 'missing_columns', message: expected });
      expect(json.body.error.details).to.deep.include({ problem: 'missing_columns', missingColumns: ['creditCode'] });

      const page = await upload(lang, csv([header, ['x']]), 'bad.csv');
      expect(page.status).to.equal(422);
      expect(page.text).to.include(expected).and.not.match(/import\.file\./);
    }
    const failed = await ImportRun.findOne({ status: 'failed' }).lean();
    expect(failed?.failure).to.include({ code: 'missing_columns', key: 'import.file.missing_columns' });
    const english = await admin.agent.get(`/admin/imports/${String(failed?._id)}?lang=en`).expect(200);
    expect(english.text).to.include('Required columns are missing: 统一社会信用代码');
  });

  it('a second start of a running import answers 409 in the request\'s language, naming the run', async () => {
    const conflict = importRunning('65f000000000000000000001');
    expect(conflict.message).to.equal('同一文件的导入正在进行中（导入编号 65f000000000000000000001），请等它结束后再试');
    expect(conflict.localMessage).to.deep.equal({ key: 'import.file.running', params: { runId: '65f000000000000000000001' } });
    const file = csv([[...ENTITY_HEADER], ...[0, 1].map((i) => entityRow(generateEntity(WORLD, 20 + i)))]);
    await ImportRun.create({
      kind: 'entities', fileName: 'x.csv', filePath: '/nowhere', fileSize: file.length, format: 'csv',
      fileSha256: (await import('node:crypto')).createHash('sha256').update(file).digest('hex'),
      startedBy: { username: 'other', via: 'cli' }, status: 'running', startedAt: new Date(), heartbeatAt: new Date(),
      host: (await import('node:os')).hostname(), pid: process.pid, claimKey: 'held',
    });
    const res = await admin.agent.post('/api/v1/imports/entities?lang=en').set('X-CSRF-Token', admin.csrf).attach('file', file, 'x.csv').expect(409);
    expect(res.body.error).to.include({ code: 'import_running', problem: 'already_running' });
    expect(res.body.error.message).to.match(/^An import of the same file is running \(run [0-9a-f]{24}\); try again when it has finished$/);
  });

  it('a run stored before the catalogues still shows its own message', async () => {
    const run = await ImportRun.create({
      kind: 'entities', fileName: 'old.csv', filePath: '/nowhere', fileSha256: 'a'.repeat(64), fileSize: 10, format: 'csv',
      startedBy: { username: 'old', via: 'web' }, status: 'completed', startedAt: new Date(), heartbeatAt: new Date(), finishedAt: new Date(),
      errorReport: { path: 'imports/old-errors.csv', count: 1 },
      sampleErrors: [{ row: 2, column: '主体类型', value: 'x', code: 'invalid_choice', message: '旧的说明：主体类型无效' }],
    });
    const page = await admin.agent.get(`/admin/imports/${String(run._id)}?lang=en`).expect(200);
    expect(reasons(page.text)).to.deep.equal(['旧的说明：主体类型无效']);
  });

  it('the CLI writes in zh-CN unless --lang or the environment asks for English', () => {
    expect(cliLocale(undefined, {})).to.equal('zh-CN');
    expect(cliLocale(undefined, { LANG: 'zh_CN.UTF-8' })).to.equal('zh-CN');
    expect(cliLocale(undefined, { LANG: 'en_US.UTF-8' })).to.equal('en');
    expect(cliLocale(undefined, { LANG: 'en_US.UTF-8', LC_ALL: 'zh_CN.UTF-8' })).to.equal('zh-CN');
    expect(cliLocale('en', { LANG: 'zh_CN.UTF-8' })).to.equal('en');
    expect(cliLocale('zh-CN', { LANG: 'en_US.UTF-8' })).to.equal('zh-CN');
  });
});
