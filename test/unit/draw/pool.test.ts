// The canonical pool: order by credit code (byte order) whatever the input order, refusing
// duplicates; the digest covers every drawn-on field and nothing else.
import { expect } from 'chai';
import { canonicalOrder, canonicalPoolChunks, draw, isCreditCodeFormat, nobleSha256, poolDigest, type EntityInput } from '../../../server/draw/index.js';
import { nodeSha256 } from '../../../server/draw/node-sha256.js';
import { compareUtf8 } from '../../../server/draw/hash.js';
import { baseInput, creditCode, FAST, makePool } from './helpers/world.js';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Pseudo-random distinct codes (a fixed LCG), including shared prefixes to stress the sort. */
function randomCodes(n: number): string[] {
  let x = 12345;
  const next = (): number => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x >>> 8; };
  const set = new Set<string>();
  while (set.size < n) {
    let c = set.size % 3 === 0 ? '914303020000' : '9';
    while (c.length < 18) c += ALPHABET[next() % 31];
    set.add(c);
  }
  return [...set];
}

const digestOf = (pool: EntityInput[]): string => poolDigest(pool, nobleSha256);

describe('canonical pool order and digest', () => {
  it('canonicalOrder, on 20,000 unsorted codes, orders them exactly as a byte-order sort does', () => {
    const codes = randomCodes(20_000);
    const pool = codes.map((creditCode) => ({ creditCode, status: '存续' }));
    const order = canonicalOrder(pool);
    const expected = [...codes].sort();
    expect(Array.from(order, (i) => codes[i])).to.deep.equal(expected);
  });

  it('canonicalOrder, on an already sorted pool, returns the identity order', () => {
    const pool = makePool(500);
    expect(Array.from(canonicalOrder(pool))).to.deep.equal(Array.from({ length: 500 }, (_, i) => i));
  });

  it('isCreditCodeFormat, for I, O, S, V, Z, lower case or a wrong length, says no', () => {
    expect(isCreditCodeFormat(creditCode(1))).to.equal(true);
    for (const bad of ['91430302000000001I', '91430302000000001O', '91430302000000001S', '91430302000000001V', '91430302000000001Z', '91430302000000001a', '9143030200000001', 42]) {
      expect(isCreditCodeFormat(bad), String(bad)).to.equal(false);
    }
  });

  it('poolDigest, for the same entities in any order, with rosters in any order, is the same', () => {
    const pool = makePool(40, (i) => ({ specialRosters: i % 5 === 0 ? ['餐饮', '食品生产'] : [] }));
    const reordered = [...pool].reverse().map((e) => ({ ...e, specialRosters: [...(e.specialRosters ?? [])].reverse() }));
    expect(digestOf(reordered)).to.equal(digestOf(pool));
  });

  it('poolDigest, when any drawn-on field of one entity changes, changes; when a display field changes, does not', () => {
    const pool = makePool(10, () => ({ industry: 'C13', region: '岳塘区', lastInspectedOn: '2024-01-01', addressKey: 'K1' }));
    const base = digestOf(pool);
    const changes: Array<Partial<EntityInput>> = [
      { status: '注销' }, { riskClass: 'C' }, { industry: 'C14' }, { region: '雨湖区' }, { specialRosters: ['餐饮'] },
      { lastInspectedOn: '2024-01-02' }, { addressKey: 'K2' }, { creditCode: creditCode(99) },
    ];
    for (const change of changes) {
      const altered = pool.map((e, i) => (i === 3 ? { ...e, ...change } : e));
      expect(digestOf(altered), JSON.stringify(change)).to.not.equal(base);
    }
    expect(digestOf(pool.map((e) => ({ ...e, name: '某公司', address: '某路1号' })))).to.equal(base);
    expect(digestOf(pool.map((e) => ({ ...e, riskClass: null, specialRosters: null })))).to.equal(
      digestOf(pool.map(({ riskClass: _r, specialRosters: _s, ...rest }) => ({ ...rest, riskClass: undefined }))),
    );
  });

  it('poolDigest, with native and pure-JS SHA-256 over a 2 MiB pool, agrees', () => {
    const pool = makePool(30_000, (i) => ({ industry: `C${i % 97}`, specialRosters: i % 7 ? [] : ['特种设备使用'] }));
    expect(poolDigest(pool, nodeSha256)).to.equal(poolDigest(pool, nobleSha256));
  });

  it('canonicalPoolChunks, over 40,000 entities with hundreds of distinct values per field, equals §5.2 written naively', () => {
    // Hundreds of distinct industries, regions and dates exercise multi-byte dictionary ids
    // and chunk boundaries (the text is over 2 MiB).
    const codes = randomCodes(40_000);
    const pool: EntityInput[] = codes.map((code, i) => ({
      creditCode: code,
      status: ['存续', '注销', '吊销'][i % 3]!,
      riskClass: i % 11 === 0 ? null : (['A', 'B', 'C', 'D'] as const)[i % 4],
      industry: `C${i % 700}`,
      region: `区域${i % 300}`,
      specialRosters: i % 9 === 0 ? ['特种设备使用', '餐饮', '𠀋专项'].slice(0, 1 + (i % 3)) : [],
      lastInspectedOn: i % 4 === 0 ? undefined : `20${10 + (i % 15)}-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`,
      addressKey: i % 5 === 0 ? `ADDR-${i}-${'x'.repeat(i % 100)}` : '',
    }));
    const naive = 'ssj-pool/1\n' + [...pool]
      .sort((a, b) => (a.creditCode < b.creditCode ? -1 : 1))
      .map((e) => [e.creditCode, e.status, e.riskClass ?? '', e.industry, e.region,
        [...(e.specialRosters ?? [])].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))).join(','),
        e.lastInspectedOn ?? '', e.addressKey ?? ''].join('\t') + '\n')
      .join('');
    const chunks = canonicalPoolChunks(pool);
    expect(chunks.length).to.be.greaterThan(1);
    expect(Buffer.concat(chunks).equals(Buffer.from(naive, 'utf8'))).to.equal(true);
  });

  it('compareUtf8, for characters beyond U+FFFF, orders by code point as UTF-8 bytes do', () => {
    const a = '\u{20001}'; // 𠀁, UTF-8 F0 A0 80 81
    const b = '\uFF01'; // ！, UTF-8 EF BC 81
    expect(a < b).to.equal(true); // JavaScript's UTF-16 order disagrees…
    expect(compareUtf8(a, b)).to.equal(1); // …with byte order, which the spec uses
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).to.equal(1);
  });

  it('draw, recording the pool, reports size and exclusion totals consistent with its strata', () => {
    const pool = makePool(25, (i) => ({ status: i % 5 ? '存续' : '吊销' }));
    const record = draw(baseInput({ pool }), FAST);
    expect(record.pool).to.include({ size: 25, drawable: 20, excludedInactive: 5, unstratified: 0 });
  });
});
