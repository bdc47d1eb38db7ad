// The inspector roster (执法检查人员名录库) import. One row is one person with (at most) one
// certificate. The natural key is 人员编号 (inspectorId); a row without it is matched by its
// 执法证号 to a person already on the roster, or becomes a new person whose id is the
// certificate number. The file's certificate replaces the person's certificate with the same
// number and leaves any other certificate they hold (some hold two) in place.
import { DEPARTMENT_LEVELS, INSPECTOR_STATUSES, Inspector } from '../../../models/index.js';
import { codeText, date, enumOf, listOf, text } from '../cells.js';
import type { ColumnSpec } from '../columns.js';
import type { ValidRow } from '../types.js';
import { copyPlain, resolveDepartment, type BuildInput, type BuildResult, type FieldError, type KindDefinition } from './kind.js';

const ID_MAX = 32;

const unitLevel = enumOf<(typeof DEPARTMENT_LEVELS)[number]>({
  values: DEPARTMENT_LEVELS,
  synonyms: { 省级: '省', 市级: '市', 地市级: '市', 县级: '县', 区级: '县', 县区: '县', 基层所: '所', 乡镇: '所', province: '省', city: '市', county: '县', station: '所' },
  patterns: [[/^省/, '省'], [/^(地|州|市)/, '市'], [/^(县|区)/, '县'], [/所$/, '所']],
});

const status = enumOf<(typeof INSPECTOR_STATUSES)[number]>({
  values: INSPECTOR_STATUSES,
  synonyms: { 在岗: '有效', 正常: '有效', 在职: '有效', 启用: '有效', valid: '有效', active: '有效', 停用: '失效', 离岗: '失效', 离职: '失效', 注销: '失效', 过期: '失效', invalid: '失效', inactive: '失效' },
});

const itemCode = codeText(8, { regex: /^[A-Z]\d{2,4}$/, hint: 'item_code' });

export const INSPECTOR_COLUMNS: ColumnSpec[] = [
  { field: 'inspectorId', label: '人员编号', aliases: ['工号', '人员代码', 'inspector_id'], parse: codeText(ID_MAX) },
  { field: 'name', label: '姓名', aliases: ['执法人员姓名', '人员姓名'], parse: text(50), required: true },
  { field: 'certificateNumber', label: '执法证号', aliases: ['执法证件号', '执法证编号', '执法证件编号', '证件号码', '证件编号', 'certificate_number'], parse: codeText(64) },
  { field: 'certificateIssuer', label: '发证机关', aliases: ['发证单位', '发证机构', 'certificate_issuer'], parse: text(100) },
  { field: 'certificateValidFrom', label: '证件有效期起', aliases: ['有效期起', '有效期开始', '有效期自', '证件有效期开始', '发证日期', 'valid_from', 'validFrom'], parse: date },
  { field: 'certificateValidUntil', label: '证件有效期止', aliases: ['有效期止', '有效期至', '有效期截止', '证件有效期至', '证件有效期截止', 'valid_until', 'validUntil'], parse: date },
  { field: 'departmentCode', label: '所属部门', aliases: ['部门编码', '部门', '所属单位', '单位', '执法部门', 'department', 'department_code'], parse: text(100), required: true },
  { field: 'unitLevel', label: '层级', aliases: ['单位层级', '级别', '所属层级', 'unit_level', 'level'], parse: unitLevel },
  { field: 'post', label: '职务', aliases: ['岗位', '职务职级'], parse: text(100) },
  { field: 'qualifications', label: '执法资格', aliases: ['资质', '执法资质', '资格', '专业资格'], parse: listOf(text(50)) },
  { field: 'status', label: '状态', aliases: ['人员状态', '执法证状态', '证件状态'], parse: status, required: true },
  { field: 'itemCodes', label: '可检查事项', aliases: ['检查事项', '可抽查事项', 'item_codes'], parse: listOf(itemCode) },
];

const PLAIN = ['inspectorId', 'name', 'unitLevel', 'post', 'qualifications', 'status', 'itemCodes'] as const;

