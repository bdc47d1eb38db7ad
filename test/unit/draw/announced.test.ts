// Announced draws (ssj-draw/2): golden vector 2 byte for byte, and every announced parameter
// changed after the announcement — with the record recomputed to be self-consistent — caught
// by the announcement digest published before the draw.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  announcementDigest, canonicalRosterText, DrawError, freezeAnnouncement, recuse, runAnnouncedDraw, sourcesReady, verify,
  type Announcement, type DrawRecord, type FreezeParams, type RecordRandomness, type RecusalRequest, type VerifyResult,
} from '../../../server/draw/index.js';
import { FAST, creditCode, makePool, oneStratum, thrown } from './helpers/world.js';

const dir = new URL('../../fixtures/draw/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, dir), 'utf8');
const params = JSON.parse(read('vector-2.params.json')) as { freeze: FreezeParams; randomness: RecordRandomness; recusals: RecusalRequest[] };
const DIGEST = '91fdf03d754668e581fdee4ba0061aef43e2e20de2bb4c33e4b2f8abcf35ee7a';
const golden = (): DrawRecord => JSON.parse(read('vector-2.record.json')) as DrawRecord;
const published = { ...FAST, published: { announcementDigest: DIGEST } };

function failure(result: VerifyResult): Extract<VerifyResult, { ok: false }> {
  expect(result.ok, JSON.stringify(result)).to.equal(false);
  return result as Extract<VerifyResult, { ok: false }>;
}

/** Changes the announcement, then recomputes the whole record from it: self-consistent, but not what was announced. */
function reannounced(change: (p: FreezeParams) => void, randomness = params.randomness): DrawRecord {
  const p = structuredClone(params.freeze);
  change(p);
  const { announcement } = freezeAnnouncement(p, FAST);
  return JSON.parse(JSON.stringify(runAnnouncedDraw({ announcement, pool: p.pool, inspectors: p.assignment!.inspectors, randomness }, FAST))) as DrawRecord;
}

describe('announced draws (ssj-draw/2)', () => {
  it('vector-2, frozen, gives the published announcement text and digest byte for byte', () => {
    const frozen = freezeAnnouncement(params.freeze);
    expect(frozen.text).to.equal(read('vector-2.announcement.txt'));
    expect(frozen.digest).to.equal(DIGEST);
    expect(canonicalRosterText(params.freeze.assignment!.inspectors)).to.equal(read('vector-2.roster.txt'));
    expect(frozen.announcement.figures).to.include({ excludedAtCap: 2, excludedRecent: 4, excludedInactive: 6, drawable: 24 });
  });

  it('vector-2, drawn with its real drand rounds and its recusal replayed, serialises to the expected record byte for byte', () => {
    const { announcement } = freezeAnnouncement(params.freeze);
    let record = runAnnouncedDraw({ announcement, pool: params.freeze.pool, inspectors: params.freeze.assignment!.inspectors, randomness: params.randomness });
    for (const r of params.recusals) record = recuse(record, r);
    expect(JSON.stringify(record, null, 2) + '\n').to.equal(read('vector-2.record.json'));
    expect(record.announcementDigest).to.equal(DIGEST);
  });

  it('verify, on vector-2 with the published digest, matches and lists each source with its value', () => {
    const result = verify(golden(), published);
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    if (result.ok) {
      expect(result.summary).to.include({ spec: 'ssj-draw/2', announcementDigest: DIGEST, selected: 10, teams: 10, recusals: 1 });
      expect(result.summary.sources.join('\n')).to.contain('drand quicknet round 30662982').and.contain('福彩3D 2026-07-22: 073');
    }
  });

  it('verify, when any announced parameter was changed after the announcement and the record recomputed, fails on the published digest', () => {
    const changes: Array<[string, (p: FreezeParams) => void]> = [
      ['task id', (p) => { p.taskId = '2026-湘潭-岳塘-008'; }],
      ['a quota', (p) => { p.strata[1]!.quota = { ratio: 0.3, min: 3 }; }],
      ['the alternates', (p) => { p.strata[0]!.alternates = 1; }],
      ['the repeat window', (p) => { p.exclusions!.repeatWindowDays = 180; }],
      ['the entities at their cap', (p) => { p.exclusions!.atCap = ['91430302AEFNEGRWJX']; }],
      ['the pool', (p) => { p.pool = p.pool.slice(1); }],
      ['the inspector roster', (p) => { p.assignment!.inspectors = p.assignment!.inspectors.slice(1); }],
      ['the team size', (p) => { p.assignment!.teamSize = 3; }],
      ['the load limit', (p) => { p.assignment!.maxAssignmentsPerInspector = 4; }],
      ['the departments', (p) => { p.assignment!.allowedDepartments = ['市场监管局']; }],
      ['the inspection date', (p) => { p.inspectionDate = '2026-07-29'; }],
    ];
    for (const [what, change] of changes) {
      const record = reannounced(change);
      expect(verify(record, FAST).ok, `${what}: self-consistent without the published digest`).to.equal(true);
      const f = failure(verify(record, published));
      expect(f.code, what).to.equal('PUBLISHED_MISMATCH');
      expect(f.path, what).to.equal('announcement');
    }
  });

  it('verify, when the inspector-phase source (a later drand round) was swapped, fails on the digest; a forged value fails on its signature', () => {
    const quicknet = JSON.parse(read('drand-quicknet.json')) as { rounds: Array<{ round: number; signature: string; randomness: string }> };
    const { round, signature, randomness } = quicknet.rounds.find((r) => r.round === 30662992)!;
    const other = { round, signature, randomness };
    const swapped = reannounced(
      (p) => { p.randomness.inspectors = [{ type: 'drand', chain: p.randomness.entities[0]!.type === 'drand' ? p.randomness.entities[0]!.chain : '', round: 30662992, time: '2026-07-23T07:39:00Z' }]; },
      { ...params.randomness, inspectors: [{ type: 'drand', ...other }] },
    );
    expect(failure(verify(swapped, published)).code).to.equal('PUBLISHED_MISMATCH');
    const forged = golden();
    forged.randomness!.inspectors![0] = { type: 'drand', round: 30663002, signature: other.signature, randomness: other.randomness };
    const f = failure(verify(forged, FAST));
    expect(f.code).to.equal('SOURCE_INVALID');
    expect(f.path).to.equal('randomness.inspectors[0]');
  });

  it('verify, when the input was edited without touching the announcement, reports NOT_AS_ANNOUNCED at the edited field', () => {
    const r = golden();
    r.input.strata[2]!.alternates = 3;
    const f = failure(verify(r, published));
    expect(f.code).to.equal('NOT_AS_ANNOUNCED');
    expect(f.path).to.equal('input.strata[2].alternates');
    const s = golden();
    s.input.exclusions!.atCap = [];
    expect(failure(verify(s, published)).path).to.equal('input.exclusions.atCap[0]');
  });

  it('verify, with a published announcement digest, refuses an ssj-draw/1 record (no downgrade)', () => {
    const r = golden();
    const { announcement: _a, announcementDigest: _d, randomness: _r, ...rest } = r;
    const f = failure(verify({ ...rest, spec: 'ssj-draw/1' }, published));
    expect(f.code).to.equal('PUBLISHED_MISMATCH');
    expect(f.path).to.equal('spec');
  });

  it('runAnnouncedDraw, with another roster or pool than announced, refuses with NOT_AS_ANNOUNCED before drawing', () => {
    const { announcement } = freezeAnnouncement(params.freeze, FAST);
    const roster = params.freeze.assignment!.inspectors.map((i) => (i.id === 'X0001' ? { ...i, qualifications: [] } : i));
    const e = thrown(() => runAnnouncedDraw({ announcement, pool: params.freeze.pool, inspectors: roster, randomness: params.randomness }, FAST)) as DrawError;
    expect(e.code).to.equal('NOT_AS_ANNOUNCED');
    const pool = params.freeze.pool.map((x, i) => (i === 0 ? { ...x, riskClass: 'D' as const } : x));
    expect((thrown(() => runAnnouncedDraw({ announcement, pool, randomness: { ...params.randomness, inspectors: null } }, FAST)) as DrawError).code).to.equal('NOT_AS_ANNOUNCED');
  });

  it('runAnnouncedDraw, entities first and teams later, gives the same entities; the entity-only record verifies', () => {
    const { announcement } = freezeAnnouncement(params.freeze, FAST);
    const entitiesOnly = runAnnouncedDraw({ announcement, pool: params.freeze.pool, randomness: { ...params.randomness, inspectors: null } }, FAST);
    expect(entitiesOnly.assignment).to.equal(null);
    expect(entitiesOnly.strata).to.deep.equal(golden().strata);
    expect(verify(JSON.parse(JSON.stringify(entitiesOnly)), published).ok).to.equal(true);
  });

  it('freezeAnnouncement refuses a drand round published before the announcement, a lottery of the same day, no public source, or a secret alone', () => {
    const base = (): FreezeParams => structuredClone(params.freeze);
    const codeOf = (p: FreezeParams): string => (thrown(() => freezeAnnouncement(p, FAST)) as DrawError).code;
    const early = base();
    early.announcedAt = '2026-07-23T07:38:31Z';
    expect(codeOf(early)).to.equal('ANNOUNCEMENT_INVALID');
    const sameDay = base();
    sameDay.randomness.entities[1] = { type: 'lottery', game: 'fc3d', date: '2026-07-20' };
    expect(codeOf(sameDay)).to.equal('ANNOUNCEMENT_INVALID');
    const secretOnly = base();
    secretOnly.randomness.entities = [];
    expect(codeOf(secretOnly)).to.equal('ANNOUNCEMENT_INVALID');
    const wrongRound = base();
    wrongRound.randomness.entities[0] = { type: 'drand', chain: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971', round: 30662983, time: '2026-07-23T07:38:30Z' };
    expect(codeOf(wrongRound)).to.equal('ANNOUNCEMENT_INVALID');
  });

  it('an at-cap entity is excluded with that reason, counted per stratum, and must be in the pool', () => {
    const pool = makePool(20);
    const p: FreezeParams = {
      ...structuredClone(params.freeze), pool, strata: oneStratum({ count: 20 }), assignment: undefined,
      exclusions: { repeatWindowDays: 0, atCap: [creditCode(3), creditCode(1)] },
      randomness: { ...params.freeze.randomness, inspectors: null },
    };
    const { announcement } = freezeAnnouncement(p, FAST);
    expect(announcement.exclusions.atCap).to.deep.equal([creditCode(1), creditCode(3)]);
    expect(announcement.figures.strata[0]).to.include({ matched: 20, excludedAtCap: 2, drawable: 18, quota: 20, capped: true });
    const record = runAnnouncedDraw({ announcement, pool, randomness: { ...params.randomness, inspectors: null } }, FAST);
    expect(record.strata[0]!.selected).to.have.length(18).and.not.include(creditCode(1));
    const outside = { ...p, exclusions: { atCap: [creditCode(99)] } };
    expect((thrown(() => freezeAnnouncement(outside, FAST)) as DrawError).path).to.equal('exclusions.atCap');
  });

  it('sourcesReady says what the draw waits for, and refuses a bad value as invalid', () => {
    const a = golden().announcement as Announcement;
    const none = sourcesReady(a, 'entities', {});
    expect(none.ready).to.equal(false);
    expect(none.sources.map((s) => s.state)).to.deep.equal(['waiting', 'waiting', 'waiting']);
    const all = sourcesReady(a, 'inspectors', { ...params.randomness });
    expect(all.ready, JSON.stringify(all)).to.equal(true);
    const bad = sourcesReady(a, 'entities', { ...params.randomness, entities: [{ ...params.randomness.entities[0]!, round: 30662990 } as never, null] });
    expect(bad.sources.map((s) => s.state)).to.deep.equal(['invalid', 'waiting', 'ready']);
    expect(announcementDigest(a)).to.equal(DIGEST);
  });
});
