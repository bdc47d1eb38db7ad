// Owns the deterministic demo world: the same seed and size always give the same departments,
// entities and inspectors, byte for byte, so tests and benchmarks can rely on it. Pure: no
// database, no clock (the reference date is a parameter).
import seedrandom from 'seedrandom';
import { buildCreditCode, CREDIT_CODE_CHARSET } from '../../models/credit-code.js';
import { DEFAULT_ITEMS, MARKET_SUPERVISION_DEPT } from '../catalog/defaults.js';
import { GIVEN_CHARS, HONGJIANG, INDUSTRY_WORDS, STREETS, SURNAMES, TRADE_NAMES } from './names.js';

export interface WorldOptions {
  seed: string;
  entities: number;
  /** Defaults to one inspector per 80 entities, at least 40. */
  inspectors?: number;
  /** Reference date (YYYY-MM-DD) from which validity and inspection dates are placed. */
  asOf: string;
  /** Extra regions beside 洪江区's townships. */
  extraRegions?: string[];
}

export interface DemoEntity {
  creditCode: string; name: string; type: string; status: string; statusDate?: Date; foundedOn: Date;
  registeringAuthority: string; supervisingOffice: string; region: string; address: string;
  legalRepresentative: string; industry: string; riskClass: string; riskAsOf: Date;
  specialRosters: { roster: string; licenceNumber: string; licenceExpiresOn: Date }[];
  lastInspectedOn?: Date;
}

export interface DemoInspector {
  inspectorId: string; name: string; departmentCode: string; unitLevel: string; post: string;
  certificates: { number: string; issuer: string; validFrom: Date; validUntil: Date }[];
  qualifications: string[]; itemCodes: string[]; status: string;
}

export const DEMO_DEPARTMENTS = [
  { code: MARKET_SUPERVISION_DEPT, name: '怀化市洪江区市场监督管理局', level: '县' },
  { code: 'HJ-SCJG-XJ', name: '新街市场监督管理所', level: '所', parentCode: MARKET_SUPERVISION_DEPT },
  { code: 'HJ-SCJG-YJ', name: '沅江路市场监督管理所', level: '所', parentCode: MARKET_SUPERVISION_DEPT },
  { code: 'HJ-SCJG-RS', name: '若水市场监督管理所', level: '所', parentCode: MARKET_SUPERVISION_DEPT },
  { code: 'HJ-WJ', name: '怀化市洪江区卫生健康局', level: '县' },
  { code: 'HJ-YJ', name: '怀化市洪江区应急管理局', level: '县' },
] as const;

const DAY = 86_400_000;
type Rng = () => number;

/** Picks by weights (they need not sum to 1). */
function weighted<T>(rng: Rng, choices: readonly (readonly [T, number])[]): T {
  const total = choices.reduce((sum, [, w]) => sum + w, 0);
  let point = rng() * total;
  for (const [value, weight] of choices) {
    point -= weight;
    if (point < 0) return value;
  }
  return (choices[choices.length - 1] as readonly [T, number])[0];
}
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;

const TYPES = [['个体工商户', 62], ['企业', 30], ['农民专业合作社', 6], ['外企代表机构', 2]] as const;
const TYPE_PREFIX: Record<string, string> = { 企业: '91', 个体工商户: '92', 农民专业合作社: '93', 外企代表机构: '91' };
const STATUSES = [['存续', 92], ['注销', 5], ['吊销', 2], ['撤销', 0.5], ['迁出', 0.5]] as const;
const RISK = [['A', 65], ['B', 25], ['C', 8], ['D', 2]] as const;
const INDUSTRIES = [['F', 34], ['H', 16], ['C', 9], ['O', 8], ['A', 6], ['G', 5], ['E', 5], ['I', 4], ['L', 3], ['M', 4], ['K', 2], ['R', 4]] as const;
const OFFICES = ['新街市场监督管理所', '沅江路市场监督管理所', '若水市场监督管理所'];

/** Base-31 over the credit-code alphabet: unique organisation bodies for up to 31^6 entities. */
function orgBody(index: number): string {
  let rest = index;
  let digits = '';
  for (let i = 0; i < 6; i += 1) {
    digits = CREDIT_CODE_CHARSET.charAt(rest % 31) + digits;
    rest = Math.floor(rest / 31);
  }
  return `MA${digits}`;
}

function specialRosters(rng: Rng, industry: string, asOf: number): DemoEntity['specialRosters'] {
  const rosters: DemoEntity['specialRosters'] = [];
  const add = (roster: string, prefix: string) =>
    rosters.push({
      roster,
      licenceNumber: `${prefix}${String(Math.floor(rng() * 1e14)).padStart(14, '0')}`,
      licenceExpiresOn: new Date(asOf + Math.floor((rng() * 5 * 365 - 200) * DAY)),
    });
  if (industry === 'H' && rng() < 0.7) add('餐饮', 'JY');
  if (industry === 'C' && rng() < 0.3) add('食品生产', 'SC');
  if (industry === 'F' && rng() < 0.06) add('药品经营', '湘AA');
  if ((industry === 'C' || industry === 'G') && rng() < 0.2) add('特种设备使用', 'TS');
  if (industry === 'L' && rng() < 0.5) add('广告', 'GG');
  if (industry === 'F' && rng() < 0.01) add('直销', 'ZX');
  return rosters;
}

