// Owns what the public pages of announcements read: the list of task announcements (newest
// first, one query for the page's rows and one each for their tasks and draws) and, for the
// verification page of one draw, everything published about it — the announcement under its
// digest, each declared source with its value and its check (the drand signature verified again
// here, the lottery's independent entries), the commitment and the revealed secret, the draws of
// the same slot with each redo's reason, and, only when the task publishes its drawn list, the
// rows that name entities and inspectors (selections, alternates, teams as the record's
// inspector IDs, recusals). Read-only; the record itself comes from drawRecord (drawn-list.ts).
// The use case of server/routes/announcements.ts, which stays thin and queries no model.
import mongoose, { Types } from 'mongoose';
import { Announcement } from '../../models/announcement.js';
import { DrawRun, type DrawRunRecord } from '../../models/draw-run.js';
import { RecusalClaim } from '../../models/inspection.js';
import { Task } from '../../models/task.js';
import type { DeclaredSource, SourceEvidence } from '../draw/index.js';
import { NotFoundError } from '../errors.js';
import { windowedPage } from '../http/pagination.js';
import { publishedAnnouncement } from './announce.js';
import { runRandomness } from './draws.js';
import { viewDrawnList, type DrawnRow } from './drawn-list.js';
import { taskRecordView, type TaskRecordView } from './pages-support.js';
import { checkReveal, DRAND_CHAINS, lotteryResultText, verifyDrandBeacon } from '../randomness/index.js';

export const ANNOUNCEMENTS_PAGE_SIZE = 20;

export interface AnnouncementListRow {
  id: string;
  taskId: string;
  taskNumber: string;
  taskName: string;
  departmentCode: string;
  phase: string;
  teamDepartment: string | null;
  attempt: number;
  announcedAt: Date;
  drawAt: Date;
  digest: string;
  run: { id: string; state: string; superseded: boolean } | null;
}

/**
 * One page of every announcement, newest first. Ordered by _id: the announcement's insert is
 * its commit point (models/announcement.ts), so insertion order is publication order, and the
 * _id index serves the sort without a new index or an in-memory sort.
 */
export async function listAnnouncements(page: number) {
  const { rows, page: info } = await windowedPage(page, ANNOUNCEMENTS_PAGE_SIZE, (skip, limit) =>
    Announcement.find({}).select('taskId phase teamDepartment attempt announcedAt drawAt digest').sort({ _id: -1 }).skip(skip).limit(limit)
      .lean<Array<{ _id: Types.ObjectId; taskId: Types.ObjectId; phase?: string; teamDepartment?: string; attempt: number; announcedAt: Date; drawAt: Date; digest: string }>>());
  const ids = rows.map((r) => r._id);
  const [tasks, runs] = await Promise.all([
    Task.find({ _id: mongoose.trusted({ $in: [...new Set(rows.map((r) => r.taskId.toString()))].map((id) => new Types.ObjectId(id)) }) }).select('number name departmentCode').lean<Array<{ _id: Types.ObjectId; number: string; name: string; departmentCode: string }>>(),
    DrawRun.find({ announcementId: mongoose.trusted({ $in: ids }) }).select('announcementId state supersededBy').lean<Array<{ _id: Types.ObjectId; announcementId: Types.ObjectId; state: string; supersededBy?: string | null }>>(),
  ]);
  const taskOf = new Map(tasks.map((t) => [t._id.toString(), t]));
  const runOf = new Map(runs.map((r) => [r.announcementId.toString(), r]));
  const list: AnnouncementListRow[] = [];
  for (const r of rows) {
    const task = taskOf.get(r.taskId.toString());
    if (!task) continue; // tasks are never deleted; a missing one is shown as nothing rather than as a broken row
    const run = runOf.get(r._id.toString());
    list.push({
      id: r._id.toString(), taskId: task._id.toString(), taskNumber: task.number, taskName: task.name, departmentCode: task.departmentCode,
      phase: r.phase ?? 'entities', teamDepartment: r.teamDepartment ?? null, attempt: r.attempt, announcedAt: r.announcedAt, drawAt: r.drawAt, digest: r.digest,
      run: run ? { id: run._id.toString(), state: run.state, superseded: Boolean(run.supersededBy) } : null,
    });
  }
  return { rows: list, page: info };
}

export interface SourceView {
  index: number;
  declared: DeclaredSource;
  /** drand: the value and the signature checked again now against the chain's key. */
  drand?: { round: number; signature: string; randomness: string; roundMatches: boolean; check: { ok: boolean; reason?: string } };
  /** lottery: the agreed result and every entry (value and time; who entered it is not public). */
  lottery?: { result: string | null; entries: Array<{ n: number; text: string; at: Date; withdrawnAt: Date | null; withdrawReason: string | null }> };
}

