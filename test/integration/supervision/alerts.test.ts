// The supervision alerts (/supervision/alerts) against the real app and database: each kind of
// alert is raised by the data that should raise it and not by its near miss, observers see
// every department and supervisors only their own, and the recurring-pair statistic agrees
// with a binomial tail computed here independently (exact rational sum with BigInt).
import { expect } from 'chai';
import { Types } from 'mongoose';
import { DrawnEntity } from '../../../models/draw-run.js';
import { Inspector } from '../../../models/inspector.js';
import { Task } from '../../../models/task.js';
import { binomialUpperTail } from '../../../server/supervision/binomial.js';
import { ALPHA, recurringPairs } from '../../../server/supervision/pairs.js';
import { testApp } from '../../helpers/app.js';
import { ensureDepartment, signInAs } from '../../helpers/auth.js';
import { inspectorFields, uniqueCreditCode } from '../../helpers/factories.js';
import { insertInspection } from '../statistics/fixtures.js';

const NOW = new Date('2026-11-30T04:00:00Z'); // 2026-11-30, a Monday, Beijing

let order = 0;
async function drawn(creditCode: string, departmentCode: string, extra: Record<string, unknown> = {}): Promise<void> {
  order += 1;
  await DrawnEntity.create({
    _id: `run-${order}|${creditCode}`, runKey: `run-${order}`, taskId: new Types.ObjectId(), departmentCode, inspectionType: '日常', year: 2026,
    drawnOn: '2026-03-02', creditCode, name: `主体${creditCode.slice(-4)}`, stratumId: 'all', role: 'selected', order, team: [], ...extra,
  });
}

/** P(X ≥ k), X ~ Binomial(n, p) with p = a/b, exactly (BigInt), as a float. */
function exactTail(k: number, n: number, a: bigint, b: bigint): number {
  let num = 0n;
  let choose = 1n; // C(n, i), built up from i = 0
  for (let i = 0; i <= n; i += 1) {
    if (i > 0) choose = (choose * BigInt(n - i + 1)) / BigInt(i);
    if (i >= k) num += choose * a ** BigInt(i) * (b - a) ** BigInt(n - i);
  }
  const den = b ** BigInt(n);
  // Scale to keep precision in the float division.
  const scale = 10n ** 30n;
  return Number((num * scale) / den) / 1e30;
}

