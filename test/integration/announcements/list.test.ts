// The public list of task announcements (GET /announcements): newest first, 20 a page with the
// shared pager, each row linking to its task's announcement and, once drawn, to the draw's
// verification page; a bad page number shows the first page; no raw catalogue key in either
// language; the task page links each draw's verification page.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { Announcement } from '../../../models/index.js';
import { testApp } from '../../helpers/app.js';
import { drawnWorld, RAW_KEY, type DrawnWorld } from './support.js';

const rowIds = (html: string) => [...html.matchAll(/data-announcement-row="([0-9a-f]{24})"/g)].map((m) => m[1]);

describe('the list of task announcements', () => {
  let world: DrawnWorld | undefined;
  afterEach(async () => { await world?.relay.close(); world = undefined; });

  it('GET /announcements, with no announcement, says so', async () => {
    const res = await request(testApp()).get('/announcements').expect(200);
    expect(res.text).to.contain('data-empty');
    expect(res.text).to.contain('尚无抽查任务公告。');
  });

  it('GET /announcements lists every announcement newest first, 20 a page, each linking its task page and, once drawn, its verification page', async () => {
    world = await drawnWorld();
    const task = world.task._id.toString();
    // 24 later announcements of further slots of the same task (not drawn).
    const later = Array.from({ length: 24 }, (_, i) => {
      const slot = new Date(Date.parse('2026-08-01T02:00:00Z') + i * 86_400_000);
      return {
        key: `${task}|${slot.toISOString()}|1`, taskId: world!.task._id, slot, attempt: 1, drawAt: slot, digest: randomBytes(32).toString('hex'), text: 'ssj-announcement/2\n{}',
        poolChunks: 0, rosterChunks: 0, phase: 'entities' as const, exclusions: {}, announcedAt: new Date(slot.getTime() - 3_600_000),
      };
    });
    for (const doc of later) await Announcement.create(doc);
    const newestFirst = (await Announcement.find().sort({ _id: -1 }).select('_id').lean()).map((a) => a._id.toString());
    expect(newestFirst.at(-1)).to.equal(world.announcement._id.toString());

    const first = (await request(world.app).get('/announcements').expect(200)).text;
    expect(rowIds(first)).to.deep.equal(newestFirst.slice(0, 20));
    expect(first).to.contain('共 25 条公告');
    expect(first).to.contain('href="/announcements?page=2"');
    expect(first).to.contain(`href="/announcements/${task}#a-${newestFirst[0]}"`);
    expect(first).to.contain(later[23]!.digest.slice(0, 16));
    expect(first).not.to.contain('data-link="draw-page"');

    const second = (await request(world.app).get('/announcements?page=2').expect(200)).text;
    expect(rowIds(second)).to.deep.equal(newestFirst.slice(20));
    expect(second).to.contain('rel="prev"');
    expect(second).to.contain(`href="/announcements/${task}/runs/${world.run._id.toString()}"`);

    expect(rowIds((await request(world.app).get('/announcements?page=abc').expect(200)).text)).to.deep.equal(newestFirst.slice(0, 20));
    expect(rowIds((await request(world.app).get('/announcements?page=99').expect(200)).text)).to.deep.equal(newestFirst.slice(0, 20));
    for (const lang of ['zh-CN', 'en']) {
      const res = await request(world.app).get(`/announcements?lang=${lang}`).expect(200);
      expect(RAW_KEY.exec(res.text)?.[0], lang).to.equal(undefined);
    }
    expect((await request(world.app).get('/announcements?lang=en').expect(200)).text).to.contain('25 announcements');
  });

  it('GET /announcements/:task links each draw to its verification page', async () => {
    world = await drawnWorld();
    const page = (await request(world.app).get(`/announcements/${world.task._id.toString()}`).expect(200)).text;
    expect(page).to.contain(`href="/announcements/${world.task._id.toString()}/runs/${world.run._id.toString()}" data-link="draw-page"`);
  });
});