function sourceViews(declared: DeclaredSource[], values: SourceEvidence[] | null, entries: TaskRecordView['lotteryEntries']): SourceView[] {
  return declared.map((d, index) => {
    const e = values?.[index];
    if (d.type === 'drand') {
      if (!e || e.type !== 'drand') return { index, declared: d };
      const chain = DRAND_CHAINS.get(d.chain);
      const beacon = chain ? verifyDrandBeacon(chain, e.round, e.signature, e.randomness) : { ok: false as const, reason: `unknown chain ${d.chain}` };
      return { index, declared: d, drand: { round: e.round, signature: e.signature, randomness: e.randomness, roundMatches: e.round === d.round, check: beacon.ok ? { ok: true } : { ok: false, reason: beacon.reason } } };
    }
    const mine = entries.filter((x) => x.index === index);
    return {
      index, declared: d,
      lottery: {
        result: e && e.type === 'lottery' ? lotteryResultText(d.game, e.result) : null,
        entries: mine.map((x, i) => ({ n: i + 1, text: x.text, at: x.at, withdrawnAt: x.withdrawnAt ?? null, withdrawReason: x.withdrawReason ?? null })),
      },
    };
  });
}

export interface RecusalView { seq: number; creditCode: string; name: string; inspectorId: string; replacement: string; reason: string; requestedBy: string; at: Date }

/** Everything the verification page of draw `runId` of task `taskId` shows. 404 for a draw not of that task. */
export async function drawPageData(taskId: string, runId: string) {
  const view = await taskRecordView(taskId);
  const run = view.runs.find((r) => r._id.toString() === runId);
  if (!run) throw new NotFoundError('No such draw of this task.');
  const a = view.announcements.find((x) => x._id.equals(run.announcementId));
  if (!a) throw new NotFoundError('No such draw of this task.');
  const published = publishedAnnouncement(a);
  const stored = await DrawRun.findById(run._id).select('randomness').lean<Pick<DrawRunRecord, 'randomness'>>();
  const randomness = stored ? runRandomness(stored) : null;
  const task = view.task;
  const publishList = Boolean(task.publishList);
  const complete = run.state === 'complete';
  // The rows that name entities and inspectors: only for a task whose drawn list is public.
  let rows: DrawnRow[] | null = null;
  let recusals: RecusalView[] | null = null;
  let recusalCount = 0;
  if (complete) {
    recusalCount = await RecusalClaim.countDocuments({ runKey: run.key });
    if (publishList) {
      rows = (await viewDrawnList(run.key, null)).rows;
      const names = new Map(rows.map((r) => [r.creditCode, r.name]));
      const claims = await RecusalClaim.find({ runKey: run.key }).sort({ seq: 1 }).select('seq creditCode inspectorId replacement reason requestedBy at').lean<RecusalView[]>();
      recusals = claims.map((c) => ({ seq: c.seq, creditCode: c.creditCode, name: names.get(c.creditCode) ?? '', inspectorId: c.inspectorId, replacement: c.replacement, reason: c.reason, requestedBy: c.requestedBy, at: c.at }));
    }
  }
  const phase = a.phase ?? 'entities';
  const slotRuns = view.runs.filter((r) => r.slot.getTime() === run.slot.getTime() && view.announcements.find((x) => x._id.equals(r.announcementId))?.phase === a.phase);
  const redoReasons = view.redoRequests.filter((r) => r.slot.getTime() === run.slot.getTime()).map((r) => ({ attempt: r.attempt, reason: r.reason, requestedAt: r.requestedAt, approvedAt: r.approvedAt ?? null }));
  const commitment = published.randomness.commitment;
  const reveal = randomness?.reveal ?? null;
  return {
    task: {
      id: task._id.toString(), number: task.number, name: task.name, departmentCode: task.departmentCode, participatingDepartments: task.participatingDepartments ?? [],
      targeting: task.targeting, inspectionType: task.inspectionType, publishList,
    },
    announcement: { id: a._id.toString(), key: a.key, attempt: a.attempt, phase, teamDepartment: a.teamDepartment ?? null, digest: a.digest, announcedAt: a.announcedAt, drawAt: a.drawAt, exclusions: a.exclusions, poolChunks: a.poolChunks, published },
    run: {
      id: run._id.toString(), key: run.key, attempt: run.attempt, state: run.state, completedAt: run.completedAt ?? null, supersededBy: run.supersededBy ?? null,
      recordSha256: run.recordSha256 ?? null, failure: run.failure?.code ? { code: run.failure.code, message: run.failure.message ?? '' } : null,
      summary: (run.summary ?? null) as null | { spec: string; seed: { canonicalKey: string; derivedKey: string; commitmentVerified: boolean }; pool: { digest: string; size: number; drawable: number }; strata: Array<{ id: string; drawable: number; quota: number; selected: number; alternates: number }>; teams: number },
    },
    sources: sourceViews(published.randomness.entities, randomness?.entities ?? null, view.lotteryEntries.filter((x) => x.announcementId.equals(a._id))),
    commit: commitment ? { commitment, reveal, check: reveal ? checkReveal(commitment, reveal) : null } : null,
    slotRuns: slotRuns.map((r) => ({ id: r._id.toString(), key: r.key, attempt: r.attempt, state: r.state, completedAt: r.completedAt ?? null, supersededBy: r.supersededBy ?? null })),
    redoReasons,
    rows,
    recusals,
    recusalCount,
  };
}

export type DrawPageData = Awaited<ReturnType<typeof drawPageData>>;
