// A roster export as the market-registration system writes it: GB18030, nine columns, no region.
// The region is named from the credit code's division code (characters 3–8, GB/T 2260) through
// the editable 'division' dictionary; an unnamed division rejects the row, naming the code, until
// the admin adds it; a stored region is never overwritten by a derived one.
import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { DictionaryEntry, MarketEntity } from '../../../models/index.js';
import { buildCreditCode } from '../../../models/credit-code.js';
import { loadDefaults } from '../../../server/demo/load-world.js';
import { importFile, readErrorReport, temporaryDir } from './support.js';

const HEADER = ['统一社会信用代码', '企业名称', '市场主体类型', '登记状态', '成立日期', '登记机关', '住所', '法定代表人', '行业门类'];

/** One export row for a registering authority's division code. */
function exportRow(division: string, body: string, name: string, type = '有限责任公司（自然人独资）', prefix = '91'): string[] {
  return [buildCreditCode(prefix, division, body), name, type, '存续（在营、开业、在册）', '2021-03-15', `${division}市场监督管理局`, `某某路${body.slice(-2)}号`, '张三', '批发和零售业'];
}

/** Writes the rows the way the registration system does: GB18030, CRLF, quoted where needed. */
async function writeExport(path: string, rows: string[][]): Promise<void> {
  const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  const text = [HEADER, ...rows].map((row) => row.map(quote).join(',')).join('\r\n') + '\r\n';
  await writeFile(path, iconv.encode(text, 'gb18030'));
}

describe('importing a registration-system export (no region column)', () => {
  let dir: Awaited<ReturnType<typeof temporaryDir>>;
  before(async () => (dir = await temporaryDir()));
  after(async () => dir.remove());
  beforeEach(async () => loadDefaults());

  it('imports a GB18030 file with exactly the nine export columns, each region named from the credit code and 登记机关 kept', async () => {
    const rows = [
      exportRow('431271', 'MA4L0001', '怀化洪江某某商贸有限公司'),
      exportRow('431200', 'MA4L0002', '怀化某某科技有限公司'),
      exportRow('430000', 'MA4L0003', '湖南某某实业有限公司'),
      exportRow('431271', 'MA4L0004', '洪江区某某便利店', '个体工商户', '92'),
    ];
    const file = join(dir.path, 'registration-export.csv');
    await writeExport(file, rows);
    const summary = await importFile('entities', file, dir.path);
    expect(summary.encoding).to.equal('gb18030');
    expect(summary.unknownColumns).to.deep.equal([]);
    expect(summary.counts).to.include({ read: 4, inserted: 4, rejected: 0 });
    const stored = await MarketEntity.find({}).sort({ creditCode: 1 }).lean();
    const byCode = new Map(stored.map((e) => [e.creditCode, e]));
    expect(byCode.get(rows[0]![0]!)).to.include({ region: '洪江区', registeringAuthority: '431271市场监督管理局', type: '企业', status: '存续', industry: 'F' });
    expect(byCode.get(rows[1]![0]!)).to.include({ region: '怀化市', registeringAuthority: '431200市场监督管理局' });
    expect(byCode.get(rows[2]![0]!)).to.include({ region: '湖南省' });
    expect(byCode.get(rows[3]![0]!)).to.include({ region: '洪江区', type: '个体工商户' });
  });

  it('rejects a row whose division code the dictionary does not name, naming the code; once the admin adds it, the same file imports it', async () => {
    const rows = [exportRow('431271', 'MA4L0011', '洪江区某某餐饮店'), exportRow('440305', 'MA5G0012', '深圳某某电子有限公司')];
    const file = join(dir.path, 'unknown-division.csv');
    await writeExport(file, rows);
    const first = await importFile('entities', file, dir.path);
    expect(first.counts).to.include({ read: 2, inserted: 1, rejected: 1 });
    const [line, ...more] = await readErrorReport(first.errorReport!.path);
    expect(more).to.deep.equal([]);
    expect(line).to.include({ row: 3, column: '统一社会信用代码', value: rows[1]![0], code: 'unknown_division' });
    expect(line!.message).to.contain('440305').and.to.contain('行政区划');
    expect(await MarketEntity.countDocuments({ creditCode: rows[1]![0] })).to.equal(0);

    // What the admin does on the dictionaries page: add the code with its name.
    await DictionaryEntry.create({ dictionary: 'division', code: '440305', label: '南山区', order: 99 });
    const second = await importFile('entities', file, dir.path);
    expect(second.counts).to.include({ read: 2, inserted: 1, unchanged: 1, rejected: 0 });
    expect(await MarketEntity.findOne({ creditCode: rows[1]![0] }).lean()).to.include({ region: '南山区' });
  });

  it('a deactivated division entry names nothing: the row is rejected as unknown', async () => {
    await DictionaryEntry.updateOne({ dictionary: 'division', code: '431200' }, { $set: { active: false } });
    const file = join(dir.path, 'inactive-division.csv');
    await writeExport(file, [exportRow('431200', 'MA4L0021', '怀化某某物流有限公司')]);
    const summary = await importFile('entities', file, dir.path);
    expect(summary.counts).to.include({ inserted: 0, rejected: 1 });
  });

  it('an entity already on the roster keeps its region (it may be finer than the county); the other columns are updated', async () => {
    const row = exportRow('431271', 'MA4L0031', '洪江区某某五金店');
    await MarketEntity.create({ creditCode: row[0], name: '旧名称', type: '企业', status: '存续', region: '若水镇' });
    const file = join(dir.path, 'existing.csv');
    await writeExport(file, [row]);
    const summary = await importFile('entities', file, dir.path);
    expect(summary.counts).to.include({ updated: 1, rejected: 0 });
    expect(await MarketEntity.findOne({ creditCode: row[0] }).lean()).to.include({ region: '若水镇', name: '洪江区某某五金店', address: '某某路31号' });
  });

  it('a file with a region column still takes the region from it, whatever the credit code says', async () => {
    const row = exportRow('440305', 'MA5G0041', '某某咨询有限公司');
    const file = join(dir.path, 'with-region.csv');
    const text = `${[...HEADER, '所属区域'].join(',')}\r\n${[...row, '新街街道'].join(',')}\r\n`;
    await writeFile(file, iconv.encode(text, 'gb18030'));
    const summary = await importFile('entities', file, dir.path);
    expect(summary.counts).to.include({ inserted: 1, rejected: 0 });
    expect(await MarketEntity.findOne({ creditCode: row[0] }).lean()).to.include({ region: '新街街道' });
  });
});
