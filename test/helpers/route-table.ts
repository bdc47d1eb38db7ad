// Test helper (used by test/integration/access/route-table.test.ts). Owns the audit of the access table against the real app: it walks Express 5's router stack
// (app.router.stack; route layers carry .route, mounted routers a .handle with its own .stack,
// mount paths are layer.rawPath) and lists every route, then reports routes with no rule,
// protected routes registered before the access middleware, rules with no route, overlapping
// rules with different access, and mounted things it cannot look into (sub-apps, RegExp
// paths), which would otherwise hide routes.
import type { Express } from 'express';
import { compileTable, conflictingRules, joinPath } from '../../server/access/policy.js';
import { ACCESS_GUARD } from '../../server/access/middleware.js';
import type { AccessTable } from '../../server/access/rules.js';

export interface RegisteredRoute {
  method: string;
  path: string;
  /** False for routes registered before the access middleware (it never sees their requests). */
  guarded: boolean;
}

export interface AccessReport {
  routes: RegisteredRoute[];
  /** "METHOD /path" of routes without a rule. */
  undeclared: string[];
  /** Routes before the access middleware whose rule is not 'public'. */
  unguarded: string[];
  /** Rules no registered route uses (stale or mistyped). */
  unused: string[];
  /** Layers whose routes cannot be listed. */
  opaque: string[];
  /** Overlapping rules with different access (see conflictingRules). */
  conflicts: string[];
}

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: ((...args: unknown[]) => unknown) & { stack?: Layer[]; [ACCESS_GUARD]?: true };
  rawPath?: unknown;
  name?: string;
}

interface WalkState {
  routes: RegisteredRoute[];
  opaque: string[];
  guarded: boolean;
}

function pathsOf(raw: unknown): string[] | undefined {
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw) && raw.every((p) => typeof p === 'string')) return raw as string[];
  return undefined;
}

function walk(stack: Layer[], prefix: string, state: WalkState, topLevel: boolean): void {
  for (const layer of stack) {
    if (topLevel && layer.handle[ACCESS_GUARD]) state.guarded = true;
    if (layer.route) {
      const paths = pathsOf(layer.route.path);
      if (!paths) state.opaque.push(`route with a non-string path under ${prefix || '/'}`);
      for (const path of paths ?? []) {
        for (const method of Object.keys(layer.route.methods)) {
          state.routes.push({ method: method === '_all' ? 'ALL' : method.toUpperCase(), path: joinPath(prefix, path), guarded: state.guarded });
        }
      }
    } else if (Array.isArray(layer.handle.stack)) {
      const mounts = pathsOf(layer.rawPath);
      if (!mounts) state.opaque.push(`router mounted at a non-string path under ${prefix || '/'}`);
      for (const mount of mounts ?? []) walk(layer.handle.stack, joinPath(prefix, mount), state, false);
    } else if (layer.handle.name === 'mounted_app') {
      state.opaque.push(`sub-application mounted at ${joinPath(prefix, String(layer.rawPath))}`);
    }
  }
}

export function listRoutes(app: Express): { routes: RegisteredRoute[]; opaque: string[] } {
  const state: WalkState = { routes: [], opaque: [], guarded: false };
  walk((app.router as unknown as { stack: Layer[] }).stack, '', state, true);
  return { routes: state.routes, opaque: state.opaque };
}

export function checkAccessTable(app: Express, table: AccessTable): AccessReport {
  const { routes, opaque } = listRoutes(app);
  const compiled = compileTable(table);
  const rules = new Map(compiled.map((rule) => [`${rule.method} ${rule.path}`, rule]));
  const used = new Set<string>();
  const undeclared: string[] = [];
  const unguarded: string[] = [];
  for (const route of routes) {
    // Express answers HEAD with the GET handler; an explicit HEAD route needs the GET rule.
    const key = `${route.method === 'HEAD' ? 'GET' : route.method} ${route.path}`;
    const rule = rules.get(key);
    if (!rule) {
      undeclared.push(`${route.method} ${route.path}`);
      continue;
    }
    used.add(key);
    if (!route.guarded && rule.access !== 'public') unguarded.push(key);
  }
  const unused = [...rules.keys()].filter((key) => !used.has(key));
  return { routes, undeclared, unguarded, unused, opaque, conflicts: conflictingRules(compiled) };
}
