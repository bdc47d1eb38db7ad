// The hot pages do not scale with the collection: the home page reads kept figures (counted once,
// recounted in the background when old or marked stale), and list pages make one query with a
// capped look-ahead instead of counting every match. Operations are observed through Mongoose's
// debug hook, so "no count per request" is checked, not assumed.
import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { MarketEntity } from '../../models/index.js';
import { RosterFigures } from '../../models/roster-figures.js';
import { setEntityActive } from '../../server/rosters/entity-admin.js';
import {
  FIGURES_MAX_AGE_MS, FIGURES_MIN_INTERVAL_MS, refreshRosterFigures, rosterFigures, settleRosterFigures,
} from '../../server/rosters/roster-figures.js';
import { testApp } from '../helpers/app.js';
import { signInAs } from '../helpers/auth.js';
import { createEntity, createInspector, entityFields } from '../helpers/factories.js';

/** The Mongoose operations `work` makes, as "collection.method". */
async function operationsOf(work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  mongoose.set('debug', (collection: string, method: string) => void seen.push(`${collection}.${method}`));
  try {
    await work();
  } finally {
    mongoose.set('debug', false);
  }
  return seen;
}

const stat = (html: string, name: string) => Number(new RegExp(`data-value="(\\d+)" data-stat="${name}"`).exec(html)?.[1]);

describe('hot pages', () => {
  afterEach(async () => {
    await settleRosterFigures(); // no recount may outlive its test
  });

  describe('the home page figures', () => {
    it('GET /, on a database that never counted, counts once; later views read the kept figures without counting', async () => {
      const app = testApp();
      await createEntity();
      await createEntity({ status: '注销' });
      await createInspector();
      const first = await request(app).get('/').expect(200);
      expect([stat(first.text, 'entities'), stat(first.text, 'drawable'), stat(first.text, 'inspectors')]).to.deep.equal([2, 1, 1]);
      await createEntity(); // written behind the use cases' back, like an import
      const ops = await operationsOf(() => request(app).get('/').expect(200));
      expect(ops.filter((op) => /count|aggregate/i.test(op)), 'counts during a view').to.deep.equal([]);
      expect(ops.filter((op) => op.startsWith('marketentities') || op.startsWith('inspectors')), 'roster reads during a view').to.deep.equal([]);
    });

    it('when the figures are older than the maximum age, a view shows them and recounts in the background', async () => {
      await createEntity();
      const t0 = new Date('2026-11-27T08:00:00Z');
      expect((await rosterFigures({ now: () => t0 })).entities).to.equal(1);
      await createEntity();
      const fresh = new Date(t0.getTime() + FIGURES_MAX_AGE_MS - 1000);
      expect((await rosterFigures({ now: () => fresh })).entities, 'within the maximum age').to.equal(1);
      await settleRosterFigures();
      const old = new Date(t0.getTime() + FIGURES_MAX_AGE_MS + 1000);
      const shown = await rosterFigures({ now: () => old });
      expect(shown.entities, 'the view does not wait for the recount').to.equal(1);
      await settleRosterFigures();
      const after = await rosterFigures({ now: () => old });
      expect(after.entities).to.equal(2);
      expect(after.asOf.getTime()).to.equal(old.getTime());
    });

    it('a use case that removes an entity marks the figures stale, and the next view recounts', async () => {
      const entity = await createEntity();
      await createEntity();
      await refreshRosterFigures(() => new Date(Date.now() - 10 * FIGURES_MIN_INTERVAL_MS));
      expect((await RosterFigures.findOne({ key: 'home' }).lean())?.drawable).to.equal(2);
      await setEntityActive(entity.creditCode, false, { actor: { kind: 'cli', label: 'test' } });
      const marked = await RosterFigures.findOne({ key: 'home' }).lean();
      expect(marked?.dirtyAt?.getTime()).to.be.greaterThan(marked!.computedAt.getTime());
      expect((await rosterFigures()).drawable, 'shown while recounting').to.equal(2);
      await settleRosterFigures();
      const after = await rosterFigures();
      expect([after.entities, after.drawable]).to.deep.equal([2, 1]);
    });

    it('a recount that started before the stored figures were counted never replaces them', async () => {
      await createEntity();
      const later = new Date('2026-11-27T09:00:00Z');
      await refreshRosterFigures(() => later);
      await createEntity();
      await refreshRosterFigures(() => new Date('2026-11-27T08:59:00Z')); // an older, slower instance
      const stored = await RosterFigures.find({ key: 'home' }).lean();
      expect(stored).to.have.length(1);
      expect(stored[0]!.entities).to.equal(1);
      expect(stored[0]!.computedAt.getTime()).to.equal(later.getTime());
    });
  });

  describe('list pages', () => {
    const REGION = '若水镇';
    const many = async (n: number) => {
      await MarketEntity.insertMany(Array.from({ length: n }, () => ({ ...entityFields({ region: REGION }), active: true })), { lean: true });
    };

    it('GET /admin/entities with more than 1,000 matches says "1,000+", links the next page, and makes one query without counting', async () => {
      await many(1030);
      await refreshRosterFigures(); // kept figures (and the region list) exist on a live system
      const admin = await signInAs(testApp(), 'admin');
      let page: request.Response | undefined;
      const ops = await operationsOf(async () => {
        page = await admin.agent.get(`/admin/entities?region=${encodeURIComponent(REGION)}`).expect(200);
      });
      expect(page!.text).to.include('共 1,000+ 条').and.include('第 1 / 40+ 页').and.include('rel="next"');
      expect(ops.filter((op) => op.startsWith('marketentities'))).to.deep.equal(['marketentities.find']);
      const api = await admin.agent.get(`/api/v1/admin/entities?region=${encodeURIComponent(REGION)}&page=41`).expect(200);
      expect(api.body.entities).to.have.length(25);
      expect(api.body.page).to.deep.equal({ page: 41, pages: 41, total: 1025, totalExact: false, hasNext: true });
      const last = await admin.agent.get(`/api/v1/admin/entities?region=${encodeURIComponent(REGION)}&page=42`).expect(200);
      expect(last.body.entities).to.have.length(5);
      expect(last.body.page).to.deep.equal({ page: 42, pages: 42, total: 1030, totalExact: true, hasNext: false });
    });

    it('pages in credit-code order without overlap, and a page past the end shows the first page', async () => {
      await many(60);
      const admin = await signInAs(testApp(), 'admin');
      const codes: string[] = [];
      for (const n of [1, 2, 3]) {
        const res = await admin.agent.get(`/api/v1/admin/entities?region=${encodeURIComponent(REGION)}&page=${n}`).expect(200);
        codes.push(...res.body.entities.map((e: { creditCode: string }) => e.creditCode));
        expect(res.body.page.total).to.equal(60);
      }
      expect(codes).to.deep.equal([...codes].sort()).and.have.length(60);
      expect(new Set(codes).size).to.equal(60);
      const past = await admin.agent.get(`/admin/entities?region=${encodeURIComponent(REGION)}&page=9`).expect(200);
      expect(past.text).to.include('共 60 条').and.include('第 1 / 3 页').and.include(codes[0] as string);
    });
  });
});
