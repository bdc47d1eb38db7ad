import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { MarketEntity } from '../../../models/index.js';
import { ImportFileError } from '../../../server/import/index.js';
import { ENTITY_HEADER, writeCsvFile } from '../../helpers/sample-files.js';
import { collectionChecksum, entityRows, importFile, readErrorReport, temporaryDir } from './support.js';

const COLUMN = Object.fromEntries(ENTITY_HEADER.map((name, index) => [name, index])) as Record<string, number>;
const set = (row: string[], column: string, value: string) => {
  row[COLUMN[column] as number] = value;
  return row;
};
/** Replaces the check digit with another allowed character. */
const breakCheckDigit = (code: string) => code.slice(0, 17) + (code.endsWith('1') ? '2' : '1');

describe('importing entities', () => {
  let dir: Awaited<ReturnType<typeof temporaryDir>>;
  before(async () => (dir = await temporaryDir()));
  after(async () => dir.remove());

  describe('a GB18030 export with about 1% bad rows', () => {
    const GOOD = 1200;
    let file: string;
    /** Row number (header = 1) → the error code expected for it. */
    const expected = new Map<number, string>();
    let goodCodes: Set<string>;
    let conflictingName: string;

    before(async function () {
      this.timeout(60_000);
      const rows = entityRows(GOOD);
      goodCodes = new Set(rows.map((row) => row[COLUMN['统一社会信用代码'] as number] as string));
      const bad: [string[], string][] = [];
      for (let i = 0; i < 3; i += 1) {
        const base = rows[10 + i] as string[];
        bad.push([set([...base], '统一社会信用代码', breakCheckDigit(base[0] as string)), 'credit_code_check_digit']);
        bad.push([set(entityRows(1, 'bad-type', i)[0] as string[], '主体类型', '事业单位'), 'invalid_choice']);
        bad.push([set(entityRows(1, 'no-name', i)[0] as string[], '企业名称', ''), 'required']);
        bad.push([set(entityRows(1, 'bad-date', i)[0] as string[], '成立日期', ['2023-13-45', '2023/02/30', '31/12/2023'][i] as string), 'invalid_date']);
      }
      conflictingName = '与前一行信用代码相同的另一家公司';
      for (let i = 0; i < 3; i += 1) bad.push([set([...(rows[100 + i] as string[])], '企业名称', `${conflictingName}${i}`), 'duplicate_conflict']);
      // Spread the bad rows through the file; an identical duplicate is harmless and not an error.
      const all: string[][] = [];
      rows.forEach((row, index) => {
        all.push(row);
        if (index === 500) all.push([...row]);
        if (index >= 200 && index % 60 === 0 && bad.length > 0) {
          const [badRow, code] = bad.shift() as [string[], string];
          all.push(badRow);
          expected.set(all.length + 1, code);
        }
      });
      expect(bad).to.have.length(0);
      file = join(dir.path, 'entities-gbk.csv');
      await writeCsvFile(file, ENTITY_HEADER, all, { encoding: 'gb18030' });
    });

    it('stores every good row, reports every bad row with its reason, and writes nothing else', async function () {
      this.timeout(60_000);
      const summary = await importFile('entities', file, dir.path);
      expect(summary.status).to.equal('completed');
      expect(summary.encoding).to.equal('gb18030');
      expect(summary.counts).to.include({ read: GOOD + 1 + expected.size, inserted: GOOD, rejected: expected.size, duplicates: 1 });
      const stored = await MarketEntity.find({}, { creditCode: 1, name: 1 }).lean();
      expect(stored).to.have.length(GOOD);
      expect(stored.every((entity) => goodCodes.has(entity.creditCode))).to.equal(true);
      expect(stored.some((entity) => entity.name.startsWith(conflictingName))).to.equal(false);
      const report = await readErrorReport(summary.errorReport?.path as string);
      expect([...new Map(report.map((line) => [line.row, line.code]))].join(" ")).to.equal([...expected].join(" "));
      const conflict = report.find((line) => line.code === 'duplicate_conflict');
      expect(conflict?.column).to.equal('统一社会信用代码');
      expect(conflict?.message).to.match(/^与第 \d+ 行的「统一社会信用代码」相同但内容不同/);
      expect(report.find((line) => line.code === 'credit_code_check_digit')?.message).to.equal('「统一社会信用代码」的校验位不正确');
      expect(report.find((line) => line.code === 'invalid_choice')?.value).to.equal('事业单位');
    });

    it('a second run of the same file changes nothing, not even updatedAt', async function () {
      this.timeout(90_000);
      await importFile('entities', file, dir.path);
      const db = mongoose.connection.db!;
      const before = await collectionChecksum(db, 'marketentities');
      const stamps = new Map((await MarketEntity.find({}, { creditCode: 1, updatedAt: 1 }).lean()).map((e) => [e.creditCode, e.updatedAt?.getTime()]));
      const again = await importFile('entities', file, dir.path);
      expect(again.counts).to.include({ inserted: 0, updated: 0, unchanged: GOOD, rejected: expected.size });
      expect(await collectionChecksum(db, 'marketentities')).to.deep.equal(before);
      const after = await MarketEntity.find({}, { creditCode: 1, updatedAt: 1 }).lean();
      expect(after.every((e) => stamps.get(e.creditCode) === e.updatedAt?.getTime())).to.equal(true);
    });
  });

  it('a UTF-8 file with a BOM, header synonyms and an unknown column: imported, the column reported once', async () => {
    const [row] = entityRows(1, 'bom');
    const header = ENTITY_HEADER.map((name) => ({ 企业名称: '主体名称', 管辖单位: '监管所', 信用风险分类: '风险等级', 住所: '经营场所' })[name] ?? name);
    const file = join(dir.path, 'bom.csv');
    await writeCsvFile(file, [...header, '备注'], [[...(row as string[]), '随便写点什么']], { encoding: 'utf-8', bom: true });
    const summary = await importFile('entities', file, dir.path);
    expect(summary).to.include({ status: 'completed', encoding: 'utf-8' });
    expect(summary.unknownColumns).to.deep.equal(['备注']);
    const stored = await MarketEntity.findOne({ creditCode: row?.[0] }).lean();
    expect(stored?.name).to.equal(row?.[COLUMN['企业名称'] as number]);
    expect(stored?.supervisingOffice).to.equal(row?.[COLUMN['管辖单位'] as number]);
  });

  it('English field names and Excel-style values (serial dates, long labels) are accepted', async () => {
    const file = join(dir.path, 'english.csv');
    const [code] = entityRows(1, 'english')[0] as string[];
    await writeFile(file, `creditCode,name,type,region,status,foundedOn,riskClass,industry\n${code},洪江区某某商店,个体工商户,新街街道,"存续（在营、开业、在册）",45292,B类,F 批发和零售业\n`);
    const summary = await importFile('entities', file, dir.path);
    expect(summary.counts.inserted).to.equal(1);
    const stored = await MarketEntity.findOne({ creditCode: code }).lean();
    expect(stored).to.include({ status: '存续', riskClass: 'B', industry: 'F', type: '个体工商户' });
    expect(stored?.foundedOn?.toISOString()).to.equal('2024-01-01T00:00:00.000Z');
  });

  it('a file without a required column fails at once, naming the column, and writes nothing', async () => {
    const file = join(dir.path, 'no-name.csv');
    const rows = entityRows(3, 'no-name-column').map((row) => row.filter((_, i) => i !== COLUMN['企业名称']));
    await writeCsvFile(file, ENTITY_HEADER.filter((name) => name !== '企业名称'), rows);
    const error = await importFile('entities', file, dir.path).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ImportFileError);
    expect((error as ImportFileError).problem).to.equal('missing_columns');
    expect((error as Error).message).to.contain('企业名称');
    expect(await MarketEntity.countDocuments()).to.equal(0);
  });

  it('a changed row updates only its document; an emptied column is cleared', async function () {
    this.timeout(30_000);
    const rows = entityRows(150, 'changes');
    const file = join(dir.path, 'changes.csv');
    await writeCsvFile(file, ENTITY_HEADER, rows);
    await importFile('entities', file, dir.path);
    const untouched = await MarketEntity.findOne({ creditCode: rows[149]?.[0] }).lean();
    // 120 changed rows: more than FerretDB takes in one update command (the writer splits them).
    const changed = rows.map((row, i) => (i < 120 ? set(set([...row], '法定代表人', `新代表${i}`), '信用风险分类', '') : row));
    await writeCsvFile(file, ENTITY_HEADER, changed);
    const summary = await importFile('entities', file, dir.path);
    expect(summary.counts).to.include({ updated: 120, unchanged: 30, inserted: 0 });
    const first = await MarketEntity.findOne({ creditCode: rows[0]?.[0] }).lean();
    expect(first?.legalRepresentative).to.equal('新代表0');
    expect(first).to.not.have.property('riskClass');
    const still = await MarketEntity.findOne({ creditCode: rows[149]?.[0] }).lean();
    expect(still?.updatedAt?.getTime()).to.equal(untouched?.updatedAt?.getTime());
  });

  it('a dry run validates and reports but writes no entity', async () => {
    const file = join(dir.path, 'dry.csv');
    const rows = entityRows(5, 'dry');
    rows[2] = set([...(rows[2] as string[])], '主体类型', '其他');
    await writeCsvFile(file, ENTITY_HEADER, rows);
    const summary = await importFile('entities', file, dir.path, { dryRun: true });
    expect(summary.counts).to.include({ read: 5, rejected: 1, inserted: 0 });
    expect((await readErrorReport(summary.errorReport?.path as string)).map((l) => l.row)).to.deep.equal([4]);
    expect(await MarketEntity.countDocuments()).to.equal(0);
  });
});
