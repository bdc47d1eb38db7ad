// Owns the public announcement pages (抽查任务公告): the list of every task announcement, newest
// first; a task's page with everything each draw announced before any random value existed;
// and the verification page of every draw — the announcement under its digest, the declared
// sources with their values and checks, the commitment and the revealed secret, the pool digest
// and (with a published list) the frozen pool, the result, and a "verify" button that re-runs
// the draw in the browser with the engine bundle (public/js/draw-page.js; without JavaScript
// the button posts here and the server runs the same engine). A record someone holds can be
// checked against the announcement on the same page. Anyone may read and verify; nothing here
// needs an account, and what names entities or inspectors is shown only when the task
// publishes its drawn list (inspectors as the record's IDs, never their names). Every GET goes
// through publicCache() (server/http/public-cache.ts): announcing and completing a draw drop it.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { publishedAnnouncement, loadChunks } from '../plans/announce.js';
import { drawPageData, listAnnouncements, type DrawPageData } from '../plans/announcement-pages.js';
import { drawRecord } from '../plans/drawn-list.js';
import type { PoolEntity } from '../plans/pool.js';
import { taskRecordView } from '../plans/pages-support.js';
import { verify, type VerifyResult } from '../draw/index.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { renderForm } from '../http/forms.js';
import { publicCache } from '../http/public-cache.js';
import { readUploadedFile } from '../http/multipart.js';
import { pageHref } from '../http/pagination.js';
import { parseInput } from '../http/validate.js';
import { LOTTERY_GAMES } from '../randomness/index.js';
import { departmentOptions } from '../rosters/departments.js';
import { csvLines, EXCEL_UTF8_BOM } from '../text/csv.js';
import { mount } from './mount.js';
import { MAX_RECORD_BYTES, verificationSlots } from './verify.js';

export const announcementsMount = mount({
  path: '/announcements',
  rules: {
    'GET /': 'public',
    'GET /:id': 'public',
    'GET /:id/runs/:run': 'public',
    // Verifying changes nothing and ignores the session (as POST /verify): no CSRF token.
    'POST /:id/runs/:run/verify': { access: 'public', csrf: false },
    'GET /:id/runs/:run/record.json': 'public',
    'GET /:id/runs/:run/pool.csv': 'public',
    'GET /:id/runs/:run/pool.json': 'public',
  },
  router: announcementsRouter,
});

const listQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).optional().default(1) });

type Params = { id: string; run: string };

/** A verification's outcome as the page shows it (views/announcements/verify-result.ejs). */
export interface Verdict {
  result: VerifyResult;
  /** 'server' here; the browser fills the same template with 'browser'. */
  by: 'server' | 'browser';
  /** The published record of this draw, or a file the visitor uploaded. */
  what: 'record' | 'upload';
}


async function departmentNames(): Promise<Record<string, string>> {
  return Object.fromEntries((await departmentOptions()).map((d) => [d.code, d.name]));
}

async function renderDrawPage(res: Response, data: DrawPageData, verdict?: Verdict, problem?: ValidationError): Promise<void> {
  renderForm(res, 'announcements/draw', { d: data, verdict: verdict ?? null, games: LOTTERY_GAMES, names: await departmentNames(), values: {} }, problem);
}

function parseRecord(text: string, announcementDigest: string): VerifyResult {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    return { ok: false, code: 'RECORD_INVALID', path: '', message: `not JSON: ${(error as Error).message}` };
  }
  return verify(record, { published: { announcementDigest } });
}

