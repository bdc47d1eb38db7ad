// Every query the app makes has an index (docs/QUERIES.md, test/integration/query-catalogue.ts):
// the index is declared and exists on whatever server the tests attach to, the documented table
// matches the catalogue, and — on a server with a query planner (MongoDB) — explain() shows the
// winning plan is no collection scan and the declared index serves the query. FerretDB and
// mongo-java-server have no such planner (FerretDB answers explain without MongoDB's plan
// stages, mongo-java-server refuses it); there the plan tests are skipped, saying so.
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { PROJECT_ROOT } from '../../server/paths.js';
import { testDatabase } from '../helpers/test-db.js';
import { CATALOGUE, type CatalogueEntry } from './query-catalogue.js';

function explainCommand(entry: CatalogueEntry): Record<string, unknown> {
  const collection = mongoose.model(entry.model).collection.collectionName;
  const { filter } = entry;
  switch (entry.op) {
    case 'find':
      return { find: collection, filter, ...(entry.sort ? { sort: entry.sort } : {}), ...(entry.limit ? { limit: entry.limit } : {}) };
    case 'count': // what countDocuments sends
      return { aggregate: collection, pipeline: [{ $match: filter }, { $group: { _id: 1, n: { $sum: 1 } } }], cursor: {} };
    case 'update':
      return { update: collection, updates: [{ q: filter, u: { $set: { explained: true } } }] };
    case 'delete':
      return { delete: collection, deletes: [{ q: filter, limit: 0 }] };
  }
}

async function explain(entry: CatalogueEntry): Promise<Record<string, unknown>> {
  return mongoose.connection.db!.command({ explain: explainCommand(entry), verbosity: 'queryPlanner' });
}

/** Stages and index names under every `key` object (winningPlan, or rejectedPlans) of an explain output. */
function planFacts(output: unknown, key: 'winningPlan' | 'rejectedPlans'): { stages: string[]; indexes: string[] } {
  const facts = { stages: [] as string[], indexes: [] as string[] };
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(collect);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.stage === 'string') facts.stages.push(record.stage);
    if (typeof record.indexName === 'string') facts.indexes.push(record.indexName);
    Object.values(record).forEach(collect);
  };
  const find = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(find);
    if (!node || typeof node !== 'object') return;
    for (const [name, value] of Object.entries(node as Record<string, unknown>)) {
      if (name === key) collect(value);
      else find(value);
    }
  };
  find(output);
  return facts;
}

/** Why this server's explain() cannot be checked, or undefined when it has MongoDB's planner. */
async function noPlannerReason(): Promise<string | undefined> {
  try {
    const output = await explain(CATALOGUE.find((entry) => entry.id === 'entities.by-code')!);
    if (planFacts(output, 'winningPlan').stages.length > 0) return undefined;
    return `explain() answered without a MongoDB query plan (${Object.keys(output).join(', ')})`;
  } catch (error) {
    return `explain() is refused: ${(error as Error).message.split('\n')[0]}`;
  }
}

describe('query plans: every query the app makes has its index', () => {
  it('each catalogued index is declared on its model and exists on the attached server', async () => {
    for (const entry of CATALOGUE.filter((e) => e.index !== null)) {
      const model = mongoose.model(entry.model);
      const names = (await model.collection.indexes()).map((index) => index.name);
      expect(names, `${entry.id}: ${entry.model} has no index ${entry.index}`).to.include(entry.index);
    }
  });

  it('docs/QUERIES.md lists every catalogued query with the same index, and no other', async () => {
    const doc = await readFile(join(PROJECT_ROOT, 'docs', 'QUERIES.md'), 'utf8');
    const rows = new Map<string, string>();
    for (const line of doc.split('\n')) {
      const cells = line.split('|').map((cell) => cell.trim());
      const idCell = /^`([a-z-]+\.[a-z-]+)`$/.exec(cells[1] ?? '');
      if (idCell) rows.set(idCell[1] as string, cells[cells.length - 2] as string);
    }
    for (const entry of CATALOGUE) {
      expect(rows.has(entry.id), `docs/QUERIES.md has no row for ${entry.id}`).to.equal(true);
      const expected = entry.index === null ? 'none (whole collection)' : `\`${entry.index}\``;
      expect(rows.get(entry.id), `index of ${entry.id} in docs/QUERIES.md`).to.equal(expected);
    }
    expect([...rows.keys()].filter((id) => !CATALOGUE.some((entry) => entry.id === id)), 'rows without a catalogue entry').to.deep.equal([]);
  });

  describe('explain() on the attached server', () => {
    let skipReason: string | undefined;
    before(async () => {
      skipReason = await noPlannerReason();
      if (skipReason) console.log(`      SKIPPED on ${testDatabase().kind}: ${skipReason}; the plans are checked where MONGODB_URI or MONGOD_BIN names a real MongoDB`);
    });

    for (const entry of CATALOGUE) {
      const title = entry.index === null
        ? `${entry.id} reads its small collection whole, by design`
        : `${entry.id} is served by ${entry.index}, not a collection scan`;
      it(title, async function () {
        if (skipReason) this.skip();
        const output = await explain(entry);
        const winning = planFacts(output, 'winningPlan');
        expect(winning.stages, `${entry.id}: no winning plan in ${JSON.stringify(output).slice(0, 300)}`).to.not.be.empty;
        if (entry.index === null) return;
        expect(winning.stages, `${entry.id} scans the collection: ${winning.stages.join(' < ')}`).to.not.include('COLLSCAN');
        if (entry.index === '_id_' && winning.stages.some((stage) => /IDHACK|EXPRESS/.test(stage))) return;
        const considered = [...winning.indexes, ...planFacts(output, 'rejectedPlans').indexes];
        expect(considered, `${entry.id}: the planner did not consider ${entry.index} (won: ${winning.indexes.join(', ')})`).to.include(entry.index);
      });
    }
  });
});
