// The verification page of a draw (GET /announcements/:task/runs/:run) and its server-side
// verification (POST …/verify): what it shows of a published drawn list (sources with their
// checks, commitment and secret, pool, selections, teams as inspector IDs, recusals), what it
// withholds when the list is not published, a redo's two draws with the reason, the frozen pool
// downloads, and the first difference of a tampered record in zh-CN and English.
import { expect } from 'chai';
import request from 'supertest';
import { AnnouncementChunk, DrawnEntity, DrawRun, Inspector } from '../../../models/index.js';
import { drawAnnouncement } from '../../../server/plans/draws.js';
import { announceDepartmentTeams } from '../../../server/plans/teams.js';
import { inspectorFields } from '../../helpers/factories.js';
import { poolDigest, type EntityInput } from '../../../server/draw/index.js';
import { drawRecord } from '../../../server/plans/drawn-list.js';
import { ROUNDS, supervisor } from '../plans/support.js';
import { drawnWorld, lockAndRecuse, RAW_KEY, redo, type DrawnWorld } from './support.js';

/** The verification result shown on a page (not the templates the browser fills). */
function verdictOf(html: string): string {
  return /<div id="draw-verify-result" aria-live="polite">([\s\S]*?)<\/div>\s*<template/.exec(html)?.[1] ?? '';
}

/** Posts a record file to the page's upload form (multipart), as a browser without JavaScript does. */
function upload(world: DrawnWorld, text: string, lang: 'zh-CN' | 'en' = 'zh-CN') {
  return request(world.app).post(`${world.page}/verify?lang=${lang}`).attach('record', Buffer.from(text, 'utf8'), { filename: 'draw.json', contentType: 'application/json' });
}

