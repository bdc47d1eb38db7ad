// One "app instance" for the audit chain tests, run as a child process: connects to MONGODB_URI,
// says "ready", waits for a line on stdin (so that every instance starts at once), then chains
// the events written before the chain and appends APPEND_COUNT entries concurrently, and prints
// {"chained": n}.
import mongoose from 'mongoose';
import { once } from 'node:events';
import '../../models/index.js';
import { chainLegacyEvents, recordAudit } from '../../server/audit/chain.js';

const uri = process.env.MONGODB_URI;
if (!uri) throw new Error('MONGODB_URI is required');
const count = Number(process.env.APPEND_COUNT ?? '10');
const writer = process.env.WRITER ?? 'writer';

// No index creation here: the test process made the collection and its indexes.
await mongoose.connect(uri, { autoIndex: false, autoCreate: false });
process.stdout.write('ready\n');
await once(process.stdin, 'data');
const [chained] = await Promise.all([
  chainLegacyEvents({ batchSize: 2 }),
  ...Array.from({ length: count }, (_, i) => recordAudit({ actor: { kind: 'system', label: writer }, action: 'test.append', target: { type: 'writer', id: `${writer}-${i}` } })),
]);
process.stdout.write(`${JSON.stringify({ chained })}\n`);
process.stdin.destroy();
await mongoose.disconnect();
