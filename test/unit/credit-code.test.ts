import { expect } from 'chai';
import {
  buildCreditCode, creditCodeCheckChar, creditCodeProblem, isValidCreditCode, normaliseCreditCode, orgCodeCheckChar,
} from '../../models/credit-code.js';

// Codes published on the national enterprise credit publicity system.
const REAL_CODES = [
  '91350100M000100Y43', // the GB 32100-2015 worked example
  '91330100716105852F', // 阿里巴巴（中国）有限公司
  '9144030071526726XG', // 深圳市腾讯计算机系统有限公司
  '914403001922038216', // 华为技术有限公司
  '91110108551385082Q', // 北京小米科技有限责任公司
];

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it('accepts real published codes', () => {
    for (const code of REAL_CODES) expect(creditCodeProblem(code), code).to.equal(undefined);
  });

  it('rejects a real code with any single character changed in the check position', () => {
    for (const code of REAL_CODES) {
      const wrong = code.slice(0, 17) + (code.endsWith('0') ? '1' : '0');
      expect(creditCodeProblem(wrong), wrong).to.equal('check_digit');
    }
  });

  it('names the problem: length, forbidden characters (I, O, S, V, Z), check digit', () => {
    expect(creditCodeProblem('9135010')).to.equal('length');
    expect(creditCodeProblem('91350100M000100YO3')).to.equal('characters');
    expect(creditCodeProblem('9135010ZM000100Y43')).to.equal('characters');
    expect(creditCodeProblem('91350100M000100Y44')).to.equal('check_digit');
  });

  it('computes the check character 0 when the weighted sum is a multiple of 31', () => {
    // Search a body whose sum is ≡ 0 (mod 31): the check character must then be "0", not "31".
    for (let n = 0; n < 1000; n += 1) {
      const first17 = `9143127100000${String(n).padStart(4, '0')}`;
      const check = creditCodeCheckChar(first17);
      if (check === '0') {
        expect(isValidCreditCode(`${first17}0`)).to.equal(true);
        return;
      }
    }
    expect.fail('no body with check character 0 found');
  });

  it('builds codes whose organisation part carries a valid GB 11714 check character', () => {
    expect(orgCodeCheckChar('71610585')).to.equal('2'); // from the Alibaba code above
    expect(orgCodeCheckChar('19220382')).to.equal('1'); // from the Huawei code above
    const code = buildCreditCode('92', '431271', 'MA000001');
    expect(code).to.have.length(18);
    expect(isValidCreditCode(code)).to.equal(true);
  });

  it('normalises what people type', () => {
    expect(normaliseCreditCode('  91350100m000100y43 ')).to.equal('91350100M000100Y43');
  });
});
