// The entity roster (检查对象名录库) import: columns of typical 市场主体 exports, the labels
// real systems write for type, status, industry and credit-risk class, and the special rosters
// (专项库) given as parallel lists (专项库 / 许可证号 / 许可证有效期, one entry per roster).
// Registration-system exports carry no region column: then the region is named from the credit
// code (characters 3–8 are the registering authority's GB/T 2260 division code) through the
// editable 'division' dictionary. A code the dictionary does not name rejects the row, naming
// the code, so the admin adds it once and imports again — rather than filling the region filter
// with bare numbers that would each need renaming by hand. 登记机关 is kept as the file gives it.
import { ENTITY_STATUSES, ENTITY_TYPES, INDUSTRY_SECTIONS, MarketEntity, RISK_CLASSES } from '../../../models/index.js';
import { codeText, creditCode, date, enumOf, listOf, text } from '../cells.js';
import type { ColumnSpec } from '../columns.js';
import type { ValidRow } from '../types.js';
import { copyPlain, type BuildInput, type BuildResult, type FieldError, type KindDefinition } from './kind.js';

type EntityType = (typeof ENTITY_TYPES)[number];
type EntityStatus = (typeof ENTITY_STATUSES)[number];
type RiskClass = (typeof RISK_CLASSES)[number];

const entityType = enumOf<EntityType>({
  values: ENTITY_TYPES,
  synonyms: {
    enterprise: '企业', company: '企业', cooperative: '农民专业合作社', individual: '个体工商户',
    individual_business: '个体工商户', 个体户: '个体工商户', foreign_representative_office: '外企代表机构',
  },
  // Order matters: "外国(地区)企业常驻代表机构" mentions 企业 but is a representative office.
  patterns: [
    [/代表机构|代表处/, '外企代表机构'],
    [/合作社/, '农民专业合作社'],
    [/个体/, '个体工商户'],
    [/公司|企业|合伙|个人独资|分支机构|全民所有制|集体所有制|厂$/, '企业'],
  ],
});

const entityStatus = enumOf<EntityStatus>({
  values: ENTITY_STATUSES,
  synonyms: { active: '存续', deregistered: '注销', cancelled: '注销', revoked: '吊销', withdrawn: '撤销', moved_out: '迁出' },
  patterns: [
    [/^吊销/, '吊销'],
    [/^注销/, '注销'],
    [/^撤销/, '撤销'],
    [/^迁出|^已迁出/, '迁出'],
    [/存续|在营|开业|在业|在册|正常|登记成立/, '存续'],
  ],
});

