// Mocha root hooks: one database for the whole run, emptied after every test.
import { attachTestDatabase, clearCollections, detachTestDatabase } from './test-db.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    // The very first run on a fresh machine builds FerretDB (a few minutes).
    this.timeout(20 * 60_000);
    await attachTestDatabase();
  },
  async afterEach() {
    await clearCollections();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await detachTestDatabase();
  },
};