function build(input: BuildInput): BuildResult {
  const { values } = input;
  const errors: FieldError[] = [];
  const { fields, unset } = copyPlain(values, input.present, PLAIN);
  const department = resolveDepartment(input, 'departmentCode');
  if (department.error) errors.push(department.error);
  else fields.departmentCode = department.code;
  const certificate = buildCertificate(input, errors);
  if (certificate) fields.certificates = [certificate];
  const id = values.inspectorId as string | undefined;
  const number = certificate?.number;
  if (!id && !number) {
    errors.push({ field: input.present.has('inspectorId') ? 'inspectorId' : 'certificateNumber', code: 'required', variant: 'id_or_certificate' });
  } else if (!id && (number as string).length > ID_MAX) {
    errors.push({ field: 'certificateNumber', code: 'too_long', variant: 'certificate_as_id', params: { max: ID_MAX } });
  }
  if (errors.length > 0) return { errors };
  // A key prefix keeps "id A1" and "certificate A1" apart in the in-file duplicate check.
  return {
    key: id ? `id:${id}` : `cert:${number}`,
    keyColumn: id ? 'inspectorId' : 'certificateNumber',
    fields,
    unset: unset.filter((path) => path !== 'inspectorId'),
  };
}

function buildCertificate(input: BuildInput, errors: FieldError[]) {
  const { values } = input;
  const number = values.certificateNumber as string | undefined;
  if (!number) return undefined;
  const validFrom = values.certificateValidFrom as Date | undefined;
  const validUntil = values.certificateValidUntil as Date | undefined;
  for (const [field, value] of [['certificateValidFrom', validFrom], ['certificateValidUntil', validUntil]] as const) {
    if (!value) errors.push({ field, code: 'required', variant: 'with_certificate', params: { certificateColumn: input.headerOf('certificateNumber') } });
  }
  if (validFrom && validUntil && validFrom > validUntil) {
    errors.push({ field: 'certificateValidUntil', code: 'date_order', params: { fromColumn: input.headerOf('certificateValidFrom') } });
  }
  const issuer = values.certificateIssuer as string | undefined;
  return { number, ...(issuer ? { issuer } : {}), validFrom, validUntil };
}

/** Rows known only by certificate: the person holding it, else a new person with that id. */
async function resolveKeys(rows: ValidRow[]): Promise<void> {
  const byCertificate = rows.filter((row) => row.fields.inspectorId === undefined);
  if (byCertificate.length === 0) return;
  const numbers = byCertificate.map((row) => certificateOf(row)?.number as string);
  const holders = await Inspector.collection
    .find({ 'certificates.number': { $in: numbers } }, { projection: { inspectorId: 1, certificates: 1 } })
    .toArray();
  const idOf = new Map<string, string>();
  for (const holder of holders) for (const c of holder.certificates ?? []) idOf.set(c.number, holder.inspectorId);
  for (const row of byCertificate) {
    const number = certificateOf(row)?.number as string;
    row.fields.inspectorId = idOf.get(number) ?? number;
  }
}

function certificateOf(row: ValidRow): { number: string } | undefined {
  return (row.fields.certificates as { number: string }[] | undefined)?.[0];
}

/** The file's certificate replaces the same-numbered one; the person's other certificates stay. */
function mergeInto(existing: Record<string, any>, row: ValidRow): Record<string, unknown> {
  const incoming = certificateOf(row);
  if (!incoming) return row.fields;
  const current: { number: string }[] = existing.certificates ?? [];
  const at = current.findIndex((c) => c.number === incoming.number);
  const certificates = at >= 0 ? current.map((c, i) => (i === at ? incoming : c)) : [...current, incoming];
  return { ...row.fields, certificates };
}

export const inspectors: KindDefinition = {
  kind: 'inspectors',
  model: Inspector,
  keyField: 'inspectorId',
  columns: INSPECTOR_COLUMNS,
  requiredColumns: ['name', 'departmentCode', ['inspectorId', 'certificateNumber']],
  requiredWith: { certificateNumber: ['certificateValidFrom', 'certificateValidUntil'] },
  build,
  resolveKeys,
  mergeInto,
};
