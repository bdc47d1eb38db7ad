// Owns the probes: /healthz says the process is alive, /readyz that the database answers.
// Their URLs are the conventional root-level ones, so this mount sits at '/', before sessions.
import { Router } from 'express';
import { mount, type FeatureDeps } from './mount.js';

export const healthMount = mount({
  path: '/',
  beforeSession: true,
  rules: {
    'GET /healthz': 'public',
    'GET /readyz': 'public',
  },
  router: healthRouter,
});

function healthRouter({ isReady }: FeatureDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const ready = await isReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', database: ready ? 'up' : 'down' });
  });
  return router;
}
