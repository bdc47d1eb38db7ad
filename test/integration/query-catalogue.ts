// The queries the app makes, one entry per shape, each with the index MongoDB should use for it
// (docs/QUERIES.md is the same list for people; query-plans.test.ts checks both). Entries for
// the roster modules build their filters with the modules' own exported builders, so a change
// of a query there is a change here; the others restate the shape written in the file named.
import mongoose from 'mongoose';
import { DRAWABLE_STATUS } from '../../models/index.js';
import { entityListFilter, entityFilterSchema, ENTITY_LIST_SORT } from '../../server/rosters/entity-admin.js';
import { inspectorFilterSchema, inspectorListFilter, INSPECTOR_LIST_SORT } from '../../server/rosters/inspector-admin.js';
import { lookupFilter, LOOKUP_SORT } from '../../server/rosters/public-inspectors.js';
import { publicItemsFilter, PUBLIC_ITEMS_SORT } from '../../server/rosters/public-items.js';
import { FIGURE_FILTERS } from '../../server/rosters/roster-figures.js';
import { listQuery } from '../../server/inspections/queries.js';
import { publishedFilter } from '../../server/statistics/published.js';
import { POOL_FILTER } from '../../server/statistics/coverage.js';
import { resultsFilter, RESULTS_SORT } from '../../server/results/search.js';
import { PUBLISHED_FILTER } from '../../server/results/published.js';
import { PUBLISHED_PLAN_FILTER } from '../../server/results/announcements.js';

type Filter = Record<string, unknown>;
type Sort = Record<string, 1 | -1>;

export interface CatalogueEntry {
  /** Stable id, also the first column of docs/QUERIES.md. */
  id: string;
  /** Mongoose model name. */
  model: string;
  op: 'find' | 'count' | 'update' | 'delete';
  filter: Filter;
  sort?: Sort;
  limit?: number;
  /** The index MongoDB uses ('_id_' for lookups by _id), or null: reads a small collection whole, by design. */
  index: string | null;
}

const TODAY = '2026-11-27';
const DUE = { today: TODAY, soon: '2026-12-04' };
const entities = (query: Record<string, string>) => entityListFilter(entityFilterSchema.parse(query));
const inspectors = (query: Record<string, string>) => inspectorListFilter(inspectorFilterSchema.parse(query), TODAY);
const id = new mongoose.Types.ObjectId();
const t = mongoose.trusted;
const now = new Date();
const page = { sort: ENTITY_LIST_SORT as Sort, limit: 1001 };
const inspectorPage = { sort: INSPECTOR_LIST_SORT as Sort, limit: 1001 };
const lookupPage = { sort: LOOKUP_SORT as Sort, limit: 1001 };

