// Owns the application's configuration: one zod schema, one description per variable, read
// once at start-up. The README's configuration table is generated from CONFIG_DOCS so the two
// never drift apart (`npm run config:docs`).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

const port = z.coerce.number().int().min(1).max(65535);
const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Each variable: its schema and the sentence the README prints for it. */
export const CONFIG_DOCS = {
  NODE_ENV: {
    schema: z.enum(['development', 'production', 'test']).default('development'),
    doc: '`development`, `production` or `test`. Production requires `SESSION_SECRET` and `MONGODB_URI`, hides error details and never loads demo data.',
  },
  HOST: { schema: z.string().min(1).default('127.0.0.1'), doc: 'Interface the HTTP server binds to.' },
  PORT: { schema: port.default(3000), doc: 'HTTP port.' },
  MONGODB_URI: {
    schema: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
    doc: 'Connection string of a real MongoDB (6.0+). When unset (outside production) the app starts an embedded database server under `DATA_DIR`.',
  },
  DATA_DIR: {
    schema: z.string().min(1).default('./data'),
    doc: 'Where the embedded database keeps its files (and the development session secret). Reused across restarts.',
  },
  EMBEDDED_DB_PORT: { schema: port.default(27018), doc: 'Loopback port of the embedded database server.' },
  EMBEDDED_DB: {
    schema: z.enum(['java', 'ferretdb', 'mongod']).optional(),
    doc: 'Which embedded database server to run: `java` (mongo-java-server 1.47.0 on H2, the default; needs Java 17+ and Maven once), `ferretdb` (FerretDB 1.24.2 on SQLite; needs Go once) or `mongod`. Unset: `mongod` if one is found, else the kind whose data `DATA_DIR` already holds, else `java`, else `ferretdb`.',
  },
  EMBEDDED_DB_CACHE_MB: {
    schema: z.coerce.number().int().min(64).max(65_536).default(1024),
    doc: 'Page cache of the embedded mongo-java-server in MB (its Java heap is this plus 768 MB). Indexed reads slow down about twofold once the rosters outgrow it; about 1 GB per 100,000 entities.',
  },
  MONGOD_BIN: {
    schema: z.string().min(1).optional(),
    doc: 'Path to a `mongod` binary. When set (or when `mongod` is on `PATH`) the embedded database is a real mongod.',
  },
  FERRETDB_BIN: {
    schema: z.string().min(1).optional(),
    doc: 'Path to a FerretDB 1.24.2 binary, skipping the one-time build from the Go module proxy (with `EMBEDDED_DB=ferretdb`).',
  },
  CACHE_DIR: {
    schema: z.string().min(1).default(join(homedir(), '.cache', 'shuangsuiji')),
    doc: 'Where the embedded database servers are prepared once (mongo-java-server jars and launcher, FerretDB binary): outside the work tree, shared by app, tests and benchmarks.',
  },
  SESSION_SECRET: {
    schema: z.string().min(32, 'must be at least 32 characters').optional(),
    doc: 'Secret that signs session cookies (32+ characters). Required in production; in development a random one is generated once and kept in `DATA_DIR`.',
  },
  TIME_ZONE: {
    schema: z.string().min(1).default('Asia/Shanghai').refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai'),
    doc: 'Time zone for schedules, working-day deadlines and dates shown on pages.',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    doc: 'pino log level.',
  },
  LOG_FORMAT: {
    schema: z.enum(['json', 'pretty']).optional(),
    doc: '`json` (one object per line, for log collectors) or `pretty` (for people). Default: pretty in development, json otherwise.',
  },
  DEMO_DATA: {
    schema: booleanFlag.optional(),
    doc: 'Load a demo world into an empty database at start-up. Default: on in development, off otherwise; refused in production.',
  },
  DEMO_ENTITIES: {
    schema: z.coerce.number().int().min(10).max(1_000_000).default(3000),
    doc: 'Number of market entities in the demo world.',
  },
  TRUST_PROXY: {
    schema: booleanFlag.default(false),
    doc: 'Set to `true` behind a TLS-terminating reverse proxy, so that secure cookies and client addresses work.',
  },
  DRAND_RELAYS: {
    schema: z.string().default('https://api.drand.sh,https://drand.cloudflare.com,https://api2.drand.sh')
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
      .refine((list) => list.every((u) => /^https?:\/\/[^\s]+$/.test(u)), 'must be comma-separated http(s) URLs'),
    doc: 'Comma-separated drand HTTP relays asked, in order, for announced quicknet rounds. Every answer is BLS-verified against the chain key fixed in DRAW-SPEC §14.3, so a relay cannot forge a round; it can only be unavailable.',
  },
  DRAW_JOB_INTERVAL_SECONDS: {
    schema: z.coerce.number().int().refine((n) => [1, 2, 3, 5, 10, 15, 20, 30, 60].includes(n), 'must divide 60 (1, 2, 3, 5, 10, 15, 20, 30 or 60)').default(15),
    doc: 'How often each instance\'s draw job looks for due tasks (announces the next slot, fetches sources, draws). Several instances may run it on one database: each draw still happens once.',
  },
  PLAN_PUBLICATION_DEADLINE: {
    schema: z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be MM-DD').default('03-31'),
    doc: 'Default publication deadline (MM-DD of the plan year) of annual inspection plans.',
  },
  INSPECTION_CAP_PER_DEPARTMENT: {
    schema: z.coerce.number().int().min(0).max(366).default(4),
    doc: 'Annual cap on draws of one enterprise by one department (0 = none). An enterprise at a cap is excluded from new pools, counted and listed in the announcement.',
  },
  INSPECTION_CAP_OVERALL: {
    schema: z.coerce.number().int().min(0).max(366).default(8),
    doc: 'Annual cap on draws of one enterprise by all departments together (0 = none); a joint visit counts once.',
  },
  INSPECTION_CAP_EXEMPT_TYPES: {
    schema: z.string().default('线索核查,即时').transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
      .refine((list) => list.every((t) => ['日常', '专项', '线索核查', '即时'].includes(t)), 'must list inspection types (日常, 专项, 线索核查, 即时)'),
    doc: 'Comma-separated inspection types that do not count toward the caps (typed exemptions).',
  },
  LATE_CHECK_IN_WORKING_DAYS: {
    schema: z.coerce.number().int().min(0).max(30).default(3),
    doc: 'Working days within which a team that checked in on its certificates (no working code) files the check-in, with a reason (Chongqing: 3).',
  },
  PUBLISH_WITHIN_WORKING_DAYS: {
    schema: z.coerce.number().int().min(1).max(60).default(20),
    doc: 'Working days from the day an inspection result arises to its publication (企业信息公示暂行条例 Art. 6: 20).',
  },
  PUBLIC_RESULTS_SHOW_INSPECTORS: {
    schema: booleanFlag.default(false),
    doc: 'Show the names of the inspectors who carried out an inspection on its public result page (`/results/:id`). Off by default: the national publicity fields name no inspector.',
  },
  STATEMENT_WORKING_DAYS: {
    schema: z.coerce.number().int().min(1).max(20).default(5),
    doc: 'Working days from the submission of an inspection result within which the entity may make a statement (陈述申辩) on it with its reply code; approval for publication waits for the period unless the entity made a statement that was answered or declared it will not make one.',
  },
  JOINT_WINDOW_DAYS: {
    schema: z.coerce.number().int().min(1).max(92).default(5),
    doc: 'Working days (by the working-day calendar) from the start of each quarter within which entities drawn by several departments are proposed for one joint visit (综合查一次).',
  },
  ATTACHMENT_MAX_MB: {
    schema: z.coerce.number().int().min(1).max(100).default(10),
    doc: 'Largest attachment (photo or PDF of an inspection\'s findings) in MB; a larger file is refused while it uploads. Each record may have 20 files and 100 MB (or this limit, if larger) in all.',
  },
  DRAW_TEST_CLOCK: {
    schema: z.string().regex(/^.+@\d+x\d+(\.\d+)?$/, 'must read <ISO time>@<epoch ms>x<rate>').optional(),
    doc: 'Tests only (refused in production): a controlled clock for the draw job, `<ISO time>@<epoch ms>x<rate>`, shared by every process given the same value.',
  },
  DRAW_TEST_CRASH_AT: {
    schema: z.enum(['after-claim', 'after-results', 'before-complete']).optional(),
    doc: 'Tests only (refused in production): the process kills itself (SIGKILL) at that point of a draw, to prove crash recovery.',
  },
} as const;

