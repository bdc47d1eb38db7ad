// Owns the audit trail page (/audit) of supervisors, administrators and observers: the chain's
// head, to be noted elsewhere, and a button that walks the whole chain
// (server/audit/verify-chain.ts) and shows whether it is intact or names the first broken entry.
// Verifying changes nothing. /audit/entries lists the entries themselves (server/audit/entries.ts).
import { Router } from 'express';
import { STAFF_OR_OBSERVER } from '../access/rules.js';
import { chainHead } from '../audit/chain.js';
import { describeBroken, entryName, verifyChainShared } from '../audit/verify-chain.js';
import { auditEntries, auditEntriesSchema } from '../audit/entries.js';
import { renderForm } from '../http/forms.js';
import { parseInput } from '../http/validate.js';
import { mount } from './mount.js';
import { queryStrings } from './query-strings.js';

export const auditMount = mount({
  path: '/audit',
  rules: {
    'GET /': STAFF_OR_OBSERVER,
    // Verifying reads the chain and changes nothing, so observers (执法监督) may run it too.
    'POST /verify': STAFF_OR_OBSERVER,
    // Entry by entry: every department's actions, so for administrators and observers (执法监督),
    // not for a department's supervisors.
    'GET /entries': ['admin', 'observer'],
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
  router.get('/entries', async (req, res) => {
    const parsed = parseInput(auditEntriesSchema, req.query);
    const values = queryStrings(req.query);
    const page = parsed.ok ? await auditEntries(parsed.value) : undefined;
    renderForm(res, 'audit/entries', {
      page, values,
      nextHref: page?.nextBefore ? `/audit/entries?${new URLSearchParams({ ...(values.action ? { action: values.action } : {}), ...(values.target ? { target: values.target } : {}), before: String(page.nextBefore) }).toString()}` : null,
    }, parsed.ok ? undefined : parsed);
  });
  return router;
}