const riskClass = enumOf<RiskClass>({
  values: RISK_CLASSES,
  synonyms: { a类: 'A', b类: 'B', c类: 'C', d类: 'D', a级: 'A', b级: 'B', c级: 'C', d级: 'D' },
  patterns: [
    [/^A[类级(]/i, 'A'], [/^B[类级(]/i, 'B'], [/^C[类级(]/i, 'C'], [/^D[类级(]/i, 'D'],
    [/较高/, 'C'], [/风险低|低风险/, 'A'], [/风险一般|一般风险/, 'B'], [/风险高|高风险/, 'D'],
  ],
});

/** GB/T 4754-2017 section names, so "批发和零售业" and "F5211" both mean F. */
const SECTION_NAMES: Record<string, string> = {
  '农、林、牧、渔业': 'A', 采矿业: 'B', 制造业: 'C', '电力、热力、燃气及水生产和供应业': 'D', 建筑业: 'E', 批发和零售业: 'F',
  '交通运输、仓储和邮政业': 'G', 住宿和餐饮业: 'H', '信息传输、软件和信息技术服务业': 'I', 金融业: 'J', 房地产业: 'K',
  租赁和商务服务业: 'L', 科学研究和技术服务业: 'M', '水利、环境和公共设施管理业': 'N', '居民服务、修理和其他服务业': 'O',
  教育: 'P', 卫生和社会工作: 'Q', '文化、体育和娱乐业': 'R', '公共管理、社会保障和社会组织': 'S', 国际组织: 'T',
};
const industry = enumOf<string>({
  values: INDUSTRY_SECTIONS,
  synonyms: Object.fromEntries(Object.entries(SECTION_NAMES).flatMap(([name, letter]) => [[name, letter], [name.replace(/、/g, ''), letter]])),
  patterns: INDUSTRY_SECTIONS.map((letter) => [new RegExp(`^${letter}(\\d{2,4}|[-—.·]?[^A-Za-z0-9])`, 'i'), letter] as [RegExp, string]),
});

export const ENTITY_COLUMNS: ColumnSpec[] = [
  { field: 'creditCode', label: '统一社会信用代码', aliases: ['社会信用代码', '信用代码', '统一代码', 'uniscid', 'credit_code'], parse: creditCode, required: true },
  { field: 'name', label: '企业名称', aliases: ['主体名称', '名称', '市场主体名称', '企业(机构)名称', '字号名称'], parse: text(200), required: true },
  { field: 'type', label: '主体类型', aliases: ['市场主体类型', '企业类型', '类型', '主体类别'], parse: entityType, required: true },
  { field: 'status', label: '登记状态', aliases: ['经营状态', '企业状态', '状态'], parse: entityStatus, required: true },
  { field: 'foundedOn', label: '成立日期', aliases: ['注册日期', '成立时间', 'founded_on'], parse: date },
  { field: 'registeringAuthority', label: '登记机关', aliases: ['登记机构', 'registering_authority'], parse: text(100) },
  { field: 'supervisingOffice', label: '管辖单位', aliases: ['监管所', '管辖机关', '属地监管所', '监管单位', 'supervising_office'], parse: text(100) },
  { field: 'region', label: '所属区域', aliases: ['区域', '所属辖区', '辖区', '所属地区', '乡镇街道'], parse: text(50), required: true },
  { field: 'address', label: '住所', aliases: ['经营场所', '住所(经营场所)', '住所/经营场所', '地址', '注册地址'], parse: text(300) },
  { field: 'legalRepresentative', label: '法定代表人', aliases: ['负责人', '经营者', '法定代表人(负责人、经营者)', '投资人', 'legal_representative'], parse: text(50) },
  { field: 'industry', label: '行业门类', aliases: ['行业', '所属行业', '行业代码', '国民经济行业'], parse: industry },
  { field: 'rosters', label: '专项库', aliases: ['专项名录库', '专项名录', '特定领域', 'special_rosters', 'roster'], parse: listOf(text(50)) },
  { field: 'licenceNumbers', label: '许可证号', aliases: ['许可证编号', '许可证', 'licence_number', 'license_number', 'licenceNumber'], parse: listOf(codeText(64)) },
  { field: 'licenceExpiries', label: '许可证有效期', aliases: ['许可证有效期至', '许可证到期日', 'licence_expires_on', 'licenceExpiresOn'], parse: listOf(date) },
  { field: 'riskClass', label: '信用风险分类', aliases: ['风险等级', '信用风险等级', '风险分类', '信用风险分类结果', 'risk_class'], parse: riskClass },
  { field: 'riskAsOf', label: '风险分类日期', aliases: ['分类日期', '信用风险分类日期', 'risk_as_of'], parse: date },
  { field: 'lastInspectedOn', label: '最近检查日期', aliases: ['最近一次检查日期', '上次检查日期', '最后检查日期', 'last_inspected_on'], parse: date },
];

const PLAIN = ['creditCode', 'name', 'type', 'status', 'foundedOn', 'registeringAuthority', 'supervisingOffice', 'region',
  'address', 'legalRepresentative', 'industry', 'riskClass', 'riskAsOf', 'lastInspectedOn'] as const;

/** Field objects whose region was derived from the credit code (not given by a column). */
const derivedRegions = new WeakSet<object>();

function build(input: BuildInput): BuildResult {
  const { fields, unset } = copyPlain(input.values, input.present, PLAIN);
  if (!input.present.has('region')) {
    const region = regionFromCreditCode(input, fields.creditCode as string);
    if ('error' in region) return { errors: [region.error] };
    fields.region = region.name;
    derivedRegions.add(fields);
  }
  const rosters = specialRosters(input);
  if ('errors' in rosters) return rosters;
  if (rosters.value) fields.specialRosters = rosters.value;
  return { key: fields.creditCode as string, fields, unset };
}

/** The division code of a credit code (GB 32100: characters 3–8) and its name in the dictionary. */
export function regionFromCreditCode(input: BuildInput, creditCode: string): { name: string } | { error: FieldError } {
  const division = creditCode.slice(2, 8);
  const name = input.context.divisionName(division);
  if (name) return { name };
  return { error: { field: 'creditCode', code: 'unknown_division', params: { division } } };
}

/** A derived region never overwrites a stored one: that may be finer (a township) or corrected by hand. */
function mergeInto(existing: Record<string, any>, row: ValidRow): Record<string, unknown> {
  if (!derivedRegions.has(row.fields) || !existing.region) return row.fields;
  const { region: _derived, ...fields } = row.fields;
  return fields;
}

/** Zips the three parallel lists; licences may be fewer than rosters, never more. */
function specialRosters(input: BuildInput): { value?: object[] } | { errors: FieldError[] } {
  const { values, present } = input;
  if (!present.has('rosters')) {
    const stray = ['licenceNumbers', 'licenceExpiries'].find((f) => ((values[f] as unknown[] | undefined) ?? []).length > 0);
    if (!stray) return {};
    return { errors: [{ field: stray, code: 'roster_missing', params: { rosterColumn: input.headerOf('rosters') } }] };
  }
  const rosters = (values.rosters as string[] | undefined) ?? [];
  const numbers = (values.licenceNumbers as string[] | undefined) ?? [];
  const expiries = (values.licenceExpiries as Date[] | undefined) ?? [];
  for (const [field, list] of [['licenceNumbers', numbers], ['licenceExpiries', expiries]] as const) {
    if (list.length > rosters.length) {
      return { errors: [{ field, code: 'list_mismatch', params: { count: list.length, rosters: rosters.length, rosterColumn: input.headerOf('rosters') } }] };
    }
  }
  return {
    value: rosters.map((roster, i) => ({
      roster,
      ...(numbers[i] !== undefined ? { licenceNumber: numbers[i] } : {}),
      ...(expiries[i] !== undefined ? { licenceExpiresOn: expiries[i] } : {}),
    })),
  };
}

export const entities: KindDefinition = {
  kind: 'entities',
  model: MarketEntity,
  keyField: 'creditCode',
  columns: ENTITY_COLUMNS,
  // No region column: the region comes from the credit code (see build).
  requiredColumns: ['creditCode', 'name', 'type'],
  build,
  mergeInto,
};
