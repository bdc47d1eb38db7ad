// Owns the default content of the editable lists, as given in the domain notes: the
// inspection-item list (一单), result categories (检查结果), follow-up options (后续处置) and the
// administrative divisions (行政区划) of the demo county, its city and province.
// Admins may edit all of it later; these are only the starting point.
import type { INSPECTION_METHODS, ITEM_KINDS } from '../../models/inspection-item.js';

export interface DefaultItem {
  code: string;
  name: string;
  legalBasis: string;
  departmentCode: string;
  targetType: string;
  methods: (typeof INSPECTION_METHODS)[number][];
  content: string;
  ratioText: string;
  frequencyText: string;
  kind: (typeof ITEM_KINDS)[number];
  requiredQualification?: string;
}

export const MARKET_SUPERVISION_DEPT = 'HJ-SCJG';

export const DEFAULT_ITEMS: DefaultItem[] = [
  item('A01', '直销违法行为检查', '《直销管理条例》', '直销企业及其分支机构', ['现场检查', '书面检查'], '直销经营活动、直销员管理、信息报备披露', '不低于3%', '每年1次', '一般'),
  item('A02', '企业公示信息检查', '《企业信息公示暂行条例》第十四条', '企业', ['书面检查', '网络监测'], '年度报告及即时公示信息的真实性', '不低于3%', '每年1次', '一般'),
  item('A03', '个体工商户年度报告检查', '《个体工商户年度报告暂行办法》', '个体工商户', ['书面检查', '现场检查'], '年度报告信息的真实性', '不高于10%', '每年1次', '一般'),
  item('A04', '农民专业合作社年度报告检查', '《农民专业合作社年度报告公示暂行办法》', '农民专业合作社', ['书面检查'], '年度报告信息的真实性', '不高于10%', '每年1次', '一般'),
  item('B01', '食品生产者生产行为检查', '《中华人民共和国食品安全法》第一百一十条', '食品生产企业', ['现场检查', '检验检测'], '生产环境、原料控制、出厂检验', '按风险等级确定', '每年不少于1次', '重点', '食品检查员'),
  item('B02', '餐饮服务食品安全检查', '《中华人民共和国食品安全法》', '餐饮服务经营者', ['现场检查'], '许可、从业人员健康、加工制作过程', '按风险等级确定', '每年不少于1次', '重点', '食品检查员'),
  item('B03', '药品经营企业检查', '《中华人民共和国药品管理法》', '药品经营企业', ['现场检查', '书面检查'], '药品购销存记录、储存条件', '按风险等级确定', '每年1次', '重点', '药品检查员'),
  item('B04', '特种设备使用单位检查', '《中华人民共和国特种设备安全法》', '特种设备使用单位', ['现场检查'], '使用登记、定期检验、作业人员持证', '按风险等级确定', '每年1次', '重点', '特种设备安全监察员'),
  item('C01', '广告发布行为检查', '《中华人民共和国广告法》', '广告经营者、发布者', ['网络监测', '书面检查'], '广告内容合法性', '不高于10%', '每年1次', '一般'),
  item('C02', '计量器具使用检查', '《中华人民共和国计量法》', '使用强制检定计量器具的单位', ['现场检查', '检验检测'], '强制检定计量器具的检定情况', '不高于10%', '每年1次', '一般'),
  item('C03', '产品质量监督抽查', '《中华人民共和国产品质量法》', '生产者、销售者', ['检验检测', '委托专业机构'], '产品质量是否符合标准', '按计划确定', '每年1次', '重点'),
  item('C04', '网络交易行为检查', '《网络交易监督管理办法》', '网络经营者', ['网络监测'], '亮照亮证、交易规则', '不高于10%', '每年1次', '一般'),
];

function item(
  code: string,
  name: string,
  legalBasis: string,
  targetType: string,
  methods: DefaultItem['methods'],
  content: string,
  ratioText: string,
  frequencyText: string,
  kind: DefaultItem['kind'],
  requiredQualification?: string,
): DefaultItem {
  return {
    code, name, legalBasis, departmentCode: MARKET_SUPERVISION_DEPT, targetType, methods, content,
    ratioText, frequencyText, kind, ...(requiredQualification ? { requiredQualification } : {}),
  };
}

export interface DefaultDictionaryEntry {
  code: string;
  label: string;
  leadsToAbnormalList?: boolean;
  closesCase?: boolean;
}

export const DEFAULT_RESULT_CATEGORIES: DefaultDictionaryEntry[] = [
  { code: 'R01', label: '未发现问题' },
  { code: 'R02', label: '未按规定公示应当公示的信息' },
  { code: 'R03', label: '公示信息隐瞒真实情况弄虚作假', leadsToAbnormalList: true },
  { code: 'R04', label: '通过登记的住所（经营场所）无法联系', leadsToAbnormalList: true },
  { code: 'R05', label: '发现问题已责令改正' },
  { code: 'R06', label: '发现问题待后续处理' },
  { code: 'R07', label: '未发现开展本次抽查涉及的经营活动' },
  { code: 'R08', label: '已关闭停业或正在组织清算' },
  { code: 'R09', label: '不配合检查情节严重' },
  { code: 'R10', label: '注销' },
  { code: 'R11', label: '被吊销' },
  { code: 'R12', label: '被撤销' },
  { code: 'R13', label: '迁出' },
];

export const DEFAULT_FOLLOW_UPS: DefaultDictionaryEntry[] = [
  { code: 'F01', label: '无需后续处置', closesCase: true },
  { code: 'F02', label: '责令改正并跟踪' },
  { code: 'F03', label: '移送案件线索' },
  { code: 'F04', label: '抄告其他部门' },
  { code: 'F05', label: '反馈日常监管部门' },
  { code: 'F06', label: '其他' },
];

/**
 * GB/T 2260 division codes → the region name an entity gets when its roster file has no region
 * column (registration-system exports): characters 3–8 of a credit code are the registering
 * authority's division. The demo county (洪江区), its city and province; admins add the others.
 */
export const DEFAULT_DIVISIONS: DefaultDictionaryEntry[] = [
  { code: '430000', label: '湖南省' },
  { code: '431200', label: '怀化市' },
  { code: '431202', label: '鹤城区' },
  { code: '431271', label: '洪江区' },
  { code: '431281', label: '洪江市' },
];
