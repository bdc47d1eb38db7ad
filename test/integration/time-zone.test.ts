// Dates on pages are in TIME_ZONE (Asia/Shanghai in tests), the same on every page: the import
// list showed UTC ("09:15:40" for a run started at 17:15:40 Beijing time) while the other
// pages showed Beijing time.
import { expect } from 'chai';
import { ENTITY_HEADER } from '../helpers/sample-files.js';
import { signInAs } from '../helpers/auth.js';
import { testApp } from '../helpers/app.js';
import { ImportRun } from '../../models/import-run.js';

describe('dates shown in TIME_ZONE', () => {
  it('GET /admin/imports shows when a run started in Beijing time, not UTC', async () => {
    const app = testApp();
    const admin = await signInAs(app, 'admin');
    const csv = Buffer.from(`${ENTITY_HEADER.join(',')}\n`, 'utf8');
    const started = await admin.agent.post('/api/v1/imports/entities').set('X-CSRF-Token', admin.csrf)
      .attach('file', csv, 'empty.csv').expect(202);
    const run = await ImportRun.findById(started.body.runId).lean();
    const at = run!.startedAt;
    const beijing = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    const utc = at.toISOString().slice(0, 19).replace('T', ' ');
    const page = await admin.agent.get('/admin/imports').expect(200);
    expect(page.text).to.include(beijing);
    expect(page.text).to.not.include(utc);
  });
});
