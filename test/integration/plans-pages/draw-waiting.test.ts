// Why a due draw waits, shown where people look: the draw job's fetch is saved (DrawCheck) and
// logged when it is a problem, the task status names the reason by code, and the task page —
// also after a refused 立即抽取 — says it in the reader's language, never in the engine's English.
import { expect } from 'chai';
import { Types } from 'mongoose';
import { DrawCheck, DrawRun, Task } from '../../../models/index.js';
import { drawJob, logDriveReport } from '../../../jobs/draws.js';
import type { Logger } from '../../../server/logger.js';
import { taskStatus } from '../../../server/plans/status.js';
import { signInAs } from '../../helpers/auth.js';
import { fakeRelay, seedWorld, settingsWith, supervisor, testClock } from '../plans/support.js';
import { location, pagesApp, PLAN_FIELDS, post, supervisorOf, taskFields } from './support.js';

interface Logged { level: 'warn' | 'info'; fields: Record<string, unknown>; message: string }

/** A logger that keeps what the job says (the job calls child() once, then warn/info). */
function recordingLogger(): { logger: Logger; logged: Logged[] } {
  const logged: Logged[] = [];
  const sink = {
    warn: (fields: Record<string, unknown>, message: string) => { logged.push({ level: 'warn', fields, message }); },
    info: (fields: Record<string, unknown>, message: string) => { logged.push({ level: 'info', fields, message }); },
  };
  return { logger: { child: () => sink } as unknown as Logger, logged };
}

const ENGINE_ENGLISH = /no relay served a valid round|the signature is not|The draw cannot start yet/;

