// Owns where sessions live: an express-session Store on the Session model, and the purge of
// expired sessions and old login attempts that the scheduler runs. Expired sessions are
// refused on read whatever the purge does, so its interval only bounds disk use.
// (connect-mongo was considered: it needs a connected MongoClient when the app is built, and
// its TTL index cannot be created on FerretDB; a Mongoose-backed store has neither issue.)
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import session from 'express-session';
import { Session } from '../../models/session.js';
import { LoginAttempt } from '../../models/login-attempt.js';

/** Sessions whose expiry moves less than this are not rewritten on every request. */
const TOUCH_GRANULARITY_MS = 60_000;
/** Login attempts are kept this long as a record of who tried to get in. */
export const LOGIN_ATTEMPT_RETENTION_MS = 90 * 86_400_000;

const storageId = (sid: string) => createHash('sha256').update(sid).digest('base64url');

function expiryOf(data: session.SessionData, fallbackMs: number): Date {
  const expires = data.cookie?.expires;
  return expires ? new Date(expires) : new Date(Date.now() + fallbackMs);
}

type Callback<T = void> = (error?: unknown, value?: T) => void;

/** Runs a promise and hands its outcome to an express-session callback. */
function settle<T>(promise: Promise<T>, callback?: Callback<T>): void {
  promise.then((value) => callback?.(undefined, value), (error: unknown) => callback?.(error));
}

export class MongooseSessionStore extends session.Store {
  constructor(private readonly fallbackMaxAgeMs = 2 * 3_600_000) {
    super();
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    const read = Session.findOne({ _id: storageId(sid), expires: mongoose.trusted({ $gt: new Date() }) }, { data: 1 }).lean();
    read.then(
      (doc) => callback(null, doc ? (JSON.parse(doc.data) as session.SessionData) : null),
      (error: unknown) => callback(error),
    );
  }

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    const userId = data.userId && mongoose.isValidObjectId(data.userId) ? data.userId : undefined;
    // A session without a user has nothing worth keeping: browsing anonymously writes nothing,
    // whatever a page or middleware puts into req.session.
    if (!userId) {
      callback?.();
      return;
    }
    const doc = { data: JSON.stringify(data), expires: expiryOf(data, this.fallbackMaxAgeMs) };
    settle(Session.updateOne({ _id: storageId(sid) }, { $set: { ...doc, userId } }, { upsert: true }).then(() => undefined), callback);
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    settle(Session.deleteOne({ _id: storageId(sid) }).then(() => undefined), callback);
  }

  /** Extends an unchanged session (rolling expiry) at most once a minute per session. */
  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    const expires = expiryOf(data, this.fallbackMaxAgeMs);
    const stale = new Date(expires.getTime() - TOUCH_GRANULARITY_MS);
    const write = Session.updateOne({ _id: storageId(sid), expires: mongoose.trusted({ $lt: stale }) }, { $set: { expires } });
    settle(write.then(() => undefined), () => callback?.());
  }
}

export interface PurgeCounts {
  sessions: number;
  loginAttempts: number;
}

/**
 * Deletes expired sessions and login attempts past retention. The scheduled job calls this on
 * every database (no TTL index anywhere), so the path tested on FerretDB is the production one.
 */
export async function purgeExpiredAuthData(now = new Date()): Promise<PurgeCounts> {
  const sessions = await Session.deleteMany({ expires: mongoose.trusted({ $lte: now }) });
  const attempts = await LoginAttempt.deleteMany({ at: mongoose.trusted({ $lt: new Date(now.getTime() - LOGIN_ATTEMPT_RETENTION_MS) }) });
  return { sessions: sessions.deletedCount, loginAttempts: attempts.deletedCount };
}
