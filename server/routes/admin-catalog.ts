// Owns the admin pages of the editable lists: the inspection-item list and the result /
// follow-up dictionaries. Thin: server/rosters/catalog-admin.ts validates and writes; every
// change is audited.
import { Router, type Request } from 'express';
import { recordFieldChanges, type AuditActor, type FieldChanges } from '../../models/audit-event.js';
import { DICTIONARIES, INSPECTION_METHODS, ITEM_KINDS } from '../../models/index.js';
import { ValidationError } from '../errors.js';
import {
  addEntry, dictionaryName, getItem, listDictionary, listItems, setItemActive, updateEntry, updateItem,
} from '../rosters/catalog-admin.js';
import { departmentOptions } from '../rosters/public-inspectors.js';

export function adminCatalogRouter(options: { actorOf: (req: Request) => AuditActor }): Router {
  const router = Router();
  const audit = (req: Request, action: string, target: { type: string; id: string }, changes: FieldChanges) =>
    recordFieldChanges({ actor: options.actorOf(req), action, target, requestId: String(req.id ?? '') }, changes);
  const choices = async () => ({ methods: INSPECTION_METHODS, kinds: ITEM_KINDS, departments: await departmentOptions() });

  router.get('/admin/items', async (_req, res) => {
    res.render('admin/items/list', { items: await listItems() });
  });

  router.get('/admin/items/:code/edit', async (req, res) => {
    const item = await getItem(req.params.code as string);
    res.render('admin/items/edit', { item, old: { ...item, requiredQualification: item.requiredQualification ?? '' }, choices: await choices(), fieldErrors: {} });
  });

  router.post('/admin/items/:code', async (req, res) => {
    const code = req.params.code as string;
    try {
      const { changes } = await updateItem(code, req.body);
      await audit(req, 'item.update', { type: 'item', id: code }, changes);
      res.redirect(303, '/admin/items');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const old = { ...req.body, methods: [req.body?.methods ?? []].flat() };
      res.status(422).render('admin/items/edit', { item: await getItem(code), old, choices: await choices(), fieldErrors: error.fields });
    }
  });

  for (const [path, active] of [['deactivate', false], ['activate', true]] as const) {
    router.post(`/admin/items/:code/${path}`, async (req, res) => {
      const code = req.params.code as string;
      if (await setItemActive(code, active)) await audit(req, `item.${path}`, { type: 'item', id: code }, { active: { from: !active, to: active } });
      res.redirect(303, '/admin/items');
    });
  }

  router.get('/admin/dictionaries', async (_req, res) => {
    const lists = await Promise.all(DICTIONARIES.map(async (name) => ({ name, entries: await listDictionary(name) })));
    res.render('admin/dictionaries/index', { lists, fieldErrors: {}, failedDictionary: undefined, old: {} });
  });

  router.post('/admin/dictionaries/:dictionary', async (req, res) => {
    const dictionary = dictionaryName(req.params.dictionary as string);
    try {
      const { code } = await addEntry(dictionary, req.body);
      await audit(req, 'dictionary.add', { type: dictionary, id: code }, { label: { from: null, to: req.body.label } });
      res.redirect(303, '/admin/dictionaries');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const lists = await Promise.all(DICTIONARIES.map(async (name) => ({ name, entries: await listDictionary(name) })));
      res.status(422).render('admin/dictionaries/index', { lists, fieldErrors: error.fields, failedDictionary: dictionary, old: req.body ?? {} });
    }
  });

  router.post('/admin/dictionaries/:dictionary/:code', async (req, res) => {
    const dictionary = dictionaryName(req.params.dictionary as string);
    const code = req.params.code as string;
    try {
      const { changes } = await updateEntry(dictionary, code, req.body);
      await audit(req, 'dictionary.update', { type: dictionary, id: code }, changes);
      res.redirect(303, '/admin/dictionaries');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const lists = await Promise.all(DICTIONARIES.map(async (name) => ({ name, entries: await listDictionary(name) })));
      res.status(422).render('admin/dictionaries/index', { lists, fieldErrors: error.fields, failedDictionary: dictionary, old: {} });
    }
  });
  return router;
}
