import { expect } from 'chai';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { Inspector } from '../../../models/index.js';
import { generateInspectors } from '../../../server/demo/generate-world.js';
import { INSPECTOR_HEADER, inspectorRow } from '../../helpers/sample-files.js';
import { createInspector } from '../../helpers/factories.js';
import { createDemoDepartments, importFile, readErrorReport, temporaryDir, WORLD } from './support.js';

type CellValue = string | number | Date | null;

/** Writes an .xlsx whose first sheet holds the rows; dates go in as real Excel date cells. */
async function writeWorkbook(path: string, header: string[], rows: CellValue[][]): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('执法人员');
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row);
  sheet.getColumn(5).numFmt = 'yyyy-mm-dd';
  sheet.getColumn(6).numFmt = 'yyyy-mm-dd';
  workbook.addWorksheet('说明').addRow(['本表由测试生成']);
  await workbook.xlsx.writeFile(path);
}

/** The demo inspectors as workbook rows, validity dates as Date cells. */
function inspectorCells(count: number): CellValue[][] {
  return generateInspectors({ ...WORLD, entities: 0, inspectors: count }).map((inspector) => {
    const row: CellValue[] = inspectorRow(inspector);
    const certificate = inspector.certificates[0];
    row[4] = certificate?.validFrom ?? null;
    row[5] = certificate?.validUntil ?? null;
    return row;
  });
}

describe('importing inspectors', () => {
  let dir: Awaited<ReturnType<typeof temporaryDir>>;
  before(async () => (dir = await temporaryDir()));
  after(async () => dir.remove());
  beforeEach(() => createDemoDepartments());

  it('from an XLSX with Chinese headers and date cells: every inspector stored with certificate and department', async function () {
    this.timeout(30_000);
    const rows = inspectorCells(60);
    const file = join(dir.path, 'inspectors.xlsx');
    await writeWorkbook(file, INSPECTOR_HEADER, rows);
    const summary = await importFile('inspectors', file, dir.path);
    expect(summary).to.include({ status: 'completed', format: 'xlsx' });
    expect(summary.counts).to.include({ read: 60, inserted: 60, rejected: 0 });
    const expected = generateInspectors({ ...WORLD, entities: 0, inspectors: 60 });
    const stored = await Inspector.findOne({ inspectorId: expected[7]?.inspectorId }).lean();
    expect(stored).to.include({ name: expected[7]?.name, departmentCode: expected[7]?.departmentCode, status: expected[7]?.status });
    expect(stored?.certificates[0]?.validUntil?.toISOString()).to.equal(expected[7]?.certificates[0]?.validUntil.toISOString().replace(/T.*/, 'T00:00:00.000Z'));
    expect(stored?.qualifications).to.deep.equal(expected[7]?.qualifications);
    const again = await importFile('inspectors', file, dir.path);
    expect(again.counts).to.include({ unchanged: 60, updated: 0, inserted: 0 });
  });

  it('a row without 人员编号 updates the person holding that certificate and keeps their other certificate', async () => {
    const person = await createInspector({
      inspectorId: 'HJ99001', name: '王检查',
      certificates: [
        { number: '43129900001', issuer: '湖南省人民政府', validFrom: new Date('2020-01-01'), validUntil: new Date('2025-01-01') },
        { number: 'SCJG-0001', issuer: '湖南省市场监督管理局', validFrom: new Date('2022-01-01'), validUntil: new Date('2027-01-01') },
      ],
    });
    const file = join(dir.path, 'by-certificate.xlsx');
    const header = ['姓名', '执法证号', '发证机关', '证件有效期起', '证件有效期止', '部门编码', '状态'];
    await writeWorkbook(file, header, [
      ['王检查', '43129900001', '湖南省人民政府', '2025/01/01', '20300101', 'HJ-SCJG', '在岗'],
      ['李新人', '43129900002', '湖南省人民政府', '2025-03-01', '2030-03-01', '若水市场监督管理所', '有效'],
      ['赵错误', '43129900003', '湖南省人民政府', '2030-03-01', '2025-03-01', 'HJ-SCJG', '有效'],
      ['钱无部门', '43129900004', '湖南省人民政府', '2025-03-01', '2030-03-01', '不存在的局', '有效'],
    ]);
    const summary = await importFile('inspectors', file, dir.path);
    expect(summary.counts).to.include({ updated: 1, inserted: 1, rejected: 2 });
    const updated = await Inspector.findById(person._id).lean();
    expect(updated?.certificates.map((c) => [c.number, c.validUntil.toISOString().slice(0, 10)])).to.deep.equal([
      ['43129900001', '2030-01-01'],
      ['SCJG-0001', '2027-01-01'],
    ]);
    const newcomer = await Inspector.findOne({ inspectorId: '43129900002' }).lean();
    expect(newcomer).to.include({ name: '李新人', departmentCode: 'HJ-SCJG-RS' });
    const report = await readErrorReport(summary.errorReport?.path as string);
    expect(report.map((line) => [line.row, line.code, line.column])).to.deep.equal([
      [4, 'date_order', '证件有效期止'],
      [5, 'unknown_department', '部门编码'],
    ]);
  });

  it('a file with 执法证号 but no validity columns fails, naming them', async () => {
    const file = join(dir.path, 'no-dates.xlsx');
    await writeWorkbook(file, ['人员编号', '姓名', '执法证号', '所属部门'], [['HJ1', '张三', '4312', 'HJ-SCJG']]);
    const error = await importFile('inspectors', file, dir.path).catch((e: Error) => e);
    expect((error as Error).message).to.contain('证件有效期起').and.to.contain('证件有效期止');
    expect(await Inspector.countDocuments()).to.equal(0);
  });
});
