// Owns the Mongoose connection: safe query defaults, index creation before serving, following
// the database's availability (server/db/availability.ts), and the readiness probe of /readyz.
import mongoose from 'mongoose';
import { UnavailableError } from '../errors.js';
import { HEARTBEAT_MS, isDatabaseUnreachable, watchAvailability } from './availability.js';

// No query operator may ever come from user input: sanitizeFilter wraps `$`-keys found in
// filters in $eq; strictQuery drops filter paths the schema does not know. Operators the code
// itself writes (ranges, anchored searches) are marked with mongoose.trusted(…).
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

// An operation that fails because the database is unreachable fails as UnavailableError (503),
// whichever route or job issued it: requests that were already under way when the database
// went away are answered like those that arrive after (server/middleware/database-availability.ts).
// Applies to models compiled after this module loads (models/ are imported after it).
const OPERATIONS = [
  'aggregate', 'bulkWrite', 'countDocuments', 'deleteMany', 'deleteOne', 'distinct', 'estimatedDocumentCount', 'find',
  'findOne', 'findOneAndDelete', 'findOneAndReplace', 'findOneAndUpdate', 'insertMany', 'replaceOne', 'save', 'updateMany', 'updateOne',
];
mongoose.plugin((schema) => {
  const toUnavailable = (error: unknown, _result: unknown, next: (error?: unknown) => void) =>
    next(isDatabaseUnreachable(error) ? new UnavailableError('The database is unreachable; retry shortly.') : error);
  schema.post(OPERATIONS as never, toUnavailable as never);
});

let stopWatching: (() => void) | undefined;

/**
 * How long an operation waits for a usable server. A request that passed the availability gate
 * just before the database was lost may wait this long twice (its first attempt, then its one
 * retryable-read retry) before the error page; every later request is answered by the gate
 * without waiting. 300 ms keeps that worst case well under the second the issue allows (500 ms
 * gave 1,043 ms once in CI); a healthy topology selects a server at once, whatever this is.
 */
export const SERVER_SELECTION_MS = 300;
/** How long the first connection may take (a remote MONGODB_URI: DNS, TLS, election). */
const FIRST_CONNECT_MS = 15_000;

// Operations issued while Mongoose knows the connection is down wait this long, not 10 s.
mongoose.set('bufferTimeoutMS', SERVER_SELECTION_MS);

export async function connectDatabase(uri: string): Promise<typeof mongoose> {
  const deadline = Date.now() + FIRST_CONNECT_MS;
  for (;;) {
    try {
      await connectOnce(uri);
      break;
    } catch (error) {
      if ((error as Error).name !== 'MongooseServerSelectionError' || Date.now() > deadline) throw error;
    }
  }
  stopWatching?.();
  stopWatching = watchAvailability(mongoose.connection.getClient());
  await ensureIndexes();
  return mongoose;
}

async function connectOnce(uri: string): Promise<void> {
  await mongoose.connect(uri, {
    serverSelectionTimeoutMS: SERVER_SELECTION_MS,
    heartbeatFrequencyMS: HEARTBEAT_MS,
    autoIndex: false,
    // Collections are created by ensureIndexes, one at a time, never by Mongoose in parallel
    // as models initialise: on mongo-java-server two clients creating and indexing the same
    // new collection at once can fail ("Unknown error") and leave a wrong index list.
    autoCreate: false,
  });
}

/**
 * Creates every registered model's collection and declared indexes before traffic arrives,
 * strictly one after another (see autoCreate above).
 */
export async function ensureIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) {
    await model.createCollection().catch((error: { code?: number }) => {
      if (error.code !== 48) throw error; // 48: NamespaceExists
    });
    await model.createIndexes();
  }
}

export async function disconnectDatabase(): Promise<void> {
  stopWatching?.();
  stopWatching = undefined;
  await mongoose.disconnect();
}

/** True when the database answers a ping within the timeout. */
export async function isDatabaseReady(timeoutMs = 2000): Promise<boolean> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== 1 || !db) return false;
  const ping = db.admin().command({ ping: 1 }).then(
    () => true,
    () => false,
  );
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
  return Promise.race([ping, timeout]);
}
