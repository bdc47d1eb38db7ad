// One sequential pass over the pool, in input order, that does all per-entity work: packs
// and validates the credit code, validates the other fields the draw uses, records the rest
// of the entity's line of the canonical pool text (§5.2) and, when strata are given, places
// the entity in its stratum and applies the exclusions (§6.1). Visiting five million objects
// in canonical order instead costs ~50× more in cache misses, so later phases touch only the
// compact arrays produced here. Values repeated across entities (status, industry, region…)
// are validated, encoded and matched once and kept in one shared table as TAB + UTF-8 bytes,
// ready to copy into the pool text; each entity stores only their ids (varints, ~8 bytes)
// plus its address key; pool-digest.ts expands them.
import { isIsoDate } from './dates.js';
import { DrawError } from './errors.js';
import { compareUtf8, utf8 } from './hash.js';
import { textProblem } from './text.js';
import { packCode, STRIDE } from './pool-order.js';
import type { StrataMatcher } from './strata.js';
import { DRAWABLE_STATUS, type EntityInput } from './types.js';

export const DRAWABLE = 0;
export const INACTIVE = 1;
export const RECENT = 2;
/** Named in the announcement's list of entities at their annual inspection cap (ssj-draw/2). */
export const AT_CAP = 3;
/** Slot 7 of stratum 0, which no stratum state uses: placements are stratum · 8 + state. */
export const UNSTRATIFIED = 7;
export const STATE_MASK = 7;

export interface PoolScan {
  /** Number of entities. */
  size: number;
  /**
   * Code records [entry, lo, mid, hi] in input order (see pool-order.ts), where `entry` is
   * the offset in `lines` of the entity's entry. Sorting the records therefore yields the
   * entries in canonical order directly, which pool-digest.ts reads with one memory access
   * per entity rather than two dependent ones (index → offset → entry).
   */
  records: Uint32Array;
  /**
   * Per entity, in input order: its input index (4 bytes, least significant first), six
   * varint value ids (status, riskClass, industry, region, rosters, lastInspectedOn), then
   * the address key's length (varint) and bytes.
   */
  lines: Uint8Array;
  /**
   * The distinct values of all six fields, each stored as TAB followed by its UTF-8 bytes:
   * value id v is the valueLength[v] bytes at values[valueStart[v]]. Each starts at a
   * multiple of 4 and is zero-padded to one (values.length is a multiple of 4).
   */
  values: Uint8Array;
  valueStart: Uint32Array;
  valueLength: Uint32Array;
  /**
   * By input index, when classified: stratum · 8 + state (DRAWABLE … AT_CAP), or
   * UNSTRATIFIED; one array so that classify() reads one value per entity (at most 1000
   * strata fit 16 bits).
   */
  placement: Uint16Array | null;
}

interface Entry {
  /** Id in the shared value table. */
  id: number;
  /** Strata this value is compatible with (null when not classifying). */
  mask: Uint32Array | null;
  /** Status: drawable; date: later than the recent cutoff. */
  flag: boolean;
}

const RISK = new Set(['A', 'B', 'C', 'D']);

const text64 = (v: string): string | null => textProblem(v, 64);

type Field = 'status' | 'riskClass' | 'industry' | 'region' | 'specialRosters' | 'lastInspectedOn';
const CHECKS: Record<Exclude<Field, 'specialRosters'>, (v: string) => string | null> = {
  status: text64,
  riskClass: (v) => (RISK.has(v) ? null : 'must be one of A, B, C, D'),
  industry: text64,
  region: text64,
  lastInspectedOn: (v) => (isIsoDate(v) ? null : 'must be a date written YYYY-MM-DD'),
};

const TAB = 9;

/**
 * Distinct values of all fields, each as TAB + UTF-8 bytes starting at a multiple of 4 and
 * zero-padded to one, so that pool-digest.ts can copy them four bytes at a time.
 */
class ValueTable {
  bytes = new Uint8Array(4096);
  /** Value v starts at bytes[start[v]] (a multiple of 4) and is length[v] bytes long. */
  start = new Uint32Array(256);
  length = new Uint32Array(256);
  count = 0;
  private end = 0;

  add(value: string): number {
    const encoded = utf8(value);
    const at = this.end;
    const size = 1 + encoded.length;
    const padded = (size + 3) & ~3;
    if (at + padded > this.bytes.length) {
      const next = new Uint8Array(Math.max(2 * this.bytes.length, at + padded));
      next.set(this.bytes.subarray(0, at));
      this.bytes = next;
    }
    if (this.count === this.start.length) {
      const start = new Uint32Array(2 * this.count);
      start.set(this.start);
      this.start = start;
      const length = new Uint32Array(2 * this.count);
      length.set(this.length);
      this.length = length;
    }
    this.bytes[at] = TAB;
    this.bytes.set(encoded, at + 1);
    this.start[this.count] = at;
    this.length[this.count] = size;
    this.end = at + padded;
    return this.count++;
  }
}