function announcementsRouter(): Router {
  const router = Router();
  const inSlot = verificationSlots();
  router.get('/', publicCache(), async (req, res) => {
    const parsed = parseInput(listQuery, req.query);
    const page = parsed.ok ? parsed.value.page : 1;
    const { rows, page: info } = await listAnnouncements(page);
    res.render('announcements/list', { rows, page: info, names: await departmentNames(), pageHref: (p: number) => pageHref('/announcements', {}, p) });
  });

  router.get('/:id', publicCache(), async (req: Request<{ id: string }>, res) => {
    const { task, announcements, runs, redoRequests } = await taskRecordView(req.params.id);
    if (announcements.length === 0) throw new NotFoundError('This task has not been announced.');
    res.render('public/announcement', {
      task: { id: task._id.toString(), number: task.number, name: task.name, departmentCode: task.departmentCode, participatingDepartments: task.participatingDepartments, targeting: task.targeting, inspectionType: task.inspectionType, inspectionDate: task.inspectionDate, publishList: task.publishList },
      announcements: announcements.map((a) => ({ id: a._id.toString(), key: a.key, attempt: a.attempt, phase: a.phase, teamDepartment: a.teamDepartment, drawAt: a.drawAt, announcedAt: a.announcedAt, digest: a.digest, exclusions: a.exclusions, published: publishedAnnouncement(a), run: runs.find((r) => r.key === a.key) ?? null })),
      redoRequests: redoRequests.map((r) => ({ attempt: r.attempt, reason: r.reason, requestedAt: r.requestedAt, approvedAt: r.approvedAt })),
      games: LOTTERY_GAMES, names: await departmentNames(),
    });
  });

  router.get('/:id/runs/:run', publicCache(), async (req: Request<Params>, res) => {
    await renderDrawPage(res, await drawPageData(req.params.id, req.params.run));
  });

  // Without JavaScript: the "verify" button (no body) verifies the published record of this
  // draw; the upload form (multipart) verifies the visitor's file. Both against the digest this
  // draw's announcement published, and both rendered on the draw's page in its language.
  router.post('/:id/runs/:run/verify', async (req: Request<Params>, res) => {
    const data = await drawPageData(req.params.id, req.params.run);
    const digest = data.announcement.digest;
    if (req.is('multipart/form-data')) {
      try {
        const result = await inSlot(async () => {
          const { content } = await readUploadedFile(req, 'record', { maxFileBytes: MAX_RECORD_BYTES, maxFields: 3 });
          return parseRecord(content.toString('utf8'), digest);
        });
        await renderDrawPage(res, data, { result, by: 'server', what: 'upload' });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        await renderDrawPage(res, data, undefined, error);
      }
      return;
    }
    // Refused (403) unless the task publishes its drawn list, as the record itself.
    const result = await inSlot(async () => verify((await drawRecord(data.run.key, null)).record, { published: { announcementDigest: digest } }));
    await renderDrawPage(res, data, { result, by: 'server', what: 'record' });
  });

  router.get('/:id/runs/:run/record.json', publicCache(), async (req: Request<Params>, res) => {
    const { runs } = await taskRecordView(req.params.id);
    const run = runs.find((r) => r._id.toString() === req.params.run);
    if (!run) throw new NotFoundError('No such draw of this task.');
    // Refused (403) unless the task publishes its drawn list: the record names every drawn entity.
    const { record } = await drawRecord(run.key, null);
    res.attachment(`draw-${run.attempt}.json`).type('application/json').send(JSON.stringify(record, null, 2));
  });

  // The frozen pool, as announced (in the order it was frozen), for a task whose drawn list is
  // public: with the record's selections it names who was drawn, so it follows the list's rule.
  async function poolOf(params: Params): Promise<{ d: DrawPageData; pool: PoolEntity[] }> {
    const d = await drawPageData(params.id, params.run);
    if (!d.task.publishList) throw new ForbiddenError('This task does not publish its drawn list, nor its frozen pool.');
    return { d, pool: await loadChunks<PoolEntity>(d.announcement.digest, 'pool', d.announcement.poolChunks) };
  }

  router.get('/:id/runs/:run/pool.json', publicCache(), async (req: Request<Params>, res) => {
    const { d, pool } = await poolOf(req.params);
    const body = { task: d.task.number, announcementDigest: d.announcement.digest, pool: d.announcement.published.pool, entities: pool };
    res.attachment(`pool-${d.task.number}-${d.announcement.attempt}.json`).type('application/json').send(JSON.stringify(body, null, 1));
  });

  router.get('/:id/runs/:run/pool.csv', publicCache(), async (req: Request<Params>, res) => {
    const { d, pool } = await poolOf(req.params);
    const header = ['序号', '统一社会信用代码', '名称', '登记状态', '信用风险分类', '行业', '区域', '专项库', '最近检查日期'];
    const rows = pool.map((e, i) => [String(i + 1), e.creditCode, e.name ?? '', e.status, e.riskClass ?? '', e.industry ?? '', e.region ?? '', (e.specialRosters ?? []).join('、'), e.lastInspectedOn ?? '']);
    res.attachment(`pool-${d.task.number}-${d.announcement.attempt}.csv`).type('text/csv; charset=utf-8').send(EXCEL_UTF8_BOM + csvLines([header, ...rows]));
  });

  return router;
}
