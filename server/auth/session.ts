// Owns the browser session: the cookie's settings, loading the signed-in user on each request
// (and ending a session that is too old, belongs to a disabled user or predates a password
// change), and starting and ending a session at login and logout. A session exists only for a
// signed-in user: anonymous visitors (the login form included, see csrf.ts) never get one.
import type { Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import { User, type UserRecord } from '../../models/user.js';
import { MongooseSessionStore } from './session-store.js';
import { toPublicUser, type PublicUser } from './users.js';

/** A session ends after 2 hours without a request… */
export const IDLE_TIMEOUT_MS = 2 * 3_600_000;
/** …and 12 hours after login whatever happens (a working day), forcing a fresh sign-in. */
export const ABSOLUTE_TIMEOUT_MS = 12 * 3_600_000;

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    authVersion?: number;
    /** Epoch milliseconds of the login. */
    loggedInAt?: number;
    /** One-shot notice (an i18n key) shown on the next page. */
    flash?: string;
  }
}

/** The signed-in user as routes and views see it: the public view minus what only the user pages show. */
export type CurrentUser = Omit<PublicUser, 'active' | 'lastLoginAt' | 'createdAt'>;

declare module 'express-serve-static-core' {
  interface Request {
    user?: CurrentUser;
  }
}

export interface SessionOptions {
  secret: string;
  /** Send the cookie only over HTTPS (production, or behind a TLS proxy). */
  secure: boolean;
  store?: session.Store;
}

export function cookieName(secure: boolean): string {
  // The __Host- prefix makes browsers refuse the cookie unless Secure, Path=/ and host-only.
  return secure ? '__Host-sid' : 'sid';
}

export function sessionMiddleware(options: SessionOptions): RequestHandler {
  return session({
    name: cookieName(options.secure),
    secret: options.secret,
    store: options.store ?? new MongooseSessionStore(IDLE_TIMEOUT_MS),
    resave: false,
    // Anonymous visitors get no session and no database row; login creates one (and the
    // store refuses to keep a session without a user, see session-store.ts).
    saveUninitialized: false,
    rolling: true,
    unset: 'destroy',
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.secure, maxAge: IDLE_TIMEOUT_MS, path: '/' },
  });
}

function promisify(run: (done: (error?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((error) => (error ? reject(error) : resolve())));
}

export function toCurrentUser(user: UserRecord): CurrentUser {
  const { active: _active, lastLoginAt: _lastLogin, createdAt: _created, ...current } = toPublicUser(user);
  return current;
}

/** Sets req.user from the session, or turns a no-longer-valid session into an anonymous one. */
export function loadCurrentUser(clock: () => Date = () => new Date()): RequestHandler {
  return async (req, _res, next) => {
    const data = req.session;
    if (!data?.userId) return next();
    const user = await User.findById(data.userId).lean<UserRecord>();
    const tooOld = !data.loggedInAt || clock().getTime() - data.loggedInAt > ABSOLUTE_TIMEOUT_MS;
    if (!user || !user.active || user.authVersion !== data.authVersion || tooOld) {
      await promisify((done) => req.session.regenerate(done));
      return next();
    }
    req.user = toCurrentUser(user);
    next();
  };
}

/** Login: a new session id (no fixation), bound to the user and their current authVersion. */
export async function startUserSession(req: Request, user: UserRecord, now: Date): Promise<void> {
  await promisify((done) => req.session.regenerate(done));
  req.session.userId = user._id.toString();
  req.session.authVersion = user.authVersion;
  req.session.loggedInAt = now.getTime();
  await promisify((done) => req.session.save(done));
  req.user = toCurrentUser(user);
}

/** After the user's own password change: a fresh id carrying the new authVersion. */
export async function renewUserSession(req: Request, authVersion: number): Promise<void> {
  const { userId, loggedInAt } = req.session;
  await promisify((done) => req.session.regenerate(done));
  Object.assign(req.session, { userId, loggedInAt, authVersion });
  await promisify((done) => req.session.save(done));
}

/** Logout: the stored session is deleted and the cookie cleared. */
export async function endUserSession(req: Request, res: Response, secure: boolean): Promise<void> {
  await promisify((done) => req.session.destroy(done));
  res.clearCookie(cookieName(secure), { httpOnly: true, sameSite: 'lax', secure, path: '/' });
  delete req.user;
}

export function setFlash(req: Request, key: string): void {
  req.session.flash = key;
}

/** Reads and removes the one-shot notice. */
export function takeFlash(req: Request): string | undefined {
  const flash = req.session?.flash;
  if (flash) delete req.session.flash;
  return flash;
}
