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
import { ADMIN } from '../access/rules.js';
import { mount, type FeatureDeps } from './mount.js';

// The item list and the dictionaries are the admin's.
export const itemsAdminMount = mount({
  path: '/admin/items',
  rules: {
    'GET /': ADMIN,
    'GET /:code/edit': ADMIN,
    'POST /:code': ADMIN,
    'POST /:code/deactivate': ADMIN,
    'POST /:code/activate': ADMIN,
  },
  router: itemsAdminRouter,
});

export const dictionariesAdminMount = mount({
  path: '/admin/dictionaries',
  rules: {
    'GET /': ADMIN,
    'POST /:dictionary': ADMIN,
    'POST /:dictionary/:code': ADMIN,
  },
  router: dictionariesAdminRouter,
});

type Audit = (req: Request, action: string, target: { type: string; id: string }, changes: FieldChanges) => Promise<unknown>;

function auditWith(actorOf: (req: Request) => AuditActor): Audit {
  return (req, action, target, changes) => recordFieldChanges({ actor: actorOf(req), action, target, requestId: String(req.id ?? '') }, changes);
}

const choices = async () => ({ methods: INSPECTION_METHODS, kinds: ITEM_KINDS, departments: await departmentOptions() });
const allLists = () => Promise.all(DICTIONARIES.map(async (name) => ({ name, entries: await listDictionary(name) })));

function itemsAdminRouter({ actorOf }: FeatureDeps): Router {
  const router = Router();
  const audit = auditWith(actorOf);

  router.get('/', async (_req, res) => {
    res.render('admin/items/list', { items: await listItems() });
  });

  router.get('/:code/edit', async (req, res) => {
    const item = await getItem(req.params.code);
    res.render('admin/items/edit', { item, old: { ...item, requiredQualification: item.requiredQualification ?? '' }, choices: await choices(), fieldErrors: {} });
  });

  router.post('/:code', async (req, res) => {
    const code = req.params.code;
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
    router.post(`/:code/${path}`, async (req: Request<{ code: string }>, res) => {
      const code = req.params.code;
      if (await setItemActive(code, active)) await audit(req, `item.${path}`, { type: 'item', id: code }, { active: { from: !active, to: active } });
      res.redirect(303, '/admin/items');
    });
  }
  return router;
}

function dictionariesAdminRouter({ actorOf }: FeatureDeps): Router {
  const router = Router();
  const audit = auditWith(actorOf);

  router.get('/', async (_req, res) => {
    res.render('admin/dictionaries/index', { lists: await allLists(), fieldErrors: {}, failedDictionary: undefined, old: {} });
  });

  router.post('/:dictionary', async (req, res) => {
    const dictionary = dictionaryName(req.params.dictionary);
    try {
      const { code } = await addEntry(dictionary, req.body);
      await audit(req, 'dictionary.add', { type: dictionary, id: code }, { label: { from: null, to: req.body.label } });
      res.redirect(303, '/admin/dictionaries');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      res.status(422).render('admin/dictionaries/index', { lists: await allLists(), fieldErrors: error.fields, failedDictionary: dictionary, old: req.body ?? {} });
    }
  });

  router.post('/:dictionary/:code', async (req, res) => {
    const dictionary = dictionaryName(req.params.dictionary);
    const code = req.params.code;
    try {
      const { changes } = await updateEntry(dictionary, code, req.body);
      await audit(req, 'dictionary.update', { type: dictionary, id: code }, changes);
      res.redirect(303, '/admin/dictionaries');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      res.status(422).render('admin/dictionaries/index', { lists: await allLists(), fieldErrors: error.fields, failedDictionary: dictionary, old: {} });
    }
  });
  return router;
}
