// The back-office region filter offers the regions the roster holds (it offered the demo
// county's six townships whatever the data), read from the kept roster figures: no
// whole-collection scan per page view.
import { expect } from 'chai';
import { signInAs } from '../helpers/auth.js';
import { testApp } from '../helpers/app.js';
import { createEntity } from '../helpers/factories.js';
import { RosterFigures } from '../../models/roster-figures.js';
import { settleRosterFigures } from '../../server/rosters/roster-figures.js';

describe('the region filter of /admin/entities', () => {
  it('GET /admin/entities offers the distinct regions of the roster, sorted, and none of the demo townships', async () => {
    await createEntity({ region: '芷江镇' });
    await createEntity({ region: '安江镇' });
    await createEntity({ region: '芷江镇' });
    const admin = await signInAs(app(), 'admin');
    // Nothing kept yet on a fresh database: the page does not wait for a count, it starts one.
    expect(regionsOffered((await admin.agent.get('/admin/entities').expect(200)).text)).to.deep.equal([]);
    await settleRosterFigures();
    const page = await admin.agent.get('/admin/entities').expect(200);
    expect(regionsOffered(page.text)).to.deep.equal(['安江镇', '芷江镇']);
    expect(page.text).to.not.include('横岩乡');
    expect((await RosterFigures.findOne({ key: 'home' }).lean())?.regions).to.deep.equal(['安江镇', '芷江镇']);
  });

  it('figures kept before regions were kept are recounted in the background, the page meanwhile offers what was kept', async () => {
    await createEntity({ region: '沅河镇' });
    await RosterFigures.create({ key: 'home', entities: 1, drawable: 1, inspectors: 0, items: 0, computedAt: new Date(Date.now() - 10_000) });
    const admin = await signInAs(app(), 'admin');
    await admin.agent.get('/admin/entities').expect(200);
    await settleRosterFigures();
    const page = await admin.agent.get('/admin/entities').expect(200);
    expect(page.text).to.include('<option value="沅河镇"');
  });
});

function regionsOffered(html: string): string[] {
  const select = /<select[^>]*name="region"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1] ?? '';
  return [...select.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1] as string);
}

function app() {
  return testApp();
}
