// Owns the public announcement page of a task (抽查任务公告): everything each draw announced
// before any random value existed (pool digest and size, strata and quotas, exclusions with the
// at-cap count, inspector parameters, declared sources, commitment) under its announcement
// digest, and after the draw the draw's facts; when the task publishes its drawn list, the full
// record as JSON for /verify. Anyone may read it; nothing here needs an account.
import { Router, type Request } from 'express';
import { publishedAnnouncement } from '../plans/announce.js';
import { drawRecord } from '../plans/drawn-list.js';
import { taskRecordView } from '../plans/pages-support.js';
import { NotFoundError } from '../errors.js';
import { LOTTERY_GAMES } from '../randomness/index.js';
import { departmentOptions } from '../rosters/departments.js';
import { mount } from './mount.js';

export const announcementsMount = mount({
  path: '/announcements',
  rules: {
    'GET /:id': 'public',
    'GET /:id/runs/:run/record.json': 'public',
  },
  router: announcementsRouter,
});

function announcementsRouter(): Router {
  const router = Router();

  router.get('/:id', async (req, res) => {
    const { task, announcements, runs, redoRequests } = await taskRecordView(req.params.id);
    if (announcements.length === 0) throw new NotFoundError('This task has not been announced.');
    res.render('public/announcement', {
      task: { id: task._id.toString(), number: task.number, name: task.name, departmentCode: task.departmentCode, participatingDepartments: task.participatingDepartments, targeting: task.targeting, inspectionType: task.inspectionType, inspectionDate: task.inspectionDate, publishList: task.publishList },
      announcements: announcements.map((a) => ({ id: a._id.toString(), key: a.key, attempt: a.attempt, phase: a.phase, teamDepartment: a.teamDepartment, drawAt: a.drawAt, announcedAt: a.announcedAt, digest: a.digest, exclusions: a.exclusions, published: publishedAnnouncement(a), run: runs.find((r) => r.key === a.key) ?? null })),
      redoRequests: redoRequests.map((r) => ({ attempt: r.attempt, reason: r.reason, requestedAt: r.requestedAt, approvedAt: r.approvedAt })),
      games: LOTTERY_GAMES, names: Object.fromEntries((await departmentOptions()).map((d) => [d.code, d.name])),
    });
  });

  router.get('/:id/runs/:run/record.json', async (req: Request<{ id: string; run: string }>, res) => {
    const { runs } = await taskRecordView(req.params.id);
    const run = runs.find((r) => r._id.toString() === req.params.run);
    if (!run) throw new NotFoundError('No such draw of this task.');
    // Refused (403) unless the task publishes its drawn list: the record names every drawn entity.
    const { record } = await drawRecord(run.key, null);
    res.attachment(`draw-${run.attempt}.json`).type('application/json').send(JSON.stringify(record, null, 2));
  });

  return router;
}
