import { expect } from 'chai';
import { join } from 'node:path';
import { InspectionItem } from '../../../models/index.js';
import { writeCsvFile } from '../../helpers/sample-files.js';
import { createDemoDepartments, importFile, readErrorReport, temporaryDir } from './support.js';

const HEADER = ['事项编码', '事项名称', '抽查依据', '抽查主体', '抽查对象', '抽查方式', '抽查内容', '抽查比例', '抽查频次', '事项类别', '所需资质'];

describe('importing inspection items', () => {
  let dir: Awaited<ReturnType<typeof temporaryDir>>;
  before(async () => (dir = await temporaryDir()));
  after(async () => dir.remove());
  beforeEach(() => createDemoDepartments());

  it('stores items with department, methods and kind from the usual labels, and rejects bad ones', async () => {
    const file = join(dir.path, 'items.csv');
    await writeCsvFile(file, HEADER, [
      ['a01', '直销违法行为检查', '《直销管理条例》', '怀化市洪江区市场监督管理局', '直销企业', '现场检查、书面审查', '直销经营活动', '不低于3%', '每年1次', '一般事项', ''],
      ['B02', '餐饮服务食品安全检查', '《食品安全法》', 'HJ-SCJG', '餐饮服务经营者', '实地核查', '加工制作过程', '按风险等级确定', '每年不少于1次', '重点', '食品检查员'],
      ['X1', '编码不对', '', 'HJ-SCJG', '', '', '', '', '', '一般', ''],
      ['C01', '方式不对', '', 'HJ-SCJG', '', '飞行检查', '', '', '', '一般', ''],
      ['C02', '类别不对', '', 'HJ-SCJG', '', '', '', '', '', '特别', ''],
    ]);
    const summary = await importFile('items', file, dir.path);
    expect(summary.counts).to.include({ inserted: 2, rejected: 3 });
    const a01 = await InspectionItem.findOne({ code: 'A01' }).lean();
    expect(a01).to.include({ departmentCode: 'HJ-SCJG', kind: '一般', ratioText: '不低于3%' });
    expect(a01?.methods).to.deep.equal(['现场检查', '书面检查']);
    const b02 = await InspectionItem.findOne({ code: 'B02' }).lean();
    expect(b02).to.include({ kind: '重点', requiredQualification: '食品检查员' });
    expect(b02?.methods).to.deep.equal(['现场检查']);
    const report = await readErrorReport(summary.errorReport?.path as string);
    expect(report.map((line) => [line.row, line.column, line.code])).to.deep.equal([
      [4, '事项编码', 'invalid_format'],
      [5, '抽查方式', 'invalid_choice'],
      [6, '事项类别', 'invalid_choice'],
    ]);
  });

  it('a missing 抽查主体 column is fatal and named', async () => {
    const file = join(dir.path, 'no-dept.csv');
    await writeCsvFile(file, ['事项编码', '事项名称'], [['A01', '直销违法行为检查']]);
    const error = await importFile('items', file, dir.path).catch((e: Error) => e);
    expect((error as Error).message).to.equal('缺少必需的列：抽查主体（或：部门、部门编码、检查主体）');
    expect(await InspectionItem.countDocuments()).to.equal(0);
  });
});
