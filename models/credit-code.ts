// Owns the 统一社会信用代码 (unified social credit code, GB 32100-2015): validation of its
// 18th-character check digit and construction of valid codes for demo data and tests.
//
// Layout: 1 登记管理部门代码 · 1 机构类别代码 · 6 登记管理机关行政区划码 · 9 主体标识码
// (组织机构代码, itself ending in a GB 11714 check character) · 1 校验码.

/** The 31 characters allowed (no I, O, S, V, Z), in value order 0..30. */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The check character for the first 17 characters. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) {
    const value = CREDIT_CODE_CHARSET.indexOf(first17.charAt(i));
    if (value < 0) throw new RangeError(`invalid character "${first17.charAt(i)}" at position ${i + 1}`);
    sum += value * (WEIGHTS[i] as number);
  }
  return CREDIT_CODE_CHARSET.charAt((31 - (sum % 31)) % 31);
}

/** GB 11714 check character of an 8-character organisation code body (digits/letters). */
export function orgCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i += 1) {
    const ch = first8.charAt(i);
    const value = /\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 55; // A=10 … Z=35
    sum += value * (ORG_WEIGHTS[i] as number);
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

export type CreditCodeProblem = 'length' | 'characters' | 'check_digit';

/** Undefined when valid; otherwise why not. Upper-cases nothing: callers normalise first. */
export function creditCodeProblem(code: string): CreditCodeProblem | undefined {
  if (code.length !== 18) return 'length';
  if (!SHAPE.test(code)) return 'characters';
  if (creditCodeCheckChar(code.slice(0, 17)) !== code.charAt(17)) return 'check_digit';
  return undefined;
}

export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(code) === undefined;
}

/** Trims and upper-cases what people type or spreadsheets hold. */
export function normaliseCreditCode(input: string): string {
  return input.trim().toUpperCase();
}

/**
 * Builds a valid code from its parts: department+category (e.g. "91" enterprise, "92"
 * 个体工商户, "93" 农民专业合作社), a 6-digit region code and an 8-character organisation body.
 */
export function buildCreditCode(prefix: string, region: string, orgBody: string): string {
  const first17 = `${prefix}${region}${orgBody}${orgCodeCheckChar(orgBody)}`;
  return `${first17}${creditCodeCheckChar(first17)}`;
}
