// Owns the supervisor's start page (/supervisor, declared in start.ts): their department's plans
// and the tasks they may read, each with what it is waiting for (plan publication, its
// announcement, the draw time, a source, a lottery entry…) from server/plans/status.ts.
import { Router } from 'express';
import { listPlans } from '../plans/plans.js';
import { taskStatus } from '../plans/status.js';
import { listTasks } from '../plans/tasks.js';
import type { FeatureDeps } from './mount.js';
import { actingFor } from './plans-forms.js';

/** Open tasks whose waiting is worked out on the page (the rest are listed at /tasks). */
const SHOWN_TASKS = 20;

export function supervisorStartRouter({ draws }: FeatureDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const acting = actingFor(req);
    const [plans, tasks] = await Promise.all([listPlans(acting), listTasks(acting)]);
    const open = tasks.filter((t) => t.status !== '已完成').slice(0, SHOWN_TASKS);
    const waiting = await Promise.all(open.map(async (t) => ({ task: t, status: await taskStatus(t._id.toString(), acting, draws) })));
    res.render('start/supervisor', { plans: plans.slice(0, 20), tasks: waiting, moreTasks: tasks.length - open.length });
  });
  return router;
}
