// Builders of hostile request bodies for the security replay tests: multipart bodies cut off
// or malformed on purpose, XLSX archives shaped as attacks, and checks that a response is a
// deliberate client error (never a 5xx) in the format the route answers.
import { expect } from 'chai';
import type { Response } from 'supertest';
import yazl from 'yazl';

export const BOUNDARY = 'XyZ';

/** A complete multipart body with text fields and one file part. */
export function multipart(fields: Record<string, string>, file: { field: string; name: string; content: Buffer | string }): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
  parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
  parts.push(Buffer.from(`\r\n--${BOUNDARY}--\r\n`));
  return Buffer.concat(parts);
}

export const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/** The request from the report that stopped the app: a file part that is never closed. */
export const UNCLOSED_FILE_PART = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="record"; filename="r.json"\r\n\r\n{"a":1}`);

/** Asserts a deliberate client error with the given status; JSON routes carry an error code. */
export function expectClientError(res: Response, status: number, code?: string): void {
  expect(res.status, `${res.status} ${res.text.slice(0, 300)}`).to.equal(status);
  if (res.type === 'application/json') {
    expect(res.body.error?.code, res.text).to.be.a('string');
    if (code) expect(res.body.error.code).to.equal(code);
    expect(res.text).not.to.match(/Internal server error|TypeError|Cannot read/);
  } else {
    expect(res.text).not.to.match(/服务器错误|Internal server error|TypeError|Cannot read/);
  }
}

/** A zip archive of the given parts (names → XML text or a stream of chunks), written by yazl. */
export async function zipOf(parts: Record<string, string | (() => Iterable<Buffer>)>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(parts)) {
    if (typeof content === 'string') zip.addBuffer(Buffer.from(content), name);
    else zip.addReadStream((await import('node:stream')).Readable.from(content()), name, { compressionLevel: 9 });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>';
const ROOT_RELS = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>';
const WORKBOOK = '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>';
const WORKBOOK_RELS = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>';

/** A minimal workbook whose first sheet has the given sheetData XML (and optional shared strings). */
export function workbook(sheetData: string | (() => Iterable<Buffer>), sharedStrings?: string | (() => Iterable<Buffer>)): Promise<Buffer> {
  const sheet = typeof sheetData === 'string'
    ? `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetData}</sheetData></worksheet>`
    : sheetData;
  return zipOf({
    '[Content_Types].xml': CONTENT_TYPES,
    '_rels/.rels': ROOT_RELS,
    'xl/workbook.xml': WORKBOOK,
    'xl/_rels/workbook.xml.rels': WORKBOOK_RELS,
    'xl/worksheets/sheet1.xml': sheet,
    ...(sharedStrings ? { 'xl/sharedStrings.xml': sharedStrings } : {}),
  });
}

/** Chunks of `total` bytes: `head`, then `unit` repeated, then `tail` — a bomb's payload. */
export function* repeated(head: string, unit: string, total: number, tail: string): Iterable<Buffer> {
  yield Buffer.from(head);
  const block = Buffer.from(unit.repeat(Math.max(1, Math.floor((1 << 20) / unit.length))));
  for (let sent = 0; sent < total; sent += block.length) yield block;
  yield Buffer.from(tail);
}
