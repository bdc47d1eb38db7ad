// Owns the character encoding of CSV files. Government systems often export GBK/GB18030;
// spreadsheets saved "as CSV UTF-8" carry a BOM. Detection: a BOM decides; otherwise the first
// chunk is decoded as strict UTF-8 and, if that fails, the file is GB18030 (a superset of GBK
// and GB2312). Decoding is streaming and strict for UTF-8, so bytes that turn out not to be
// UTF-8 later in the file stop the import with a clear message instead of storing mojibake.
import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';
import { ImportFileError } from './types.js';

export const ENCODINGS = ['utf-8', 'gb18030', 'utf-16le'] as const;
export type Encoding = (typeof ENCODINGS)[number];

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);

/** Accepts what people type: GBK, gb2312, UTF8, utf-8-sig… */
export function parseEncodingName(name: string): Encoding | 'auto' {
  const plain = name.trim().toLowerCase().replace(/[_\s]/g, '-');
  if (plain === 'auto') return 'auto';
  if (['utf-8', 'utf8', 'utf-8-sig'].includes(plain)) return 'utf-8';
  if (['gb18030', 'gbk', 'gb2312', 'cp936', 'gb-18030'].includes(plain)) return 'gb18030';
  if (['utf-16le', 'utf16le', 'ucs-2', 'utf-16'].includes(plain)) return 'utf-16le';
  throw new ImportFileError('encoding', 'unsupported', { name });
}

/** Decides the encoding from the first bytes of a file. */
export function detectEncoding(head: Buffer): Encoding {
  if (head.subarray(0, 3).equals(UTF8_BOM)) return 'utf-8';
  if (head.subarray(0, 2).equals(UTF16LE_BOM)) return 'utf-16le';
  try {
    // stream:true tolerates a multi-byte character cut off at the end of the chunk.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** A transform from bytes to text that drops a leading BOM. */
export function createDecoder(encoding: Encoding): Transform {
  return encoding === 'utf-8' ? new StrictUtf8Decoder() : new IconvDecoder(encoding);
}

class StrictUtf8Decoder extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  private bytes = 0;

  constructor() {
    super({ readableObjectMode: false, decodeStrings: true, encoding: 'utf8' });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      const text = this.decoder.decode(chunk, { stream: true });
      this.bytes += chunk.length;
      done(null, text);
    } catch {
      done(notUtf8(this.bytes));
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      done(null, this.decoder.decode());
    } catch {
      done(notUtf8(this.bytes));
    }
  }
}

function notUtf8(offset: number): ImportFileError {
  return new ImportFileError('encoding', 'not_utf8', { offset });
}

class IconvDecoder extends Transform {
  private readonly decoder: ReturnType<typeof iconv.getDecoder>;

  constructor(encoding: Encoding) {
    super({ decodeStrings: true, encoding: 'utf8' });
    // stripBOM is on by default in iconv-lite.
    this.decoder = iconv.getDecoder(encoding);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    done(null, this.decoder.write(chunk));
  }

  override _flush(done: TransformCallback): void {
    const rest = this.decoder.end();
    done(null, rest || undefined);
  }
}