export function generateEntity(options: WorldOptions, index: number): DemoEntity {
  const rng = seedrandom.alea(`${options.seed}/entity/${index}`);
  const asOf = Date.parse(options.asOf);
  const type = weighted(rng, TYPES);
  const industry = weighted(rng, INDUSTRIES);
  const regions = [...HONGJIANG.townships, ...(options.extraRegions ?? [])];
  const region = pick(rng, regions);
  const [business, shop] = INDUSTRY_WORDS[industry] ?? ['商贸', '商店'];
  const trade = pick(rng, TRADE_NAMES) + (index % 7 === 0 ? pick(rng, TRADE_NAMES) : '');
  const name =
    type === '个体工商户' ? `${HONGJIANG.name}${trade}${shop}` :
    type === '农民专业合作社' ? `${HONGJIANG.name}${trade}${business}专业合作社` :
    type === '外企代表机构' ? `${trade}（香港）${business}有限公司洪江代表处` :
    `怀化${trade}${business}有限公司`;
  const status = weighted(rng, STATUSES);
  const foundedOn = new Date(asOf - Math.floor(rng() * 20 * 365 + 30) * DAY);
  const entity: DemoEntity = {
    creditCode: buildCreditCode(TYPE_PREFIX[type] as string, HONGJIANG.code, orgBody(index)),
    name, type, status, foundedOn, industry, region,
    registeringAuthority: '怀化市洪江区市场监督管理局',
    supervisingOffice: pick(rng, OFFICES),
    address: `湖南省怀化市${HONGJIANG.name}${region}${pick(rng, STREETS)}${1 + Math.floor(rng() * 300)}号`,
    legalRepresentative: personName(rng),
    riskClass: weighted(rng, RISK),
    riskAsOf: new Date(asOf - Math.floor(rng() * 28) * DAY),
    specialRosters: specialRosters(rng, industry, asOf),
  };
  if (status !== '存续') entity.statusDate = new Date(foundedOn.getTime() + Math.floor(rng() * (asOf - foundedOn.getTime())));
  if (rng() < 0.25) entity.lastInspectedOn = new Date(asOf - Math.floor(rng() * 3 * 365) * DAY);
  return entity;
}

function personName(rng: Rng): string {
  return pick(rng, SURNAMES) + pick(rng, GIVEN_CHARS) + (rng() < 0.6 ? pick(rng, GIVEN_CHARS) : '');
}

/** Entities in batches, so a million-row world never sits in memory at once. */
export function* entityBatches(options: WorldOptions, batchSize = 1000): Generator<DemoEntity[]> {
  for (let start = 0; start < options.entities; start += batchSize) {
    const batch: DemoEntity[] = [];
    for (let i = start; i < Math.min(start + batchSize, options.entities); i += 1) batch.push(generateEntity(options, i));
    yield batch;
  }
}

const QUALIFICATIONS = [['食品检查员', 0.35], ['药品检查员', 0.12], ['特种设备安全监察员', 0.12], ['组长', 0.2]] as const;

export function generateInspectors(options: WorldOptions): DemoInspector[] {
  const count = options.inspectors ?? Math.max(40, Math.round(options.entities / 80));
  const asOf = Date.parse(options.asOf);
  const departments = DEMO_DEPARTMENTS.filter((d) => d.code.startsWith(MARKET_SUPERVISION_DEPT));
  const inspectors: DemoInspector[] = [];
  for (let index = 0; index < count; index += 1) {
    const rng = seedrandom.alea(`${options.seed}/inspector/${index}`);
    // Most inspectors are market supervision staff; a few belong to partner departments.
    const department = rng() < 0.85 ? pick(rng, departments) : pick(rng, DEMO_DEPARTMENTS.slice(4));
    const qualifications = QUALIFICATIONS.filter(([, share]) => rng() < share).map(([name]) => name);
    // Certificates last five years; placing their start spreads expiries from long past to far ahead.
    const validFrom = new Date(asOf - Math.floor(rng() * 5.6 * 365) * DAY);
    const certificates = [{
      number: `4312${String(100000 + index).padStart(7, '0')}`,
      issuer: '湖南省人民政府',
      validFrom,
      validUntil: new Date(validFrom.getTime() + 5 * 365 * DAY),
    }];
    const itemCodes = DEFAULT_ITEMS.filter((item) => !item.requiredQualification || qualifications.includes(item.requiredQualification as never)).map((item) => item.code);
    inspectors.push({
      inspectorId: `HJ${String(index + 1).padStart(5, '0')}`,
      name: personName(rng),
      departmentCode: department.code,
      unitLevel: department.level,
      post: rng() < 0.3 ? '科长' : '科员',
      certificates, qualifications, itemCodes,
      status: rng() < 0.04 ? '失效' : '有效',
    });
  }
  return inspectors;
}
