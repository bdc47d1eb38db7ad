// Owns writing import files in the shape government systems export them: Chinese headers,
// dates as YYYY-MM-DD, several special rosters in one cell separated by "；", GB18030 or UTF-8.
// Tests and the import benchmark use it (a test helper: production code does not import it); files of any size
// are written as a stream.
import { csvLine } from '../../server/text/csv.js';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import iconv from 'iconv-lite';
import type { DemoEntity, DemoInspector } from '../../server/demo/generate-world.js';
import type { Encoding } from '../../server/import/encoding.js';

export const ENTITY_HEADER = [
  '统一社会信用代码', '企业名称', '主体类型', '登记状态', '成立日期', '登记机关', '管辖单位', '所属区域', '住所',
  '法定代表人', '行业门类', '专项库', '许可证号', '许可证有效期', '信用风险分类', '风险分类日期', '最近检查日期',
];

export const INSPECTOR_HEADER = [
  '人员编号', '姓名', '执法证号', '发证机关', '证件有效期起', '证件有效期止', '所属部门', '层级', '职务', '执法资格', '状态', '可检查事项',
];

export const ymd = (date: Date | undefined): string => (date ? date.toISOString().slice(0, 10) : '');

export function entityRow(entity: DemoEntity): string[] {
  const rosters = entity.specialRosters;
  return [
    entity.creditCode, entity.name, entity.type, entity.status, ymd(entity.foundedOn), entity.registeringAuthority,
    entity.supervisingOffice, entity.region, entity.address, entity.legalRepresentative, entity.industry,
    rosters.map((r) => r.roster).join('；'), rosters.map((r) => r.licenceNumber).join('；'),
    rosters.map((r) => ymd(r.licenceExpiresOn)).join('；'), entity.riskClass, ymd(entity.riskAsOf), ymd(entity.lastInspectedOn),
  ];
}

export function inspectorRow(inspector: DemoInspector): string[] {
  const certificate = inspector.certificates[0];
  return [
    inspector.inspectorId, inspector.name, certificate?.number ?? '', certificate?.issuer ?? '', ymd(certificate?.validFrom),
    ymd(certificate?.validUntil), inspector.departmentCode, inspector.unitLevel, inspector.post, inspector.qualifications.join('、'),
    inspector.status, inspector.itemCodes.join('、'),
  ];
}

/** CSV text of one record as another system exports it: values as they are, no formula escaping. */
export function csvRecord(fields: readonly string[]): string {
  return csvLine(fields, { neutraliseFormulas: false });
}

/** Writes header + rows in `encoding` (UTF-8 optionally with a BOM), 1000 records per write. */
export async function writeCsvFile(
  path: string,
  header: readonly string[],
  rows: Iterable<readonly string[]> | AsyncIterable<readonly string[]>,
  options: { encoding: Encoding; bom?: boolean } = { encoding: 'utf-8' },
): Promise<number> {
  const out = createWriteStream(path);
  const encode = (text: string) => iconv.encode(text, options.encoding);
  if (options.bom && options.encoding === 'utf-8') out.write(Buffer.from([0xef, 0xbb, 0xbf]));
  let pending = csvRecord(header);
  let count = 0;
  for await (const row of rows) {
    pending += csvRecord(row);
    count += 1;
    if (count % 1000 === 0) {
      if (!out.write(encode(pending))) await once(out, 'drain');
      pending = '';
    }
  }
  out.write(encode(pending));
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return count;
}