describe('GET /supervision/alerts', () => {
  it('as an observer, lists every kind of alert across departments, and not the near misses', async () => {
    await ensureDepartment('HJ-SCJG', '洪江区市场监督管理局');
    await ensureDepartment('HJ-WJ', '洪江区卫生健康局');
    // Caps (defaults 4 per department, 8 overall): X drawn 5 times by one department; Y drawn 9
    // times by two departments but two rows are one joint visit (8 visits: not beyond); Z 9 visits.
    const [x, y, z, near] = [uniqueCreditCode(), uniqueCreditCode(), uniqueCreditCode(), uniqueCreditCode()];
    for (let i = 0; i < 5; i += 1) await drawn(x, 'HJ-SCJG');
    for (let i = 0; i < 4; i += 1) await drawn(near, 'HJ-SCJG'); // at the cap, not beyond
    for (let i = 0; i < 9; i += 1) await drawn(y, i < 4 ? 'HJ-SCJG' : 'HJ-WJ', i === 3 || i === 4 ? { jointVisit: 'jv-1' } : {});
    for (let i = 0; i < 9; i += 1) await drawn(z, i < 4 ? 'HJ-SCJG' : 'HJ-WJ');
    for (let i = 0; i < 3; i += 1) await drawn(z, 'HJ-WJ', { inspectionType: '线索核查' }); // exempt: never counted
    // Repeats: R inspected 30 days after an earlier inspection, inside the later task's 90-day window; S 120 days after.
    const task = await Task.collection.insertOne({ number: 'T-W', name: 'w', planKey: 'P', departmentCode: 'HJ-SCJG', targeting: '不定向', inspectionType: '日常', inspectionDate: '2026-06-01', status: '已抽取', repeatWindowDays: 90 });
    const [r, s] = [uniqueCreditCode(), uniqueCreditCode()];
    await insertInspection({ creditCode: r, inspectionDate: '2026-05-01', state: 'closed' });
    await insertInspection({ creditCode: r, inspectionDate: '2026-05-31', state: 'assigned' }).then((id) => Task.db.collection('inspections').updateOne({ _id: id as never }, { $set: { taskId: task.insertedId } }));
    await insertInspection({ creditCode: s, inspectionDate: '2026-01-01', state: 'closed' });
    await insertInspection({ creditCode: s, inspectionDate: '2026-05-01', state: 'assigned' }).then((id) => Task.db.collection('inspections').updateOne({ _id: id as never }, { $set: { taskId: task.insertedId } }));
    // Check-ins: one filed on certificates 10 days later (beyond 3 working days), one approved and never checked in past its due day.
    const late = uniqueCreditCode();
    await insertInspection({ creditCode: late, state: 'checked_in', checkIn: { via: 'certificate', day: '2026-03-02', lateReason: '现场无网络，无法扫码', filedAt: new Date('2026-03-12T02:00:00Z'), inspectors: ['T1', 'T2'] } });
    const missing = uniqueCreditCode();
    await insertInspection({ creditCode: missing, state: 'approved', departmentCode: 'HJ-WJ' });
    // Publication: one submitted result past its due day; one published after its due day; one on time.
    const overdue = uniqueCreditCode();
    await insertInspection({ creditCode: overdue, state: 'submitted' }).then((id) => Task.db.collection('inspections').updateOne({ _id: id as never }, { $set: { publishDueOn: '2026-11-20', resultOn: '2026-10-22' } }));
    const publishedLate = uniqueCreditCode();
    await insertInspection({ creditCode: publishedLate, completedOn: '2026-04-01', publishedOn: '2026-05-20', publishDueOn: '2026-04-29' });
    await insertInspection({ creditCode: uniqueCreditCode(), completedOn: '2026-04-01', publishedOn: '2026-04-10', publishDueOn: '2026-04-29' });

    const observer = await signInAs(testApp({ now: () => NOW }), 'observer', { departmentCode: 'HJ-WJ' });
    const page = await observer.agent.get('/supervision/alerts?year=2026').expect(200);
    const html = page.text;
    const section = (name: string) => new RegExp(`data-alerts="${name}"[\\s\\S]*?</section>`).exec(html)?.[0] ?? '';
    expect(section('caps')).to.include(`data-credit-code="${x}" data-kind="department"`);
    expect(section('caps')).to.include(`data-credit-code="${z}" data-kind="overall"`);
    expect(section('caps')).to.not.include(near);
    expect(section('caps')).to.not.include(`data-credit-code="${y}" data-kind="overall"`);
    expect(section('repeats')).to.include(r);
    expect(section('repeats')).to.not.include(s);
    expect(section('check-ins')).to.include(late);
    expect(section('check-ins')).to.include('现场无网络，无法扫码');
    expect(section('check-ins')).to.include('超过补报期限');
    expect(section('check-ins')).to.include(missing); // another department: observers see it
    expect(section('publication')).to.include(overdue);
    expect(section('publication')).to.include(publishedLate);
    expect(html).to.not.match(/>\s*(supervision|stats)\.[a-zA-Z]/);
    const posts = [...html.matchAll(/<form[^>]*method="post"[^>]*action="([^"]+)"/g)].map((m) => m[1]);
    expect(posts.filter((action) => action !== '/logout')).to.deep.equal([]); // nothing to act on but signing out

    // A supervisor of HJ-SCJG sees their department only, whatever the query asks.
    const chen = await signInAs(testApp({ now: () => NOW }), 'supervisor', { departmentCode: 'HJ-SCJG' });
    const own = await chen.agent.get('/supervision/alerts?year=2026&department=HJ-WJ').expect(200);
    expect(own.text).to.include(late);
    expect(own.text).to.not.include(missing);
    // Inspectors and admins have no alerts page.
    const inspector = await signInAs(testApp(), 'inspector');
    await inspector.agent.get('/supervision/alerts').expect(403);
  });

  it('flags the inspector pair that recurs far beyond chance, with the tail probability computed independently, and no other pair', async () => {
    await ensureDepartment('HJ-SCJG');
    const roster = Array.from({ length: 10 }, () => inspectorFields({ departmentCode: 'HJ-SCJG' }));
    await Inspector.insertMany(roster);
    const ids = roster.map((i) => i.inspectorId);
    // 24 teams of two and 2 of three: the pair (0, 1) 8 times; the other teams rotate through distinct pairs.
    const teams: string[][] = [];
    for (let i = 0; i < 8; i += 1) teams.push([ids[0]!, ids[1]!]);
    const others: string[][] = [];
    for (let a = 2; a < 10; a += 1) for (let b = a + 1; b < 10; b += 1) others.push([ids[a]!, ids[b]!]);
    teams.push(...others.slice(0, 16), [ids[2]!, ids[5]!, ids[9]!], [ids[3]!, ids[6]!, ids[8]!]);
    for (const team of teams) await insertInspection({ creditCode: uniqueCreditCode(), team });
    const alerts = await recurringPairs(2026, 'HJ-SCJG');
    expect(alerts.map((a) => a.inspectors)).to.deep.equal([[ids[0], ids[1]].sort()]);
    const [alert] = alerts;
    const n = teams.length;
    const size = roster.length;
    // p̄ = Σ k(k−1) / (T·N(N−1)), as a fraction for the exact tail.
    const num = BigInt(teams.reduce((sum, t) => sum + t.length * (t.length - 1), 0));
    const den = BigInt(n * size * (size - 1));
    expect(alert!.expected).to.be.closeTo((n * Number(num)) / Number(den), 1e-9);
    expect(alert!.tail).to.be.closeTo(exactTail(8, n, num, den), 1e-15);
    expect(alert!.threshold).to.be.closeTo(ALPHA / ((size * (size - 1)) / 2), 1e-15);
    // The page shows it with its numbers.
    const chen = await signInAs(testApp({ now: () => NOW }), 'supervisor', { departmentCode: 'HJ-SCJG' });
    const page = await chen.agent.get('/supervision/alerts?year=2026').expect(200);
    expect(page.text).to.include(`data-pair="${[ids[0], ids[1]].sort().join('+')}"`);
    expect(page.text).to.include('data-observed="8"');
  });

  it('binomialUpperTail agrees with the exact sum for small and skewed cases', () => {
    for (const [k, n, a, b] of [[0, 5, 1, 2], [3, 10, 1, 3], [7, 30, 1, 45], [12, 40, 1, 2], [40, 40, 1, 2]] as const) {
      expect(binomialUpperTail(k, n, Number(a) / Number(b)), `${k}/${n}`).to.be.closeTo(exactTail(k, n, BigInt(a), BigInt(b)), 1e-12);
    }
  });
});
