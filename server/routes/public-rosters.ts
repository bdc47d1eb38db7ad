// Owns the public roster pages and their JSON twins: the inspection-item list (抽查事项清单)
// and the certified-inspector lookup (执法人员查询). Both are public by law; the lookup shows
// only the four public facts (see server/rosters/public-inspectors.ts).
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { parseInput, requireInput } from '../http/validate.js';
import { apiPage, pageHref } from '../http/pagination.js';
import { listPublicItems } from '../rosters/public-items.js';
import { departmentOptions, isoDay, lookupInspectors } from '../rosters/public-inspectors.js';

const departmentCode = z.string().trim().regex(/^[A-Za-z0-9-]{1,32}$/, 'invalid_department').optional().or(z.literal('').transform(() => undefined));

const itemsQuery = z.object({ department: departmentCode });

const lookupQuery = z
  .object({
    name: z.string().trim().max(50, 'too_long').optional().transform((v) => v || undefined),
    certificate: z.string().trim().max(64, 'too_long').regex(/^[A-Za-z0-9-]*$/, 'invalid_certificate').optional().transform((v) => v || undefined),
    department: departmentCode,
    page: z.coerce.number().int().min(1).max(10_000).optional().default(1),
  });

export function publicRostersRouter(options: { timeZone: string; now?: () => Date }): Router {
  const router = Router();
  const today = () => isoDay((options.now ?? (() => new Date()))(), options.timeZone);

  router.get('/items', async (req: Request, res: Response) => {
    const parsed = parseInput(itemsQuery, req.query);
    const department = parsed.ok ? parsed.value.department : undefined;
    res.status(parsed.ok ? 200 : 422).render('public/items', {
      items: await listPublicItems(department),
      departments: await departmentOptions(),
      selected: department ?? '',
      fieldErrors: parsed.ok ? {} : parsed.fields,
    });
  });

  router.get('/inspectors', async (req: Request, res: Response) => {
    const parsed = parseInput(lookupQuery, req.query);
    const old = { name: String(req.query.name ?? ''), certificate: String(req.query.certificate ?? ''), department: String(req.query.department ?? '') };
    const searched = Boolean(old.name || old.certificate || old.department);
    const result = parsed.ok && searched ? await lookupInspectors(parsed.value, today(), options.timeZone) : undefined;
    res.status(parsed.ok ? 200 : 422).render('public/inspectors', {
      result,
      old,
      departments: await departmentOptions(),
      fieldErrors: parsed.ok ? {} : parsed.fields,
      pageHref: (page: number) => pageHref('/inspectors', old, page),
    });
  });

  router.get('/api/v1/items', async (req, res) => {
    const query = requireInput(itemsQuery, req.query);
    res.json({ items: await listPublicItems(query.department) });
  });

  router.get('/api/v1/inspectors/lookup', async (req, res) => {
    const query = requireInput(lookupQuery, req.query);
    const { inspectors, page } = await lookupInspectors(query, today(), options.timeZone);
    res.json({ inspectors, page: apiPage(page) });
  });

  return router;
}