describe('why a draw waits', () => {
  it('a relay serving a tampered signature: the job saves and logs the check once, the task status names the bad signature and the zh-CN page says it in Chinese, also after 立即抽取', async () => {
    const liar = await fakeRelay({ tamper: true });
    try {
      await seedWorld({ entities: 10, inspectors: 4 });
      const { app, clock } = pagesApp([liar.url], '2026-07-23T07:30:00Z');
      const settings = settingsWith(clock, [liar.url]);
      const chen = await supervisorOf(app);
      const planPath = location(await post(chen, '/plans', PLAN_FIELDS).expect(303));
      await post(chen, `${planPath}/publish`, {}).expect(303);
      const task = location(await post(chen, '/tasks', taskFields(planPath.split('/').pop()!, { lotteryGame: '' })).expect(303));
      await post(chen, `${task}/announce`, {}).expect(303);
      const taskId = task.split('/').pop()!;
      const { logger, logged } = recordingLogger();
      const job = drawJob(settings, logger);

      // Before the draw time: plain waiting — nothing fetched, saved or warned about.
      await job.run();
      expect(await DrawCheck.countDocuments()).to.equal(0);
      expect(logged.filter((l) => l.level === 'warn')).to.deep.equal([]);
      const before = (await chen.agent.get(task).expect(200)).text;
      expect(before).to.contain('抽取时间 2026-07-23 15:39:00');
      expect(before).not.to.contain('data-reason="drand');

      clock.set('2026-07-23T07:39:10Z');
      await job.run();
      expect(liar.hits).to.include(30662992);
      const warnings = logged.filter((l) => l.level === 'warn');
      expect(warnings).to.have.length(1);
      expect(warnings[0]!.message).to.contain('drand.bad_signature');
      expect(JSON.stringify(warnings[0]!.fields)).to.match(/the signature is not/);
      const check = (await DrawCheck.findOne().lean())!;
      expect(check.trigger).to.equal('schedule');
      expect(check.at.toISOString()).to.equal('2026-07-23T07:39:10.000Z');
      expect(check.sources.map((s) => [s.type, s.state, s.code])).to.deep.equal([['drand', 'invalid', 'drand.bad_signature']]);
      expect(await DrawRun.countDocuments()).to.equal(0);

      const status = await taskStatus(taskId, supervisor('chen'), settings);
      expect(status.pending[0]!.sources.map((s) => [s.state, s.code])).to.deep.equal([['invalid', 'drand.bad_signature']]);
      expect(status.pending[0]!.checkedAt?.toISOString()).to.equal('2026-07-23T07:39:10.000Z');

      const zh = (await chen.agent.get(task).expect(200)).text;
      expect(zh).to.contain('data-reason="drand.bad_signature"');
      expect(zh).to.contain('drand 第 30662992 轮：无效');
      expect(zh).to.contain('中继返回的签名未通过 BLS 验证');
      expect(zh).to.contain('2026-07-23 15:39:10 检查');
      expect(zh).not.to.match(ENGINE_ENGLISH);
      const en = (await chen.agent.get(`${task}?lang=en`).expect(200)).text;
      expect(en).to.contain('the relays served a signature that fails BLS verification');
      expect(en).not.to.match(ENGINE_ENGLISH);
      // The supervisor's start page lists the task with the same reason.
      expect((await chen.agent.get('/supervisor?lang=zh-CN').expect(200)).text).to.contain('中继返回的签名未通过 BLS 验证');

      // The same problem again: saved (newer time), not warned again.
      clock.set('2026-07-23T07:39:25Z');
      await job.run();
      expect(logged.filter((l) => l.level === 'warn')).to.have.length(1);
      const again = (await DrawCheck.findOne().lean())!;
      expect([again.at.toISOString(), again.changedAt.toISOString()]).to.deep.equal(['2026-07-23T07:39:25.000Z', '2026-07-23T07:39:10.000Z']);

      // 立即抽取 is refused with the reason in Chinese (zh-CN) and English (en), never the use case's message.
      const refused = (await post(chen, `${task}/draw`, { announcementId: check.announcementId.toString() }).expect(409)).text;
      expect(refused).to.contain('暂不能抽取');
      expect(refused).to.match(/data-refusal-reason>drand 第 30662992 轮：中继返回的签名未通过 BLS 验证/);
      expect(refused).not.to.match(ENGINE_ENGLISH);
      const refusedEn = (await post(chen, `${task}/draw`, { announcementId: check.announcementId.toString() }, 'en').expect(409)).text;
      expect(refusedEn).to.match(/data-refusal-reason>[^<]*the relays served a signature that fails BLS verification/);
      expect(refusedEn).not.to.match(ENGINE_ENGLISH);
      expect((await DrawCheck.findOne().lean())!.trigger).to.equal('request');
      expect(await DrawRun.countDocuments()).to.equal(0);
      expect((await Task.findById(taskId).lean())!.status).to.equal('待抽取');
    } finally {
      await liar.close();
    }
  });

  it('no relay answering: the check says unreachable, a restart logs it once more, and a task page read by an observer shows it too', async () => {
    await seedWorld({ entities: 10, inspectors: 4 });
    const { app, clock } = pagesApp(['http://127.0.0.1:9'], '2026-07-23T07:30:00Z');
    const settings = settingsWith(clock, ['http://127.0.0.1:9']);
    const chen = await supervisorOf(app);
    const planPath = location(await post(chen, '/plans', PLAN_FIELDS).expect(303));
    await post(chen, `${planPath}/publish`, {}).expect(303);
    const task = location(await post(chen, '/tasks', taskFields(planPath.split('/').pop()!, { lotteryGame: '' })).expect(303));
    await post(chen, `${task}/announce`, {}).expect(303);
    clock.set('2026-07-23T07:39:10Z');
    const { logger, logged } = recordingLogger();
    await drawJob(settings, logger).run();
    expect(logged.filter((l) => l.level === 'warn').map((l) => l.message)).to.deep.equal(['draw job: a due draw waits: drand.unreachable']);
    // A new process (its first run is the start-up run) says it again, once.
    const restarted = recordingLogger();
    const job = drawJob(settings, restarted.logger);
    clock.set('2026-07-23T07:39:25Z');
    await job.run();
    clock.set('2026-07-23T07:39:40Z');
    await job.run();
    expect(restarted.logged.filter((l) => l.level === 'warn')).to.have.length(1);
    const observer = await signInAs(app, 'observer');
    const page = (await observer.agent.get(task).expect(200)).text;
    expect(page).to.contain('无法连接任何 drand 中继');
    expect(page).not.to.contain('no drand relay answered');
  });

  it('DrawCheck, a second check of the same announcement inserted, is refused by its unique index (11000)', async () => {
    const fields = { announcementId: new Types.ObjectId(), taskId: new Types.ObjectId(), key: 'k1', trigger: 'schedule' as const, at: new Date(), changedAt: new Date(), sources: [] as never[] };
    await DrawCheck.create(fields);
    expect(await DrawCheck.create({ ...fields, key: 'k2' }).then(() => 'stored twice', (e: { code?: number }) => e.code)).to.equal(11000);
  });

  it('logDriveReport, for a task that cannot be announced, warns with the problem', async () => {
    const { logger, logged } = recordingLogger();
    await logDriveReport({ recovered: 0, announced: [], drawn: [], waiting: [], problems: ['T-1: the plan is not published'] }, logger.child({}), { startup: false });
    expect(logged).to.deep.equal([{ level: 'warn', fields: { problem: 'T-1: the plan is not published' }, message: 'draw job: a task cannot be announced' }]);
  });
});
