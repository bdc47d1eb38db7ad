// The error handler's mapping of thrown errors to statuses, and the one CSV writer's formula
// neutralisation (issue 8, items 2 and 8).
import { expect } from 'chai';
import { normalise } from '../../server/middleware/error-handler.js';
import { csvLine } from '../../server/text/csv.js';
import { unsafeTextReason } from '../../models/safe-text.js';

describe('error mapping', () => {
  it('a duplicate-key error that reaches a route is a 409 conflict, not a 500', () => {
    const error = Object.assign(new Error('E11000 duplicate key error'), { code: 11000 });
    expect(normalise(error).status).to.equal(409);
  });

  it('every library error that carries a 4xx status keeps it, with a code', () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ status: 415, type: 'charset.unsupported' }, 415, 'unsupported_media_type'],
      [{ status: 415, type: 'encoding.unsupported' }, 415, 'unsupported_media_type'],
      [{ status: 413, type: 'parameters.too.many' }, 413, 'too_many_parameters'],
      [{ status: 413, type: 'entity.too.large' }, 413, 'payload_too_large'],
      [{ statusCode: 400 }, 400, 'bad_request'],
      [{ status: 416 }, 416, 'bad_request'],
    ];
    for (const [fields, status, code] of cases) {
      const mapped = normalise(Object.assign(new Error('library message'), fields));
      expect([mapped.status, mapped.code], JSON.stringify(fields)).to.deep.equal([status, code]);
    }
  });

  it('anything else, including a 5xx from a library, is a plain 500', () => {
    expect(normalise(new TypeError('x is undefined')).status).to.equal(500);
    expect(normalise(Object.assign(new Error('x'), { status: 502 })).status).to.equal(500);
  });
});

describe('CSV written for Excel', () => {
  it('neutralises ASCII and full-width formula starts with an apostrophe', () => {
    for (const value of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '＝1+1', '＋1', '－1', '＠SUM(A1)']) {
      expect(csvLine([value]).replace(/^"|"?\r\n$/g, ''), JSON.stringify(value)).to.match(/^'/);
    }
    expect(csvLine(['正常', '1'])).to.equal('正常,1\r\n');
  });

  it('quotes per RFC 4180', () => {
    expect(csvLine(['a,b', 'say "hi"', 'two\nlines'])).to.equal('"a,b","say ""hi""","two\nlines"\r\n');
  });
});

describe('text that may be stored', () => {
  it('refuses control characters and lone surrogates; multi-line fields may hold TAB, LF and CR', () => {
    expect(unsafeTextReason('A\u0000B')).to.equal('control_character');
    expect(unsafeTextReason('A\u0085B')).to.equal('control_character');
    expect(unsafeTextReason('A\uD800B')).to.equal('malformed_unicode');
    expect(unsafeTextReason('A\uDC00')).to.equal('malformed_unicode');
    expect(unsafeTextReason('𠀀 洪江区 😀')).to.equal(undefined);
    expect(unsafeTextReason('a\nb')).to.equal('control_character');
    expect(unsafeTextReason('a\n\tb\r\n', { multiline: true })).to.equal(undefined);
    expect(unsafeTextReason('a\u000Bb', { multiline: true })).to.equal('control_character');
  });
});