type Docs = typeof CONFIG_DOCS;
type Raw = { [K in keyof Docs]: z.output<Docs[K]['schema']> };

export interface Config extends Omit<Raw, 'DEMO_DATA' | 'LOG_FORMAT'> {
  DEMO_DATA: boolean;
  LOG_FORMAT: 'json' | 'pretty';
  /** DATA_DIR resolved against the working directory. */
  dataDir: string;
  isProduction: boolean;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const schema = z.object(
  Object.fromEntries(Object.entries(CONFIG_DOCS).map(([key, entry]) => [key, entry.schema])) as {
    [K in keyof Docs]: Docs[K]['schema'];
  },
);

/** Reads configuration from an environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(
    Object.keys(CONFIG_DOCS).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${describe(issue)}`));
  }
  const raw = parsed.data as Raw;
  const isProduction = raw.NODE_ENV === 'production';
  const problems: string[] = [];
  if (isProduction && !raw.SESSION_SECRET) problems.push('SESSION_SECRET is required in production');
  if (isProduction && !raw.MONGODB_URI) problems.push('MONGODB_URI is required in production');
  if (isProduction && raw.DEMO_DATA) problems.push('DEMO_DATA cannot be enabled in production');
  if (isProduction && (raw.DRAW_TEST_CLOCK || raw.DRAW_TEST_CRASH_AT)) problems.push('DRAW_TEST_CLOCK and DRAW_TEST_CRASH_AT are for tests and cannot be set in production');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...raw,
    DEMO_DATA: raw.DEMO_DATA ?? raw.NODE_ENV === 'development',
    LOG_FORMAT: raw.LOG_FORMAT ?? (raw.NODE_ENV === 'development' ? 'pretty' : 'json'),
    dataDir: resolve(raw.DATA_DIR),
    isProduction,
  };
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.join(', ')}`;
  if (issue.code === 'invalid_type') return `is ${issue.message.includes('NaN') ? 'not a number' : 'invalid'}`;
  return issue.message;
}
