// Owns the public home page: what the platform is, the newest announcements (plans, tasks) and
// published results, and key figures — the roster sizes (kept, not counted per view:
// server/rosters/roster-figures.ts) and the publication figures (server/results/home.ts). The
// page goes through publicCache(): a publication or announcement invalidates it.
import { Router } from 'express';
import { publicCache } from '../http/public-cache.js';
import { homeOverview } from '../results/home.js';
import { rosterFigures } from '../rosters/roster-figures.js';
import { mount, type FeatureDeps } from './mount.js';

export const homeMount = mount({
  path: '/',
  rules: { 'GET /': 'public' },
  router: homeRouter,
});

function homeRouter({ inspections: { timeZone } }: FeatureDeps): Router {
  const router = Router();
  router.get('/', publicCache(), async (req, res) => {
    const [stats, overview] = await Promise.all([
      rosterFigures({ onRefreshError: (error) => req.log.error({ err: error }, 'recounting the roster figures failed') }),
      homeOverview(timeZone),
    ]);
    res.render('public/home', { stats, ...overview });
  });
  return router;
}
