// Owns the public home page: what the platform is and the size of its rosters. The figures are
// kept, not counted per view (server/rosters/roster-figures.ts).
import { Router } from 'express';
import { rosterFigures } from '../rosters/roster-figures.js';
import { mount } from './mount.js';

export const homeMount = mount({
  path: '/',
  rules: { 'GET /': 'public' },
  router: homeRouter,
});

function homeRouter(): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const stats = await rosterFigures({ onRefreshError: (error) => req.log.error({ err: error }, 'recounting the roster figures failed') });
    res.render('public/home', { stats });
  });
  return router;
}