export const CATALOGUE: CatalogueEntry[] = [
  // ---- home page figures (server/rosters/roster-figures.ts)
  { id: 'figures.read', model: 'RosterFigures', op: 'find', filter: { key: 'home' }, limit: 1, index: 'key_1' },
  { id: 'figures.store', model: 'RosterFigures', op: 'update', filter: { key: 'home', computedAt: t({ $lt: now }) }, index: 'key_1' },
  { id: 'figures.mark-stale', model: 'RosterFigures', op: 'update', filter: { key: 'home' }, index: 'key_1' },
  { id: 'figures.count-entities', model: 'MarketEntity', op: 'count', filter: FIGURE_FILTERS.entities, index: 'status_1_active_1' },
  { id: 'figures.count-drawable', model: 'MarketEntity', op: 'count', filter: FIGURE_FILTERS.drawable, index: 'status_1_active_1' },
  { id: 'figures.count-inspectors', model: 'Inspector', op: 'count', filter: FIGURE_FILTERS.inspectors, index: 'status_1' },
  { id: 'figures.count-items', model: 'InspectionItem', op: 'count', filter: FIGURE_FILTERS.items, index: 'active_1_code_1' },
  // ---- entity roster (server/rosters/entity-admin.ts)
  { id: 'entities.list', model: 'MarketEntity', op: 'find', filter: entities({}), ...page, index: 'creditCode_1' },
  { id: 'entities.list-by-region-status', model: 'MarketEntity', op: 'find', filter: entities({ region: '新街街道', status: DRAWABLE_STATUS }), ...page, index: 'region_1_creditCode_1' },
  { id: 'entities.list-by-type', model: 'MarketEntity', op: 'find', filter: entities({ type: '企业' }), ...page, index: 'creditCode_1' },
  { id: 'entities.list-by-roster', model: 'MarketEntity', op: 'find', filter: entities({ roster: '餐饮' }), ...page, index: 'specialRosters.roster_1_creditCode_1' },
  { id: 'entities.search', model: 'MarketEntity', op: 'find', filter: entities({ q: '商贸' }), ...page, index: 'creditCode_1' },
  { id: 'entities.by-code', model: 'MarketEntity', op: 'find', filter: { creditCode: '91431271MA4TEST00X' }, limit: 1, index: 'creditCode_1' },
  { id: 'entities.update', model: 'MarketEntity', op: 'update', filter: { _id: id }, index: '_id_' },
  // ---- inspector roster (server/rosters/inspector-admin.ts)
  { id: 'inspectors.list', model: 'Inspector', op: 'find', filter: inspectors({}), ...inspectorPage, index: 'departmentCode_1_name_1_inspectorId_1' },
  { id: 'inspectors.list-by-department', model: 'Inspector', op: 'find', filter: inspectors({ department: 'HJ-SCJG', status: '有效' }), ...inspectorPage, index: 'departmentCode_1_name_1_inspectorId_1' },
  { id: 'inspectors.search', model: 'Inspector', op: 'find', filter: inspectors({ q: '王' }), ...inspectorPage, index: 'departmentCode_1_name_1_inspectorId_1' },
  { id: 'inspectors.list-expired', model: 'Inspector', op: 'find', filter: inspectors({ expiry: 'expired' }), ...inspectorPage, index: 'departmentCode_1_name_1_inspectorId_1' },
  { id: 'inspectors.list-expiring', model: 'Inspector', op: 'find', filter: inspectors({ expiry: 'expiring' }), ...inspectorPage, index: 'departmentCode_1_name_1_inspectorId_1' },
  { id: 'inspectors.by-id', model: 'Inspector', op: 'find', filter: { inspectorId: 'T000001' }, limit: 1, index: 'inspectorId_1' },
  { id: 'inspectors.update', model: 'Inspector', op: 'update', filter: { _id: id }, index: '_id_' },
  // ---- public lookup and item list (server/rosters/public-inspectors.ts, public-items.ts)
  { id: 'lookup.by-name', model: 'Inspector', op: 'find', filter: lookupFilter({ name: '王' }), ...lookupPage, index: 'name_1_inspectorId_1' },
  { id: 'lookup.by-certificate', model: 'Inspector', op: 'find', filter: lookupFilter({ certificate: '43000000001' }), ...lookupPage, index: 'certificates.number_1' },
  { id: 'lookup.by-department', model: 'Inspector', op: 'find', filter: lookupFilter({ department: 'HJ-SCJG' }), ...lookupPage, index: 'departmentCode_1_name_1_inspectorId_1' },
  { id: 'departments.names', model: 'Department', op: 'find', filter: {}, index: null },
  { id: 'departments.options', model: 'Department', op: 'find', filter: { active: true }, sort: { code: 1 }, index: 'code_1' },
  { id: 'departments.exists', model: 'Department', op: 'find', filter: { code: 'HJ-SCJG', active: true }, limit: 1, index: 'code_1' },
  { id: 'items.public', model: 'InspectionItem', op: 'find', filter: publicItemsFilter(undefined), sort: PUBLIC_ITEMS_SORT, index: 'active_1_code_1' },
  { id: 'items.public-by-department', model: 'InspectionItem', op: 'find', filter: publicItemsFilter('HJ-SCJG'), sort: PUBLIC_ITEMS_SORT, index: 'departmentCode_1_code_1' },
  // ---- catalogue admin (server/rosters/catalog-admin.ts)
  { id: 'items.all', model: 'InspectionItem', op: 'find', filter: {}, sort: { code: 1 }, index: 'code_1' },
  { id: 'items.by-code', model: 'InspectionItem', op: 'find', filter: { code: 'A001' }, limit: 1, index: 'code_1' },
  { id: 'dictionary.list', model: 'DictionaryEntry', op: 'find', filter: { dictionary: 'result' }, sort: { order: 1, code: 1 }, index: 'dictionary_1_code_1' },
  { id: 'dictionary.entry', model: 'DictionaryEntry', op: 'find', filter: { dictionary: 'result', code: 'R01' }, limit: 1, index: 'dictionary_1_code_1' },
  { id: 'dictionary.last', model: 'DictionaryEntry', op: 'find', filter: { dictionary: 'result' }, sort: { order: -1 }, limit: 1, index: 'dictionary_1_code_1' },
  // ---- users and sessions (server/auth/*)
  { id: 'users.by-id', model: 'User', op: 'find', filter: { _id: id }, limit: 1, index: '_id_' },
  { id: 'users.by-username', model: 'User', op: 'find', filter: { username: 'chen' }, limit: 1, index: 'username_1' },
  { id: 'users.list', model: 'User', op: 'find', filter: {}, sort: { departmentCode: 1, username: 1 }, limit: 2000, index: 'departmentCode_1_username_1' },
  { id: 'users.list-by-department', model: 'User', op: 'find', filter: { departmentCode: 'HJ-SCJG' }, sort: { departmentCode: 1, username: 1 }, limit: 2000, index: 'departmentCode_1_username_1' },
  { id: 'sessions.read', model: 'Session', op: 'find', filter: { _id: 'sid-hash', expires: t({ $gt: now }) }, limit: 1, index: '_id_' },
  { id: 'sessions.touch', model: 'Session', op: 'update', filter: { _id: 'sid-hash', expires: t({ $lt: now }) }, index: '_id_' },
  { id: 'sessions.expire', model: 'Session', op: 'delete', filter: { expires: t({ $lte: now }) }, index: 'expires_1' },
  { id: 'sessions.of-user', model: 'Session', op: 'delete', filter: { userId: id }, index: 'userId_1' },
  { id: 'login.queue-last', model: 'LoginAttempt', op: 'find', filter: { ip: '127.0.0.1', seq: t({ $gte: 0 }) }, sort: { seq: -1 }, limit: 1, index: 'ip_1_seq_-1' },
  { id: 'login.recent-of-address', model: 'LoginAttempt', op: 'find', filter: { ip: '127.0.0.1', outcome: t({ $in: ['failure', 'pending'] }), at: t({ $gt: now }) }, sort: { seq: -1 }, limit: 500, index: 'ip_1_seq_-1' },
  { id: 'login.account-failures', model: 'LoginAttempt', op: 'count', filter: { username: 'chen', outcome: 'failure', at: t({ $gt: now }) }, index: 'username_1_at_-1' },
  { id: 'login.known-address', model: 'LoginAttempt', op: 'find', filter: { username: 'chen', ip: '127.0.0.1', outcome: 'success', at: t({ $gt: now }) }, limit: 1, index: 'username_1_at_-1' },
  { id: 'login-attempts.prune', model: 'LoginAttempt', op: 'delete', filter: { at: t({ $lt: now }) }, index: 'at_1' },
  { id: 'audit.history', model: 'AuditEvent', op: 'find', filter: { 'target.type': 'user', 'target.id': 'x' }, sort: { at: -1 }, limit: 50, index: 'target.type_1_target.id_1_at_-1' },
  { id: 'audit.chain-head', model: 'AuditEvent', op: 'find', filter: { seq: t({ $gte: 1 }) }, sort: { seq: -1 }, limit: 1, index: 'seq_1' },
  { id: 'audit.seq-holder', model: 'AuditEvent', op: 'find', filter: { seq: 7 }, limit: 1, index: 'seq_1' },
  { id: 'audit.once-exists', model: 'AuditEvent', op: 'count', filter: { _id: id }, index: '_id_' },
  { id: 'audit.entries', model: 'AuditEvent', op: 'find', filter: { seq: t({ $lt: 1000 }) }, sort: { seq: -1 }, limit: 51, index: 'seq_1' },
  { id: 'audit.entries-action', model: 'AuditEvent', op: 'find', filter: { seq: t({ $gte: 1 }), action: 'inspection.publish' }, sort: { seq: -1 }, limit: 51, index: 'action_1_seq_-1' },
  { id: 'audit.legacy', model: 'AuditEvent', op: 'find', filter: { seq: t({ $exists: false }), hash: t({ $exists: false }) }, sort: { at: 1, _id: 1 }, limit: 500, index: 'seq_1_at_1__id_1' },
  { id: 'audit.legacy-chain', model: 'AuditEvent', op: 'update', filter: { _id: id, seq: t({ $exists: false }), hash: t({ $exists: false }) }, index: '_id_' },
  { id: 'audit.verify-page', model: 'AuditEvent', op: 'find', filter: { seq: t({ $gte: 1 }) }, sort: { seq: 1 }, limit: 1001, index: 'seq_1' },
  { id: 'audit.outside-chain', model: 'AuditEvent', op: 'find', filter: { seq: t({ $not: { $gte: 1 } }) }, sort: { at: 1, _id: 1 }, limit: 1, index: 'seq_1_at_1__id_1' },
  // ---- imports (server/import/*) and start-up (server/demo/*)
  { id: 'imports.latest-of-file', model: 'ImportRun', op: 'find', filter: { kind: 'entities', fileSha256: 'ab', dryRun: false }, sort: { startedAt: -1 }, limit: 1, index: 'kind_1_fileSha256_1_startedAt_-1' },
  { id: 'imports.claim-winner', model: 'ImportRun', op: 'find', filter: { claimKey: 'entities:ab:first' }, limit: 1, index: 'claimKey_1' },
  { id: 'imports.running', model: 'ImportRun', op: 'find', filter: { status: 'running' }, index: 'status_1' },
  { id: 'imports.recent', model: 'ImportRun', op: 'find', filter: {}, sort: { startedAt: -1 }, limit: 20, index: 'startedAt_-1' },
  { id: 'imports.existing-entities', model: 'MarketEntity', op: 'find', filter: { creditCode: t({ $in: ['91431271MA4TEST00X'] }) }, index: 'creditCode_1' },
  { id: 'imports.existing-inspectors', model: 'Inspector', op: 'find', filter: { inspectorId: t({ $in: ['T000001'] }) }, index: 'inspectorId_1' },
  { id: 'imports.existing-certificates', model: 'Inspector', op: 'find', filter: { 'certificates.number': t({ $in: ['43000000001'] }) }, index: 'certificates.number_1' },
  { id: 'imports.existing-items', model: 'InspectionItem', op: 'find', filter: { code: t({ $in: ['A001'] }) }, index: 'code_1' },
  { id: 'meta.by-key', model: 'AppMeta', op: 'find', filter: { key: 'demo-world' }, limit: 1, index: 'key_1' },
  // ---- plans, tasks and draws (server/plans/*)
  { id: 'redo.of-task', model: 'RedoRequest', op: 'find', filter: { taskId: id }, sort: { requestedAt: 1 }, index: 'taskId_1_requestedAt_1' },
  { id: 'demo.free-inspector', model: 'Inspector', op: 'find', filter: { departmentCode: 'HJ-SCJG', status: '有效', userId: null }, sort: { inspectorId: 1 }, limit: 1, index: 'departmentCode_1_name_1_inspectorId_1' },
  // ---- inspection pages (server/inspections/queries.ts, details.ts)
  { id: 'inspections.mine', model: 'Inspection', op: 'find', filter: listQuery({ team: 'T000001' }, { task: 'T2026-1' }, DUE), sort: { dueOn: 1, _id: 1 }, limit: 1001, index: 'team_1_state_1_dueOn_1' },
  { id: 'inspections.department', model: 'Inspection', op: 'find', filter: listQuery({ departmentCode: 'HJ-SCJG' }, { dueBy: TODAY }, DUE), sort: { dueOn: 1, _id: 1 }, limit: 1001, index: 'departmentCode_1_state_1_dueOn_1' },
  { id: 'inspections.section-due', model: 'Inspection', op: 'find', filter: listQuery({ departmentCode: 'HJ-SCJG' }, { view: 'overdue' }, DUE), limit: 100, index: 'departmentCode_1_state_1_dueOn_1' },
  { id: 'inspections.section-publication', model: 'Inspection', op: 'find', filter: listQuery({ departmentCode: 'HJ-SCJG' }, { view: 'publish_due_soon' }, DUE), sort: { publishDueOn: 1, _id: 1 }, limit: 1001, index: 'departmentCode_1_state_1_dueOn_1' },
  { id: 'inspections.section-late', model: 'Inspection', op: 'find', filter: listQuery({ departmentCode: 'HJ-SCJG' }, { view: 'late_check_in' }, DUE), limit: 100, index: 'departmentCode_1_state_1_dueOn_1' },
  { id: 'inspections.of-entity-year', model: 'Inspection', op: 'find', filter: { creditCode: '91431271MA4TEST00X', year: 2026 }, limit: 500, index: 'creditCode_1_year_1' },
  { id: 'inspections.page-items', model: 'InspectionItem', op: 'find', filter: { code: t({ $in: ['A01'] }) }, index: 'code_1' },
  { id: 'inspections.page-people', model: 'Inspector', op: 'find', filter: { inspectorId: t({ $in: ['T000001', 'T000002'] }) }, index: 'inspectorId_1' },
  { id: 'inspections.page-dictionaries', model: 'DictionaryEntry', op: 'find', filter: { dictionary: t({ $in: ['result_category', 'follow_up'] }) }, index: 'dictionary_1_code_1' },
  { id: 'inspections.page-department', model: 'Department', op: 'find', filter: { code: 'HJ-SCJG' }, limit: 1, index: 'code_1' },
  // ---- public results (server/results/*: search.ts, announcements.ts, home.ts)
  { id: 'results.search', model: 'Inspection', op: 'find', filter: resultsFilter({}), sort: RESULTS_SORT, limit: 1001, index: 'publishedAt_-1__id_-1' },
  { id: 'results.search-by-code', model: 'Inspection', op: 'find', filter: resultsFilter({ q: '91431271MA4TEST00X' }), sort: RESULTS_SORT, limit: 1001, index: 'creditCode_1_publishedAt_-1__id_-1' },
  { id: 'results.search-by-name', model: 'Inspection', op: 'find', filter: resultsFilter({ q: '商贸', item: 'A01', result: 'R02', from: '2026-01-01', to: '2026-12-31' }), sort: RESULTS_SORT, limit: 1001, index: 'publishedAt_-1__id_-1' },
  { id: 'results.search-by-department', model: 'Inspection', op: 'find', filter: resultsFilter({ department: 'HJ-SCJG' }), sort: RESULTS_SORT, limit: 1001, index: 'departmentCode_1_publishedAt_-1__id_-1' },
  { id: 'results.page-rows', model: 'Inspection', op: 'find', filter: { _id: t({ $in: ['run|91431271MA4TEST00X'] }) }, index: '_id_' },
  { id: 'results.by-id', model: 'Inspection', op: 'find', filter: { ...PUBLISHED_FILTER, _id: 'run|91431271MA4TEST00X' }, limit: 1, index: '_id_' },
  { id: 'results.of-entity', model: 'Inspection', op: 'find', filter: { ...PUBLISHED_FILTER, creditCode: '91431271MA4TEST00X' }, sort: RESULTS_SORT, limit: 501, index: 'creditCode_1_publishedAt_-1__id_-1' },
  { id: 'results.count', model: 'Inspection', op: 'count', filter: { ...PUBLISHED_FILTER }, index: 'publishedAt_-1__id_-1' },
  { id: 'results.categories', model: 'DictionaryEntry', op: 'find', filter: { dictionary: 'result_category' }, sort: { order: 1, code: 1 }, index: 'dictionary_1_code_1' },
  { id: 'results.plans', model: 'Plan', op: 'find', filter: { ...PUBLISHED_PLAN_FILTER }, sort: { publishedAt: -1, _id: -1 }, index: null },
  { id: 'results.plan-versions', model: 'Plan', op: 'find', filter: { ...PUBLISHED_PLAN_FILTER, planKey: '0123456789abcdef01234567' }, sort: { version: -1 }, index: 'planKey_1_version_1' },
  { id: 'results.latest-announcements', model: 'Announcement', op: 'find', filter: { phase: t({ $ne: 'teams' }) }, sort: { _id: -1 }, limit: 15, index: '_id_' },
  { id: 'results.announced-tasks', model: 'Task', op: 'find', filter: { _id: t({ $in: [id] }) }, index: '_id_' },
  { id: 'results.public-cache', model: 'AppMeta', op: 'find', filter: { key: 'public-cache' }, limit: 1, index: 'key_1' },
  { id: 'results.public-cache-invalidate', model: 'AppMeta', op: 'update', filter: { key: 'public-cache' }, index: 'key_1' },
  // ---- statistics and supervision (server/statistics/*, server/supervision/*: $match stages of aggregations)
  { id: 'stats.published', model: 'Inspection', op: 'count', filter: publishedFilter({ year: 2026 }), index: 'publication.completedOn_1_departmentCode_1' },
  { id: 'stats.published-department', model: 'Inspection', op: 'count', filter: publishedFilter({ year: 2026, department: 'HJ-SCJG' }), index: 'publication.completedOn_1_departmentCode_1' },
  { id: 'stats.pool', model: 'MarketEntity', op: 'count', filter: POOL_FILTER, index: 'status_1_active_1' },
  { id: 'stats.inspected-entities', model: 'MarketEntity', op: 'count', filter: { creditCode: t({ $in: ['91431271MA4TEST00X'] }) }, index: 'creditCode_1' },
  { id: 'supervision.caps', model: 'DrawnEntity', op: 'count', filter: { year: 2026, role: 'selected', superseded: false, inspectionType: t({ $nin: ['线索核查', '即时'] }) }, index: 'year_1_creditCode_1' },
  { id: 'supervision.year', model: 'Inspection', op: 'count', filter: { year: 2026, departmentCode: 'HJ-SCJG' }, index: 'year_1_departmentCode_1' },
  { id: 'supervision.pairs-of-member', model: 'Inspection', op: 'count', filter: { year: 2026, departmentCode: 'HJ-SCJG', team: 'T000001' }, index: 'team_1_state_1_dueOn_1' },
  { id: 'supervision.late-check-ins', model: 'Inspection', op: 'find', filter: { ...listQuery({}, { view: 'late_check_in' }, DUE), year: 2026 }, sort: { dueOn: -1, _id: 1 }, limit: 100, index: 'year_1_departmentCode_1' },
  { id: 'supervision.missing-check-ins', model: 'Inspection', op: 'find', filter: listQuery({}, { view: 'missing_check_in' }, DUE), sort: { dueOn: 1, _id: 1 }, limit: 100, index: 'state_1_publishAt_1' },
  { id: 'supervision.publish-overdue', model: 'Inspection', op: 'find', filter: listQuery({}, { view: 'publish_overdue' }, DUE), sort: { publishDueOn: 1, _id: 1 }, limit: 100, index: 'state_1_publishAt_1' },
];
