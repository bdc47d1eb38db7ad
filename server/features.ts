// THE ONE LIST OF ROUTERS, in the order app.ts mounts them. Each entry is a mount exported by a
// router module under server/routes/ (path, rules, router factory; see server/routes/mount.ts
// and the header of server/access/rules.ts). The access table the middleware enforces is
// assembled from this list, so adding a feature is: write its router module, add its mounts here.
import { joinPath } from './access/policy.js';
import type { Access, AccessTable, CsrfExempt } from './access/rules.js';
import type { RouterMount } from './routes/mount.js';
import { healthMount } from './routes/health.js';
import { homeMount } from './routes/home.js';
import { loginMount, logoutMount, sessionApiMount } from './routes/auth.js';
import { accountMount } from './routes/account.js';
import { adminStartMount, inspectorStartMount, supervisorStartMount } from './routes/start.js';
import { usersAdminMount } from './routes/admin-users.js';
import { inspectorsApiMount, inspectorsPageMount, itemsApiMount, itemsPageMount } from './routes/public-rosters.js';
import { entitiesAdminMount, entitiesApiMount } from './routes/admin-entities.js';
import { inspectorsAdminApiMount, inspectorsAdminMount } from './routes/admin-inspectors.js';
import { drawSpecMount, drawSpecTextMount, verifyApiMount, verifyPageMount } from './routes/verify.js';
import { importsApiMount, importsPageMount } from './routes/admin-imports.js';
import { dictionariesAdminMount, itemsAdminMount } from './routes/admin-catalog.js';
import { calendarAdminMount } from './routes/admin-calendar.js';
import { plansMount } from './routes/plans.js';
import { tasksMount } from './routes/tasks.js';
import { inspectionsMount } from './routes/inspections.js';
import { inspectionsStatementMount } from './routes/inspections-statement.js';
import { announcementsMount } from './routes/announcements.js';
import { checkMount } from './routes/check.js';
import { openDataMount, publicApiMount } from './routes/open-data.js';
import { auditMount } from './routes/audit.js';
import { entitiesMount, planAnnouncementsMount, resultsMount } from './routes/public-results.js';
import { statisticsMount } from './routes/statistics.js';
import { observerStartMount, supervisionMount } from './routes/supervision.js';
import { jointVisitsMount } from './routes/supervision-joint.js';

export const MOUNTS: readonly RouterMount[] = [
  healthMount, // before sessions: probes
  // public pages
  homeMount,
  itemsPageMount,
  inspectorsPageMount,
  verifyPageMount,
  drawSpecMount,
  drawSpecTextMount,
  announcementsMount,
  checkMount, // 扫码入企: is the inspection at the door genuine?
  resultsMount, // 抽查结果公告 (and the supervisors' 撤回公示)
  entitiesMount,
  planAnnouncementsMount, // 抽查计划公告
  statisticsMount, // 统计: published results only, charts as server-rendered SVG
  openDataMount, // 一公开 as data: files, feed and their documentation
  // signing in, one's own account
  loginMount,
  logoutMount,
  accountMount,
  // each role's start page
  adminStartMount,
  supervisorStartMount,
  inspectorStartMount,
  observerStartMount, // 执法监督: read-only
  // back office
  entitiesAdminMount,
  inspectorsAdminMount,
  itemsAdminMount,
  dictionariesAdminMount,
  calendarAdminMount,
  importsPageMount,
  usersAdminMount,
  auditMount, // the audit chain (supervisors, admins and observers)
  supervisionMount, // 执法监督 alerts (supervisors: their department; observers: all)
  jointVisitsMount, // 综合查一次: proposals of joint visits and their acceptance (supervisors)
  // plans, tasks and draws (supervisors)
  plansMount,
  tasksMount,
  inspectionsStatementMount, // the reviewer's answer to the entity's statement
  inspectionsMount, // inspections (inspectors and supervisors)
  // JSON API
  sessionApiMount,
  itemsApiMount,
  inspectorsApiMount,
  verifyApiMount,
  publicApiMount, // published results (open data)
  entitiesApiMount,
  inspectorsAdminApiMount,
  importsApiMount,
];

/** The access table of a list of mounts; a route declared twice (same method and full path) is an error. */
export function accessTableOf(mounts: readonly RouterMount[]): AccessTable {
  const table: Record<string, Record<string, Access | CsrfExempt>> = {};
  const declaredBy = new Map<string, string>();
  for (const { path: mountPath, rules } of mounts) {
    for (const [route, access] of Object.entries(rules)) {
      const [method, path = ''] = route.split(' ');
      const key = `${method} ${joinPath(mountPath, path)}`;
      const earlier = declaredBy.get(key);
      if (earlier !== undefined) throw new Error(`access rule ${key} is declared twice (mounts ${earlier} and ${mountPath})`);
      declaredBy.set(key, mountPath);
      (table[mountPath] ??= {})[route] = access;
    }
  }
  return table;
}

export const ACCESS_TABLE: AccessTable = accessTableOf(MOUNTS);
