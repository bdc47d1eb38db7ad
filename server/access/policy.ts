// Owns the meaning of the access table: compiling it to matchers and deciding whether a user
// may call METHOD /path. Matching is deliberately a superset of Express's (case-insensitive,
// repeated and trailing slashes ignored) and every matching rule must allow the call, so a
// disagreement with the router can only refuse a request, never let one through.
import type { CurrentUser } from '../auth/session.js';
import type { Access, AccessTable, CsrfExempt } from './rules.js';

type Segment = { literal: string } | { param: string } | { rest: string };

export interface CompiledRule {
  method: string;
  /** Full path as declared (mount + route path), e.g. /admin/users/:id. */
  path: string;
  access: Access;
  /** False only for stateless public routes that opted out of the CSRF check. */
  csrf: boolean;
  segments: Segment[];
}

export type Decision = 'allow' | 'unauthenticated' | 'forbidden' | 'no_rule';

/** Joins a mount path and a route path the way Express composes them. */
export function joinPath(mount: string, path: string): string {
  const joined = `/${mount}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

function compileSegment(part: string, path: string): Segment {
  if (/[{}()?+]/.test(part)) throw new Error(`access rule ${path}: unsupported path syntax "${part}"`);
  if (part.startsWith(':')) return { param: part.slice(1) };
  if (part.startsWith('*')) return { rest: part.slice(1) };
  return { literal: part.toLowerCase() };
}

function isCsrfExempt(value: unknown): value is CsrfExempt {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { csrf?: unknown }).csrf === false;
}

export function compileTable(table: AccessTable): CompiledRule[] {
  const rules: CompiledRule[] = [];
  for (const [mount, routes] of Object.entries(table)) {
    for (const [key, value] of Object.entries(routes)) {
      const match = /^(GET|POST|PUT|PATCH|DELETE) (\/\S*)$/.exec(key);
      if (!match) throw new Error(`access rule "${key}" under ${mount}: expected "METHOD /path"`);
      const path = joinPath(mount, match[2] as string);
      const exempt = isCsrfExempt(value);
      if (exempt && value.access !== 'public') throw new Error(`access rule ${key} under ${mount}: only public routes may skip CSRF`);
      const access = exempt ? value.access : (value as Access);
      rules.push({ method: match[1] as string, path, access, csrf: !exempt, segments: segmentsOf(path).map((part) => compileSegment(part, path)) });
    }
  }
  return rules;
}

function matches(rule: CompiledRule, parts: string[]): boolean {
  for (let i = 0; i < rule.segments.length; i += 1) {
    const segment = rule.segments[i] as Segment;
    if ('rest' in segment) return parts.length > i;
    const part = parts[i];
    if (part === undefined) return false;
    if ('literal' in segment && part.toLowerCase() !== segment.literal) return false;
  }
  return parts.length === rule.segments.length;
}

export function matchingRules(rules: readonly CompiledRule[], method: string, path: string): CompiledRule[] {
  const wanted = method === 'HEAD' ? 'GET' : method;
  const parts = segmentsOf(path);
  return rules.filter((rule) => rule.method === wanted && matches(rule, parts));
}

export function allows(access: Access, user: CurrentUser | undefined): boolean {
  if (access === 'public') return true;
  if (!user) return false;
  return access === 'authenticated' || access.includes(user.role);
}

export function decide(rules: readonly CompiledRule[], method: string, path: string, user: CurrentUser | undefined): Decision {
  const matched = matchingRules(rules, method, path);
  if (matched.length === 0) return 'no_rule';
  if (matched.every((rule) => allows(rule.access, user))) return 'allow';
  return user ? 'forbidden' : 'unauthenticated';
}

/** True when some path could match both rules (same method). */
export function overlap(a: CompiledRule, b: CompiledRule): boolean {
  if (a.method !== b.method) return false;
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.segments[i];
    const y = b.segments[i];
    if ((x && 'rest' in x) || (y && 'rest' in y)) return true;
    if (!x || !y) return false;
    if ('literal' in x && 'literal' in y && x.literal !== y.literal) return false;
  }
  return true;
}

/** True when everyone `narrow` admits is also admitted by `wide`. */
function within(narrow: Access, wide: Access): boolean {
  if (wide === 'public') return true;
  if (narrow === 'public') return false;
  if (wide === 'authenticated') return true;
  if (narrow === 'authenticated') return false;
  return narrow.every((role) => wide.includes(role));
}

/** The rule with a literal where the other has a parameter, at the first such position. */
function moreSpecific(a: CompiledRule, b: CompiledRule): CompiledRule | undefined {
  for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i += 1) {
    const x = a.segments[i] as Segment;
    const y = b.segments[i] as Segment;
    if ('literal' in x && !('literal' in y)) return a;
    if ('literal' in y && !('literal' in x)) return b;
  }
  return undefined;
}

/**
 * Overlapping rules whose combination would refuse someone the specific route admits. At run
 * time every matching rule must allow, so a public GET /api/v1/inspectors/lookup beside a
 * staff-only GET /api/v1/inspectors/:id would be closed to the public: give such routes
 * distinct prefixes. (A specific route stricter than its general neighbour — /admin/users/new
 * beside /admin/users/:id — is fine.)
 */
export function conflictingRules(rules: readonly CompiledRule[]): string[] {
  const conflicts: string[] = [];
  rules.forEach((a, i) => {
    for (const b of rules.slice(i + 1)) {
      if (!overlap(a, b)) continue;
      const specific = moreSpecific(a, b);
      const general = specific === a ? b : a;
      const fine = specific ? within(specific.access, general.access) : within(a.access, b.access) && within(b.access, a.access);
      if (!fine) conflicts.push(`${a.method} ${a.path} ⟷ ${b.path}`);
    }
  });
  return conflicts;
}

export function isPublic(matched: readonly CompiledRule[]): boolean {
  return matched.every((rule) => rule.access === 'public');
}