/** Validated, encoded and (optionally) matched values of one field, shared by all entities. */
class FieldTable {
  private readonly memo = new Map<string, Entry>();
  // Pools exported from a database are often grouped by region or industry: remembering the
  // last value (or the same roster array object) skips most lookups there, and costs one
  // comparison otherwise.
  private lastRaw: unknown = undefined;
  private lastEntry: Entry | null = null;
  constructor(
    private readonly field: Field,
    private readonly table: ValueTable,
    private readonly describe: (value: string) => { mask: Uint32Array | null; flag: boolean },
  ) {}

  entry(raw: unknown, index: number): Entry {
    if (raw === this.lastRaw && this.lastEntry !== null) return this.lastEntry;
    const entry = this.lookup(raw, index);
    this.lastRaw = raw;
    this.lastEntry = entry;
    return entry;
  }

  private lookup(raw: unknown, index: number): Entry {
    let key: string;
    if (raw === undefined || raw === null || raw === '') {
      if (this.field === 'status') throw new DrawError('INVALID_INPUT', 'status is required', `pool[${index}].status`);
      key = '';
    } else if (this.field === 'specialRosters') {
      key = rosterKey(raw, index);
    } else if (typeof raw === 'string') {
      key = raw;
    } else {
      throw new DrawError('INVALID_INPUT', 'must be a string', `pool[${index}].${this.field}`);
    }
    let entry = this.memo.get(key);
    if (entry === undefined) {
      if (key !== '' && this.field !== 'specialRosters') {
        const problem = CHECKS[this.field](key);
        if (problem) throw new DrawError(this.field === 'lastInspectedOn' ? 'INVALID_DATE' : 'INVALID_INPUT', problem, `pool[${index}].${this.field}`);
      }
      entry = { id: this.table.add(key), ...this.describe(key) };
      this.memo.set(key, entry);
    }
    return entry;
  }
}

/** Roster names sorted in byte order and joined with ","; validated. */
function rosterKey(raw: unknown, index: number): string {
  const path = `pool[${index}].specialRosters`;
  if (!Array.isArray(raw) || raw.length > 64) throw new DrawError('INVALID_INPUT', 'must be an array of at most 64 roster names', path);
  for (const name of raw) {
    if (typeof name !== 'string' || name === '' || name.includes(',') || text64(name)) {
      throw new DrawError('INVALID_INPUT', `roster names are 1 to 64 characters without commas or control characters, got ${JSON.stringify(name)}`, path);
    }
  }
  if (raw.length <= 1) return raw.length === 0 ? '' : (raw[0] as string);
  const names = [...(raw as string[])].sort(compareUtf8);
  for (let k = 1; k < names.length; k += 1) {
    if (names[k] === names[k - 1]) throw new DrawError('INVALID_INPUT', `roster ${JSON.stringify(names[k])} is listed twice`, path);
  }
  return names.join(',');
}

function addressProblem(key: unknown): string | null {
  if (typeof key !== 'string') return 'must be a string';
  if (key.length > 128) return 'longer than 128 characters';
  for (let i = 0; i < key.length; i += 1) {
    const c = key.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return 'must be printable ASCII without spaces';
  }
  return null;
}

