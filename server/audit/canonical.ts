// Owns the one byte-exact form an audit entry is hashed in, and its hash. Written by hand
// rather than JSON.stringify (or a JCS library) because the same entry must hash alike
// whichever server stored it and however it comes back:
//  - key order: FerretDB and mongo-java-server may return keys in another order than they were
//    written, so object keys are sorted (by UTF-8 bytes, as server/draw/hash.ts compareUtf8);
//  - number types: a server may hand back an int32 as an int64 or a double; the driver gives a
//    JS number (or an Int32/Long/Double wrapper with promoteValues off). Every number is written
//    by its value — integers as plain decimal digits, others as ECMAScript's shortest
//    round-trip text — so 5, Int32(5), Long(5) and Double(5) are the same `5`;
//  - BSON types that JSON cannot tell apart (a Date from its ISO string, an ObjectId from its
//    hex) are written as typed tokens, so changing a value's type changes the hash.
// The grammar (JSON plus typed tokens; every value's first character says what it is):
//   null | true | false | <number> | "<JSON string>" | [v,v,…] | {"key":v,…}   (keys sorted)
//   D(<ms since epoch>)   date          O(<24 hex>)  ObjectId      B(<subtype>:<base64>)  binary
//   M(<decimal text>)     Decimal128    N(NaN|Infinity|-Infinity)  non-finite double
//   T(<decimal>)          Timestamp     R("<source>",<flags>)      regular expression
//   X(<canonical extended JSON>)        any other BSON type
// Missing and undefined object members are left out (BSON cannot store undefined); undefined in
// an array is null, as the BSON serializer writes it.
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { compareUtf8 } from '../draw/hash.js';

/** Domain prefix of the hashed text: a version, should the form ever have to change. */
export const CHAIN_FORMAT = 'ssj-audit/1';

const { EJSON } = mongoose.mongo.BSON;

type BsonValue = { _bsontype: string } & Record<string, unknown>;

function encodeNumber(value: number): string {
  if (Number.isFinite(value)) return String(value === 0 ? 0 : value); // -0 is 0
  return `N(${String(value)})`;
}

function encodeBytes(subtype: number, bytes: Uint8Array): string {
  return `B(${subtype}:${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')})`;
}

function encodeBson(value: BsonValue): string {
  switch (value._bsontype) {
    case 'ObjectId':
    case 'ObjectID':
      return `O(${(value as unknown as { toHexString(): string }).toHexString()})`;
    case 'Int32':
    case 'Double':
      return encodeNumber(Number((value as unknown as { valueOf(): number }).valueOf()));
    case 'Long': {
      // Exact decimal digits: the same text a safe integer or an integral double prints.
      const text = String(value);
      const asNumber = Number(text);
      return Number.isSafeInteger(asNumber) ? String(asNumber) : text;
    }
    case 'Decimal128':
      return `M(${String(value)})`;
    case 'Binary':
      return encodeBytes(Number(value.sub_type ?? 0), value.buffer as Uint8Array);
    case 'Timestamp':
      return `T(${String(value)})`;
    case 'BSONRegExp':
      return `R(${JSON.stringify(String(value.pattern))},${[...String(value.options)].sort().join('')})`;
    default:
      return `X(${EJSON.stringify(value, { relaxed: false })})`;
  }
}

function encode(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return encodeNumber(value);
    case 'bigint':
      return value.toString();
    case 'string':
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`an audit entry cannot hold a ${typeof value}`);
  }
  if (value instanceof Date) return `D(${String(value.getTime())})`;
  if (Array.isArray(value)) return `[${value.map(encode).join(',')}]`;
  if (value instanceof Uint8Array) return encodeBytes(0, value);
  if (value instanceof RegExp) return `R(${JSON.stringify(value.source)},${[...value.flags].sort().join('')})`;
  if (typeof (value as { _bsontype?: unknown })._bsontype === 'string') return encodeBson(value as BsonValue);
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort(compareUtf8)
    .map((key) => `${JSON.stringify(key)}:${encode(record[key])}`);
  return `{${members.join(',')}}`;
}

/** The canonical text of any stored value (see the grammar above). */
export function canonical(value: unknown): string {
  return encode(value);
}

/**
 * The hash of a stored entry: SHA-256 (hex) of "ssj-audit/1\n" + canonical(entry without its
 * `hash` field). Every other stored field counts — _id, seq, prevHash, actor, action, target,
 * before, after, at, requestId, and any field a later version or an intruder adds.
 */
export function entryHash(entry: Record<string, unknown>): string {
  const { hash: _ignored, ...hashed } = entry;
  return createHash('sha256').update(`${CHAIN_FORMAT}\n${canonical(hashed)}`, 'utf8').digest('hex');
}
