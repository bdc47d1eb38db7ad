// Owns the admin pages of the editable lists: the inspection-item list and the result /
// follow-up dictionaries. Thin: forms go through server/http/forms.ts; server/rosters/
// catalog-admin.ts writes and audits.
import { Router, type Request, type Response } from 'express';
import { DICTIONARIES, INSPECTION_METHODS, ITEM_KINDS } from '../../models/index.js';
import { attempt, readForm, renderForm, type FormProblem } from '../http/forms.js';
import { changeContext } from '../auth/actor.js';
import { setFlash, takeFlash } from '../auth/session.js';
import {
  addEntry, dictionaryName, entryEditSchema, getItem, itemEditSchema, itemEditValues, listDictionary, listItems, newEntrySchema, setItemActive, updateEntry, updateItem,
  type DictionaryName,
} from '../rosters/catalog-admin.js';
import { departmentOptions } from '../rosters/departments.js';
import { ADMIN } from '../access/rules.js';
import { mount } from './mount.js';

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

const choices = async () => ({ methods: INSPECTION_METHODS, kinds: ITEM_KINDS, departments: await departmentOptions() });
const allLists = () => Promise.all(DICTIONARIES.map(async (name) => ({ name, entries: await listDictionary(name) })));

function itemsAdminRouter(): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    res.render('admin/items/list', { items: await listItems(), notice: takeFlash(req) });
  });

  router.get('/:code/edit', async (req, res) => {
    const item = await getItem(req.params.code);
    renderForm(res, 'admin/items/edit', { item, values: itemEditValues(item), choices: await choices() });
  });

  router.post('/:code', async (req, res) => {
    const code = req.params.code;
    const form = readForm(itemEditSchema, req.body, { multiline: ['legalBasis', 'content'] });
    const outcome = form.ok ? await attempt(() => updateItem(code, form.value, changeContext(req))) : form;
    if (!outcome.ok) return renderForm(res, 'admin/items/edit', { item: await getItem(code), values: req.body, choices: await choices() }, outcome);
    setFlash(req, 'flash.saved');
    res.redirect(303, '/admin/items');
  });

  for (const [path, active] of [['deactivate', false], ['activate', true]] as const) {
    router.post(`/:code/${path}`, async (req: Request<{ code: string }>, res) => {
      await setItemActive(req.params.code, active, changeContext(req));
      res.redirect(303, '/admin/items');
    });
  }
  return router;
}

/** The dictionaries page; after a failed form, `failedForm` ('<dictionary>/<code>' or '<dictionary>/new') says which one keeps its values and messages. */
async function renderDictionaries(res: Response, locals: { failedForm?: string; values?: Record<string, unknown>; notice?: string | undefined } = {}, problem?: FormProblem) {
  renderForm(res, 'admin/dictionaries/index', { lists: await allLists(), failedForm: undefined, ...locals }, problem);
}

function dictionariesAdminRouter(): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    await renderDictionaries(res, { notice: takeFlash(req) });
  });

  router.post('/:dictionary', async (req, res) => {
    const dictionary: DictionaryName = dictionaryName(req.params.dictionary);
    const form = readForm(newEntrySchema, req.body);
    const outcome = form.ok ? await attempt(() => addEntry(dictionary, form.value, changeContext(req))) : form;
    if (!outcome.ok) return renderDictionaries(res, { failedForm: `${dictionary}/new`, values: req.body }, outcome);
    setFlash(req, 'flash.entry.added');
    res.redirect(303, '/admin/dictionaries');
  });

  router.post('/:dictionary/:code', async (req, res) => {
    const dictionary = dictionaryName(req.params.dictionary);
    const code = req.params.code;
    const form = readForm(entryEditSchema, req.body);
    const outcome = form.ok ? await attempt(() => updateEntry(dictionary, code, form.value, changeContext(req))) : form;
    if (!outcome.ok) return renderDictionaries(res, { failedForm: `${dictionary}/${code}`, values: req.body }, outcome);
    setFlash(req, 'flash.saved');
    res.redirect(303, '/admin/dictionaries');
  });
  return router;
}