/** Growable byte buffer for the per-entity entries. */
class LineStore {
  bytes: Uint8Array;
  length = 0;
  constructor(capacity: number) { this.bytes = new Uint8Array(capacity); }
  reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.length + extra, Math.ceil(this.bytes.length * 1.5)));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
  /** Unsigned LEB128: 7 bits a byte, low bits first, high bit set on all but the last. */
  varint(value: number): void {
    if (value < 0x80) {
      this.bytes[this.length++] = value;
      return;
    }
    let v = value;
    while (v >= 0x80) {
      this.bytes[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.bytes[this.length++] = v;
  }
}

/**
 * Scans the pool. With a matcher, entities are classified; `recentCutoff` (or null) sets the
 * repeat-inspection rule; `atCap` (credit codes, ssj-draw/2) the entities at their cap, each
 * of which must be in the pool.
 */
export function scanPool(pool: EntityInput[], matcher: StrataMatcher | null, recentCutoff: string | null, atCap: ReadonlySet<string> | null = null): PoolScan {
  const n = pool.length;
  const none = (): { mask: null; flag: boolean } => ({ mask: null, flag: false });
  const scalar = (attr: 'riskClass' | 'industry' | 'region') => (v: string) => ({ mask: matcher ? matcher.scalarMask(attr, v) : null, flag: false });
  const table = new ValueTable();
  const fields = {
    status: new FieldTable('status', table, (v) => ({ mask: null, flag: v === DRAWABLE_STATUS })),
    risk: new FieldTable('riskClass', table, scalar('riskClass')),
    industry: new FieldTable('industry', table, scalar('industry')),
    region: new FieldTable('region', table, scalar('region')),
    rosters: new FieldTable('specialRosters', table, (v) => ({ mask: matcher ? matcher.rosterMask(v === '' ? [] : v.split(',')) : null, flag: false })),
    date: new FieldTable('lastInspectedOn', table, recentCutoff === null ? none : (v) => ({ mask: null, flag: v !== '' && v > recentCutoff })),
  };
  const records = new Uint32Array(STRIDE * n);
  // Most entries are 11 bytes (index, six one-byte ids, no address key); grows if needed.
  const store = new LineStore(Math.max(4096, n * 12));
  const placement = matcher ? new Uint16Array(n) : null;
  const words = matcher ? matcher.words : 0;
  const acc = new Uint32Array(Math.max(words, 1));
  const caps = atCap !== null && atCap.size > 0 ? atCap : null;
  let capsFound = 0;
  for (let i = 0; i < n; i += 1) {
    const e = pool[i];
    if (typeof e !== 'object' || e === null) throw new DrawError('INVALID_INPUT', 'an entity is an object', `pool[${i}]`);
    if (store.length > 0xffffffff - 1024) throw new DrawError('INVALID_INPUT', 'pool too large for one draw (over 4 GiB of scan data)', 'pool');
    packCode(e.creditCode, i, records, store.length);
    const status = fields.status.entry(e.status, i);
    const risk = fields.risk.entry(e.riskClass, i);
    const industry = fields.industry.entry(e.industry, i);
    const region = fields.region.entry(e.region, i);
    const rosters = fields.rosters.entry(e.specialRosters, i);
    const date = fields.date.entry(e.lastInspectedOn, i);
    const address = e.addressKey === undefined || e.addressKey === null ? '' : e.addressKey;
    if (address !== '') {
      const problem = addressProblem(address);
      if (problem) throw new DrawError('INVALID_INPUT', problem, `pool[${i}].addressKey`);
    }
    store.reserve(4 + 6 * 5 + 2 + address.length);
    const b = store.bytes;
    b[store.length] = i & 0xff;
    b[store.length + 1] = (i >>> 8) & 0xff;
    b[store.length + 2] = (i >>> 16) & 0xff;
    b[store.length + 3] = i >>> 24;
    store.length += 4;
    store.varint(status.id);
    store.varint(risk.id);
    store.varint(industry.id);
    store.varint(region.id);
    store.varint(rosters.id);
    store.varint(date.id);
    store.varint(address.length);
    for (let k = 0; k < address.length; k += 1) b[store.length++] = address.charCodeAt(k);
    if (matcher && placement) {
      for (let w = 0; w < words; w += 1) acc[w] = risk.mask![w]! & industry.mask![w]! & region.mask![w]! & rosters.mask![w]!;
      const s = matcher.first(acc);
      const capped = caps !== null && caps.has(e.creditCode);
      if (capped) capsFound += 1;
      placement[i] = s < 0 ? UNSTRATIFIED : 8 * s + (!status.flag ? INACTIVE : date.flag ? RECENT : capped ? AT_CAP : DRAWABLE);
    }
  }
  if (caps !== null && capsFound !== caps.size) {
    const inPool = new Set(pool.map((e) => e.creditCode));
    const missing = [...caps].find((code) => !inPool.has(code));
    throw new DrawError('INVALID_INPUT', `${missing} is listed as at its inspection cap but is not in the pool`, 'exclusions.atCap');
  }
  return {
    size: n, records, lines: store.bytes.subarray(0, store.length),
    values: table.bytes, valueStart: table.start.subarray(0, table.count), valueLength: table.length.subarray(0, table.count), placement,
  };
}

/** Input index of the entity whose entry starts at lines[entry]. */
export function entityAt(lines: Uint8Array, entry: number): number {
  return (lines[entry]! | (lines[entry + 1]! << 8) | (lines[entry + 2]! << 16) | (lines[entry + 3]! << 24)) >>> 0;
}