describe('the verification page of a draw', () => {
  let world: DrawnWorld | undefined;
  afterEach(async () => { await world?.relay.close(); world = undefined; });

  it('GET, for a published list, shows the announcement, the drand value with its signature checked, commitment and secret, the pool, selections, teams by inspector ID and each recusal — and no inspector names', async () => {
    world = await drawnWorld();
    const recusal = await lockAndRecuse(world);
    const page = (await request(world.app).get(world.page).expect(200)).text;
    expect(page).to.contain(world.announcement.digest);
    const round = ROUNDS.find((r) => r.round === 30662982)!;
    expect(page).to.contain(round.randomness);
    expect(page).to.contain(round.signature);
    expect(page).to.match(/data-check="ok">有效：本页用 drand quicknet 的公钥重新校验了该轮签名/);
    expect(page).to.match(/<code data-reveal>[0-9a-f]{64}<\/code>/);
    expect(page).to.contain('一致：该秘密的 SHA-256 等于公告中的承诺');
    expect(page).to.contain('ssj-draw/2');
    expect(page).to.contain('data-pool="csv"');
    expect(page.match(/data-row="selected"/g)).to.have.length(5);
    expect(page.match(/data-row="alternate"/g)).to.have.length(2);
    // The list is the supervisors' (views/partials/drawn-list.ejs); here its team column, as a phone shows each cell's label too, says the teams are roster IDs.
    expect(page.match(/<td data-label="检查组（人员编号）">/g)).to.have.length(7);
    // Each drawn entity, and each team by the record's inspector IDs.
    for (const row of await DrawnEntity.find({ runKey: world.run.key }).lean()) {
      expect(page).to.contain(row.creditCode);
      if (row.team.length > 0) expect(page).to.contain(row.team.join('、'));
    }
    const recused = /<tr data-recusal="1">([\s\S]*?)<\/tr>/.exec(page)![1]!;
    for (const fact of [recusal.creditCode, recusal.out, recusal.replacement, recusal.reason, '检查人员申报']) expect(recused).to.contain(fact);
    for (const inspector of await Inspector.find().select('name').lean()) expect(page).not.to.contain(inspector.name);
    expect(page).to.contain(`npm run verify-draw -- draw-1.json --announcement-digest ${world.announcement.digest}`);
    expect(page).to.contain('data-slot-single');
    for (const lang of ['zh-CN', 'en']) {
      const res = await request(world.app).get(`${world.page}?lang=${lang}`).expect(200);
      expect(RAW_KEY.exec(res.text)?.[0], lang).to.equal(undefined);
    }
    expect((await request(world.app).get(`${world.page}?lang=en`).expect(200)).text).to.contain('valid: this page checked the round&#39;s signature again');
    // Served through the public cache, with validators: the same request again is a hit, a 304 with its ETag.
    const again = await request(world.app).get(`${world.page}?lang=en`).expect(200);
    expect(again.headers['x-public-cache']).to.equal('hit');
    await request(world.app).get(`${world.page}?lang=en`).set('If-None-Match', String(again.headers.etag)).expect(304);
  });

  it('POST verify without a body verifies the published record on the server against the announcement digest, recusals replayed', async () => {
    world = await drawnWorld();
    await lockAndRecuse(world);
    const zh = verdictOf((await request(world.app).post(`${world.page}/verify`).expect(200)).text);
    expect(zh).to.contain('data-verdict="ok"');
    expect(zh).to.contain('由服务器重新计算了此次抽取公布的记录');
    expect(/data-field="recusals">(\d+)</.exec(zh)?.[1]).to.equal('1');
    expect(/data-field="announcementDigest"><code>([0-9a-f]{64})</.exec(zh)?.[1]).to.equal(world.announcement.digest);
    const en = verdictOf((await request(world.app).post(`${world.page}/verify?lang=en`).expect(200)).text);
    expect(en).to.contain('Verified: the recomputation matches the record exactly');
  });

  it('POST verify with an uploaded record: a tampered pick, a changed announcement and a file that is not JSON each show the first difference in zh-CN and English; no file answers 422', async () => {
    world = await drawnWorld();
    const { record } = await drawRecord(world.run.key, null);
    const genuine = JSON.stringify(record);
    const ok = verdictOf((await upload(world, genuine).expect(200)).text);
    expect(ok).to.contain('data-verdict="ok"');
    expect(ok).to.contain('由服务器重新计算了您上传的记录');
    expect(verdictOf((await request(world.app).get(world.page).expect(200)).text).trim()).to.equal('');

    // A pick swapped for an alternate: the recomputation differs at that pick.
    const picked = JSON.parse(genuine) as typeof record;
    const stratum = picked.strata[0]!;
    const [first] = stratum.selected;
    stratum.selected[0] = stratum.alternates[0]!;
    const zh = verdictOf((await upload(world, JSON.stringify(picked)).expect(200)).text);
    expect(zh).to.contain('data-verdict="fail"');
    expect(zh).to.contain('验证未通过');
    expect(zh).to.contain('第一处不同');
    expect(zh).to.contain('重新计算的结果与记录不同');
    expect(zh).to.match(/data-field="path"><code>strata\[0\]\.selected\[0\]<\/code>/);
    expect(zh).to.contain(`<code>&#34;${first}&#34;</code>`);
    const en = verdictOf((await upload(world, JSON.stringify(picked), 'en').expect(200)).text);
    expect(en).to.contain('Verification failed');
    expect(en).to.contain('First difference at');
    expect(en).to.contain('the recomputation differs from the record');

    // The quota changed in the announcement and everything recomputed: the digest gives it away.
    const announced = JSON.parse(genuine) as typeof record;
    (announced.announcement!.strata[0]!.quota as { count: number }).count = 6;
    const changed = verdictOf((await upload(world, JSON.stringify(announced)).expect(200)).text);
    expect(changed).to.contain('PUBLISHED_MISMATCH');
    expect(changed).to.contain('记录中的公告与抽取前公布的公告摘要不符');
    expect(changed).to.contain(world.announcement.digest);

    const notJson = verdictOf((await upload(world, '{"spec": ', 'en').expect(200)).text);
    expect(notJson).to.contain('not a valid draw record');
    expect(notJson).to.contain('(the whole record)');

    const none = await request(world.app).post(`${world.page}/verify`).field('x', 'y').expect(422);
    expect(none.text).to.contain('field-error');
  });

  it('the frozen pool downloads as CSV and JSON, in its frozen order, and its JSON recomputes the announced pool digest', async () => {
    world = await drawnWorld();
    const json = await request(world.app).get(`${world.page}/pool.json`).expect(200);
    const body = JSON.parse(json.text) as { announcementDigest: string; pool: { digest: string; size: number }; entities: EntityInput[] };
    expect(body.announcementDigest).to.equal(world.announcement.digest);
    expect(body.entities).to.have.length(20);
    expect(poolDigest(body.entities)).to.equal(body.pool.digest);
    const chunk = (await AnnouncementChunk.findOne({ digest: world.announcement.digest, kind: 'pool', seq: 0 }).lean())!;
    expect(body.entities.map((e) => e.creditCode)).to.deep.equal((chunk.items as EntityInput[]).map((e) => e.creditCode));
    const csv = await request(world.app).get(`${world.page}/pool.csv`).expect(200);
    expect(csv.headers['content-type']).to.match(/^text\/csv/);
    const lines = csv.text.trim().split(/\r?\n/);
    // (supertest drops the byte-order mark when it decodes the text)
    expect(lines[0]!.replace(/^\uFEFF/, '')).to.equal('序号,统一社会信用代码,名称,登记状态,信用风险分类,行业,区域,专项库,最近检查日期');
    expect(lines).to.have.length(21);
    expect(lines[1]!.startsWith(`1,${body.entities[0]!.creditCode},`)).to.equal(true);
  });

  it('for a task that does not publish its drawn list, shows the announcement, sources and counts but no entity or inspector, says why, and refuses the record, the pool and the server check (403); a record its holder uploads still verifies', async () => {
    world = await drawnWorld({ publishList: false }, { lottery: true });
    const page = (await request(world.app).get(world.page).expect(200)).text;
    expect(page).to.contain(world.announcement.digest);
    expect(page).to.contain('data-record-unavailable');
    expect(page).to.contain('该任务不公开抽取名单');
    expect(page).not.to.contain('data-record>');
    expect(page).not.to.contain('id="draw-verify-form"');
    expect(page).not.to.contain('data-row=');
    expect(page).to.contain('此次抽取共抽中 5 户，备选 2 户，检查组 5 个，回避 0 次。');
    for (const row of await DrawnEntity.find({ runKey: world.run.key }).lean()) {
      expect(page).not.to.contain(row.creditCode);
      for (const id of row.team) expect(page).not.to.contain(`>${id}<`);
    }
    for (const inspector of await Inspector.find().select('inspectorId').lean()) expect(page).not.to.contain(inspector.inspectorId);
    // The lottery: the result used and both entries, without who entered them.
    expect(/data-lottery-result>([^<]*)</.exec(page)?.[1]).to.equal('314');
    expect(page.match(/（2026-07-24 21:30:00 录入）/g)).to.have.length(2);
    expect(page).not.to.contain('陈录入');
    expect(page).not.to.contain('王录入');
    await request(world.app).get(`${world.page}/record.json`).expect(403);
    await request(world.app).get(`${world.page}/pool.csv`).expect(403);
    await request(world.app).get(`${world.page}/pool.json`).expect(403);
    await request(world.app).post(`${world.page}/verify`).expect(403);
    // The department holds the record: checked here against the published announcement.
    const { record } = await drawRecord(world.run.key, { actor: { kind: 'cli', label: 'test' }, role: 'supervisor', departmentCode: 'HJ-SCJG' });
    const checked = (await upload(world, JSON.stringify(record)).expect(200)).text;
    expect(verdictOf(checked)).to.contain('data-verdict="ok"');
    expect(checked).not.to.contain(record.strata[0]!.selected[0]!);
  });

  it('a redone draw: each draw\'s page lists both draws of the slot with the reason, the first says it was superseded and links the redo', async () => {
    world = await drawnWorld();
    const second = await redo(world, '名录库导入有误，抽取池不完整');
    const first = (await request(world.app).get(world.page).expect(200)).text;
    expect(first).to.contain('data-superseded');
    const redoPage = `/announcements/${world.task._id.toString()}/runs/${second._id.toString()}`;
    expect(first).to.contain(`href="${redoPage}"`);
    expect(first).to.contain('重新抽取理由：名录库导入有误，抽取池不完整');
    const later = (await request(world.app).get(redoPage).expect(200)).text;
    expect(later).to.contain('data-slot-run="1"');
    expect(later).to.contain('data-slot-run="2"');
    expect(later).to.contain(`href="${world.page}"`);
    expect(later).to.contain('名录库导入有误，抽取池不完整');
    expect(later).not.to.contain('data-superseded');
    expect(verdictOf((await request(world.app).post(`${redoPage}/verify`).expect(200)).text)).to.contain('data-verdict="ok"');
    expect(verdictOf((await request(world.app).post(`${world.page}/verify`).expect(200)).text)).to.contain('data-verdict="ok"');
  });

  it('a joint task\'s department team draw has its own verification page: the teams by inspector ID, verified against its own announcement', async () => {
    await Inspector.insertMany(Array.from({ length: 6 }, () => inspectorFields({ departmentCode: 'HJ-WJ' })));
    world = await drawnWorld({ joint: true, participatingDepartments: ['HJ-WJ'] });
    const wei = { ...supervisor('魏', 'HJ-WJ') };
    world.clock.set('2026-07-23T07:38:31Z');
    const teams = await announceDepartmentTeams(world.run.key, 'HJ-WJ', wei, world.settings);
    world.clock.set('2026-07-23T07:39:02Z');
    const outcome = await drawAnnouncement(teams, wei, world.settings, 'schedule');
    expect(outcome.state).to.equal('complete');
    const teamRun = (await DrawRun.findOne({ announcementId: teams._id }).lean())!;
    const teamPage = `/announcements/${world.task._id.toString()}/runs/${teamRun._id.toString()}`;
    const html = (await request(world.app).get(teamPage).expect(200)).text;
    expect(html).to.contain(teams.digest);
    expect(html.match(/data-row="team"/g)).to.have.length(5);
    for (const row of await DrawnEntity.find({ runKey: teamRun.key }).lean()) expect(html).to.contain(row.team.join('、'));
    expect(RAW_KEY.exec(html)?.[0]).to.equal(undefined);
    const verdict = verdictOf((await request(world.app).post(`${teamPage}/verify`).expect(200)).text);
    expect(verdict).to.contain('data-verdict="ok"');
    expect(verdict).to.contain(teams.digest);
  });

  it('an unknown draw, a draw of another task and a malformed id answer 404', async () => {
    world = await drawnWorld();
    const task = world.task._id.toString();
    await request(world.app).get(`/announcements/${task}/runs/0123456789abcdef01234567`).expect(404);
    await request(world.app).get(`/announcements/0123456789abcdef01234567/runs/${world.run._id.toString()}`).expect(404);
    await request(world.app).get(`/announcements/not-an-id/runs/${world.run._id.toString()}`).expect(404);
    await request(world.app).post(`/announcements/${task}/runs/0123456789abcdef01234567/verify`).expect(404);
  });
});
