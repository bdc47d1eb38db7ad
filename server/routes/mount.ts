// Owns the shape every router module exports: where it is mounted, who may call each of its
// routes, and how its router is built. server/features.ts lists the mounts in order; app.ts
// mounts each at its path; the access table the middleware enforces is assembled from the same
// list (server/features.ts), so a route and its rule live side by side in the router's module.
import type { Request, Router } from 'express';
import type { AuditActor } from '../../models/audit-event.js';
import type { RouteRules } from '../access/rules.js';
import type { InspectionSettings } from '../inspections/settings.js';
import type { DrawSettings } from '../plans/settings.js';

/** What router factories may use; built once per app by createApp. */
export interface FeatureDeps {
  /** Cookies are Secure (production or behind a TLS proxy). */
  secureCookies: boolean;
  /** The app's clock (tests move it). */
  clock: () => Date;
  /** Config TIME_ZONE: "today" and dates shown on pages (server/time.ts). */
  timeZone: string;
  /** Config DATA_DIR: uploads and import error reports. */
  dataDir: string;
  /** Readiness probe (the database answers). */
  isReady: () => Promise<boolean>;
  /** The audit actor of a signed-in request. */
  actorOf: (req: Request) => AuditActor;
  /** Clock, relays, caps and time zone of the plan/task/draw use cases (config in main.ts). */
  draws: DrawSettings;
  /** Clock, time zone, working-day calendar and limits of the inspection use cases. */
  inspections: InspectionSettings;
}

export interface RouterMount {
  /** The mount path, e.g. '/admin/entities': app.use(path, router(deps)). */
  readonly path: string;
  /** 'METHOD /path-relative-to-the-mount' → who may call it (see server/access/rules.ts). */
  readonly rules: RouteRules;
  readonly router: (deps: FeatureDeps) => Router;
  /**
   * Mounted before static files, sessions and the access middleware (the health probes):
   * every rule must be 'public' — the route-table test fails otherwise.
   */
  readonly beforeSession?: boolean;
}

/** Declares a mount (an identity function that checks the shape). */
export function mount(definition: RouterMount): RouterMount {
  if (!definition.path.startsWith('/')) throw new Error(`mount path "${definition.path}" must start with /`);
  return definition;
}
