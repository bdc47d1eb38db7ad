// Factories: each test builds the data it needs, valid by default, overridable per field.
import { buildCreditCode, CREDIT_CODE_CHARSET } from '../../models/credit-code.js';
import { Inspector, MarketEntity } from '../../models/index.js';

let sequence = 0;
const next = () => (sequence += 1);

/** A valid, unique credit code. */
export function uniqueCreditCode(prefix = '91'): string {
  let rest = next() + 31 ** 5; // offset keeps clear of the demo world's codes
  let body = '';
  for (let i = 0; i < 6; i += 1) {
    body = CREDIT_CODE_CHARSET.charAt(rest % 31) + body;
    rest = Math.floor(rest / 31);
  }
  return buildCreditCode(prefix, '431271', `TT${body}`);
}

export function entityFields(overrides: Record<string, unknown> = {}) {
  const n = next();
  return {
    creditCode: uniqueCreditCode(),
    name: `测试商贸有限公司${n}`,
    type: '企业',
    status: '存续',
    region: '新街街道',
    industry: 'F',
    riskClass: 'A',
    ...overrides,
  };
}

export async function createEntity(overrides: Record<string, unknown> = {}) {
  return new MarketEntity(entityFields(overrides)).save();
}

export function inspectorFields(overrides: Record<string, unknown> = {}) {
  const n = next();
  return {
    inspectorId: `T${String(n).padStart(6, '0')}`,
    name: `测试员${n}`,
    departmentCode: 'HJ-SCJG',
    certificates: [{ number: `9999${String(n).padStart(7, '0')}`, issuer: '湖南省人民政府', validFrom: new Date('2024-01-01'), validUntil: new Date('2029-01-01') }],
    status: '有效',
    ...overrides,
  };
}

export async function createInspector(overrides: Record<string, unknown> = {}) {
  return new Inspector(inspectorFields(overrides)).save();
}
