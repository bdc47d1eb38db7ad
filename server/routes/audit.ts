// Owns the audit trail page (/audit) of supervisors, administrators and observers: the chain's
// head, to be noted elsewhere, and a button that walks the whole chain
// (server/audit/verify-chain.ts) and shows whether it is intact or names the first broken entry.
// Verifying changes nothing.
import { Router } from 'express';
import { STAFF_OR_OBSERVER } from '../access/rules.js';
import { chainHead } from '../audit/chain.js';
import { describeBroken, entryName, verifyChainShared } from '../audit/verify-chain.js';
import { mount } from './mount.js';

export const auditMount = mount({
  path: '/audit',
  rules: {
    'GET /': STAFF_OR_OBSERVER,
    // Verifying reads the chain and changes nothing, so observers (执法监督) may run it too.
    'POST /verify': STAFF_OR_OBSERVER,
  },
  router: auditRouter,
});

function auditRouter(): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    res.render('audit/chain', { head: await chainHead(), report: undefined });
  });

  // Rendered in answer to the POST (like /verify): the verdict is about this moment, not a
  // page to bookmark. Concurrent clicks in one process share one walk.
  router.post('/verify', async (_req, res) => {
    const report = await verifyChainShared();
    const t = res.locals.t as Parameters<typeof describeBroken>[1];
    const broken = report.broken ? { ...report.broken, name: entryName(report.broken, t), description: describeBroken(report.broken, t) } : undefined;
    res.render('audit/chain', { head: await chainHead(), report: { ...report, broken } });
  });
  return router;
}
