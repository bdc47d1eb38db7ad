// Owns the shape of every open-data export: the row objects of the JSON files and the API, and
// the CSV columns derived from them. The /open-data page documents the columns from this same
// list (each key's description is the message openData.col.<export>.<key>), so a column cannot
// be added without its documentation, and the CSV header, the JSON keys and the page agree.
// Column keys are stable: a published export's columns are only ever added, never renamed.

/** A published result as every export shows it: the publication with its corrections applied. */
export interface ResultRow {
  id: string;
  /** Path of the result's page on this site. */
  url: string;
  year: number;
  planNumber: string;
  planName: string;
  taskNumber: string;
  taskName: string;
  /** 定向 or 不定向. */
  targeting: string;
  inspectionType: string;
  departmentCode: string;
  departmentName: string;
  creditCode: string;
  entityName: string;
  completedOn: string;
  publishedOn: string;
  resultCategory: string;
  result: string;
  /** Day of the latest correction, or null. */
  correctedOn: string | null;
  /** 陈述申辩: whether the entity made a statement and how it was decided (never its text); null when not recorded. */
  statement: { made: boolean; decision?: 'accepted' | 'not_accepted'; answeredOn?: string } | null;
  items: { itemCode: string; itemName: string; resultCategory: string; result: string }[];
}

/** A published plan (抽查计划) or task announcement (抽查任务公告). */
export interface AnnouncementRow {
  kind: 'plan' | 'task';
  id: string;
  url: string;
  year: number | null;
  planNumber: string;
  planName: string;
  /** Plans: the version (amendments are new versions); tasks: null. */
  planVersion: number | null;
  taskNumber: string;
  taskName: string;
  targeting: string;
  inspectionType: string;
  departmentCode: string;
  departmentName: string;
  participatingDepartments: string[];
  itemCodes: string[];
  /** ISO instant of publication (plans) or announcement (tasks). */
  publishedAt: string;
  inspectionDate: string;
  drawAt: string;
  digest: string;
  attempt: number | null;
  /** Tasks: 'entities' (the entity draw) or 'teams' (a joint task's department team draw). */
  phase: string;
  /** Tasks: the frozen pool's size and SHA-256 digest, as announced. */
  poolSize: number | null;
  poolDigest: string;
  /** Tasks: the declared random sources of the entity draw (DRAW-SPEC §14), as announced. */
  randomSources: ({ type: 'drand'; chain: string; round: number; time: string } | { type: 'lottery'; game: string; date: string })[];
  /** Tasks: the commit–reveal commitment, or '' when none was declared. */
  commitment: string;
}

export interface Column<R> {
  key: string;
  value: (row: R) => string;
}

const text = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));
type Item = ResultRow['items'][number];

/** results.csv: one line per inspected item of a result (the result's own fields repeat). */
export const RESULT_COLUMNS: readonly Column<{ result: ResultRow; item: Item }>[] = [
  { key: 'result_id', value: (r) => r.result.id },
  { key: 'url', value: (r) => r.result.url },
  { key: 'year', value: (r) => text(r.result.year) },
  { key: 'plan_number', value: (r) => r.result.planNumber },
  { key: 'plan_name', value: (r) => r.result.planName },
  { key: 'task_number', value: (r) => r.result.taskNumber },
  { key: 'task_name', value: (r) => r.result.taskName },
  { key: 'targeting', value: (r) => r.result.targeting },
  { key: 'inspection_type', value: (r) => r.result.inspectionType },
  { key: 'department_code', value: (r) => r.result.departmentCode },
  { key: 'department_name', value: (r) => r.result.departmentName },
  { key: 'credit_code', value: (r) => r.result.creditCode },
  { key: 'entity_name', value: (r) => r.result.entityName },
  { key: 'completed_on', value: (r) => r.result.completedOn },
  { key: 'published_on', value: (r) => r.result.publishedOn },
  { key: 'result_category', value: (r) => r.result.resultCategory },
  { key: 'result', value: (r) => r.result.result },
  { key: 'corrected_on', value: (r) => text(r.result.correctedOn) },
  { key: 'statement_made', value: (r) => (r.result.statement ? String(r.result.statement.made) : '') },
  { key: 'statement_decision', value: (r) => r.result.statement?.decision ?? '' },
  { key: 'item_code', value: (r) => r.item.itemCode },
  { key: 'item_name', value: (r) => r.item.itemName },
  { key: 'item_result_category', value: (r) => r.item.resultCategory },
  { key: 'item_result', value: (r) => r.item.result },
];

/** announcements.csv: one line per published plan version or task announcement. */
export const ANNOUNCEMENT_COLUMNS: readonly Column<AnnouncementRow>[] = [
  { key: 'kind', value: (r) => r.kind },
  { key: 'id', value: (r) => r.id },
  { key: 'url', value: (r) => r.url },
  { key: 'year', value: (r) => text(r.year) },
  { key: 'plan_number', value: (r) => r.planNumber },
  { key: 'plan_name', value: (r) => r.planName },
  { key: 'plan_version', value: (r) => text(r.planVersion) },
  { key: 'task_number', value: (r) => r.taskNumber },
  { key: 'task_name', value: (r) => r.taskName },
  { key: 'targeting', value: (r) => r.targeting },
  { key: 'inspection_type', value: (r) => r.inspectionType },
  { key: 'department_code', value: (r) => r.departmentCode },
  { key: 'department_name', value: (r) => r.departmentName },
  { key: 'participating_departments', value: (r) => r.participatingDepartments.join(';') },
  { key: 'item_codes', value: (r) => r.itemCodes.join(';') },
  { key: 'published_at', value: (r) => r.publishedAt },
  { key: 'inspection_date', value: (r) => r.inspectionDate },
  { key: 'draw_at', value: (r) => r.drawAt },
  { key: 'digest', value: (r) => r.digest },
  { key: 'attempt', value: (r) => text(r.attempt) },
  { key: 'phase', value: (r) => r.phase },
  { key: 'pool_size', value: (r) => text(r.poolSize) },
  { key: 'pool_digest', value: (r) => r.poolDigest },
  { key: 'random_sources', value: (r) => r.randomSources.map((s) => (s.type === 'drand' ? `drand:${s.chain}:${s.round}` : `lottery:${s.game}:${s.date}`)).join(';') },
  { key: 'commitment', value: (r) => r.commitment },
];

/** The CSV lines of one result (one per item; a result without items still gets one line). */
export function resultLines(result: ResultRow): string[][] {
  const items = result.items.length > 0 ? result.items : [{ itemCode: '', itemName: '', resultCategory: '', result: '' }];
  return items.map((item) => RESULT_COLUMNS.map((c) => c.value({ result, item })));
}

export function announcementLine(row: AnnouncementRow): string[] {
  return ANNOUNCEMENT_COLUMNS.map((c) => c.value(row));
}

/** What the /open-data page documents: each export, its URL, its format and its columns. */
export const EXPORTS = [
  { key: 'resultsCsv', path: '/open-data/results.csv', columns: RESULT_COLUMNS.map((c) => c.key), doc: 'results' },
  { key: 'resultsJson', path: '/open-data/results.json', columns: [], doc: 'results' },
  { key: 'announcementsCsv', path: '/open-data/announcements.csv', columns: ANNOUNCEMENT_COLUMNS.map((c) => c.key), doc: 'announcements' },
  { key: 'announcementsJson', path: '/open-data/announcements.json', columns: [], doc: 'announcements' },
  { key: 'feed', path: '/open-data/feed.atom', columns: [], doc: 'feed' },
] as const;
