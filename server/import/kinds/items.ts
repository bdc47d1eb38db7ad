// The inspection-item list (抽查事项清单, the "一单") import: one row per item, keyed by its
// code (A01…), with the inspecting department given by code or name and the methods as a
// list of the six recognised 抽查方式.
import { INSPECTION_METHODS, ITEM_KINDS, InspectionItem } from '../../../models/index.js';
import { codeText, enumOf, listOf, text } from '../cells.js';
import type { ColumnSpec } from '../columns.js';
import { copyPlain, resolveDepartment, type BuildInput, type BuildResult, type KindDefinition } from './kind.js';

const method = enumOf<(typeof INSPECTION_METHODS)[number]>({
  values: INSPECTION_METHODS,
  synonyms: {
    实地检查: '现场检查', 实地核查: '现场检查', 现场核查: '现场检查', 书面审查: '书面检查', 书面核查: '书面检查',
    材料审查: '书面检查', 抽样检验: '检验检测', 检验: '检验检测', 检测: '检验检测', 网络核查: '网络监测', 网上核查: '网络监测',
    委托第三方: '委托专业机构', 委托第三方机构: '委托专业机构', 专业机构核查: '委托专业机构',
  },
  patterns: [[/行政部门|专业意见/, '行政部门检查结果或专业意见']],
});

const itemKind = enumOf<(typeof ITEM_KINDS)[number]>({
  values: ITEM_KINDS,
  synonyms: { general: '一般', key: '重点', 一般事项: '一般', 重点事项: '重点', 一般检查事项: '一般', 重点检查事项: '重点' },
});

export const ITEM_COLUMNS: ColumnSpec[] = [
  { field: 'code', label: '事项编码', aliases: ['事项代码', '编码', '事项编号', 'item_code'], parse: codeText(8, { regex: /^[A-Z]\d{2,4}$/, hint: 'item_code' }), required: true },
  { field: 'name', label: '事项名称', aliases: ['抽查事项', '检查事项', '名称', 'item_name'], parse: text(200), required: true },
  { field: 'legalBasis', label: '抽查依据', aliases: ['检查依据', '依据', '法律依据', 'legal_basis'], parse: text(2000) },
  { field: 'departmentCode', label: '抽查主体', aliases: ['部门', '部门编码', '检查主体', '实施主体', '抽查部门', 'department', 'department_code'], parse: text(100), required: true },
  { field: 'targetType', label: '抽查对象', aliases: ['检查对象', '对象', 'target_type'], parse: text(200) },
  { field: 'methods', label: '抽查方式', aliases: ['检查方式', '方式'], parse: listOf(method) },
  { field: 'content', label: '抽查内容', aliases: ['检查内容', '抽查内容及要求', '检查内容及要求'], parse: text(4000) },
  { field: 'ratioText', label: '抽查比例', aliases: ['比例', 'ratio'], parse: text(200) },
  { field: 'frequencyText', label: '抽查频次', aliases: ['频次', 'frequency'], parse: text(200) },
  { field: 'kind', label: '事项类别', aliases: ['类别', '事项类型', '检查类别', '一般/重点'], parse: itemKind, required: true },
  { field: 'requiredQualification', label: '所需资质', aliases: ['资质要求', '所需执法资格', '执法资格要求', 'required_qualification'], parse: text(100) },
];

// Text columns with a model default of '' are cleared to '' rather than removed.
const PLAIN = ['code', 'name', 'methods', 'kind', 'requiredQualification'] as const;
const TEXT_WITH_EMPTY_DEFAULT = ['legalBasis', 'targetType', 'content', 'ratioText', 'frequencyText'] as const;

function build(input: BuildInput): BuildResult {
  const { fields, unset } = copyPlain(input.values, input.present, PLAIN);
  for (const path of TEXT_WITH_EMPTY_DEFAULT) {
    if (input.present.has(path)) fields[path] = (input.values[path] as string | undefined) ?? '';
  }
  const department = resolveDepartment(input, 'departmentCode');
  if (department.error) return { errors: [department.error] };
  fields.departmentCode = department.code;
  return { key: fields.code as string, fields, unset };
}

export const items: KindDefinition = {
  kind: 'items',
  model: InspectionItem,
  keyField: 'code',
  columns: ITEM_COLUMNS,
  requiredColumns: ['code', 'name', 'departmentCode'],
  build,
};
