// Owns the audit entry of a roster import: one `import.completed` or `import.failed` entry when a
// run ends — who started it, the kind, the file, the counts — written by the import runner itself
// (start.ts), so an import from the web page, the API or the CLI leaves the same trace.
// Exactly once per import: an import resumed after a crash is a chain of runs (each one's
// resumeOf names the run it continues), and its completion is keyed by the chain's first run
// (recordAuditOnce). The entry is written before the run is marked finished, so a crash between
// the two leaves the run interrupted; its resumption completes the same chain and finds the entry
// already there. An entry that cannot be written ends the run interrupted rather than completed
// (start.ts), so no import completes unaudited. A failure is keyed by its own run: each failed
// attempt is a fact of its own.
import { Types } from 'mongoose';
import type { AuditActor } from '../../models/audit-event.js';
import { ImportRun, type ImportCounts, type ImportKind } from '../../models/import-run.js';
import { recordAuditOnce } from '../audit/chain.js';
import type { RunFailure } from './messages.js';

/** More resumptions than anyone makes; bounds the walk should a chain ever be corrupt. */
const MAX_CHAIN = 1000;

export interface ImportRunEnd {
  runId: Types.ObjectId;
  kind: ImportKind;
  fileName: string;
  dryRun: boolean;
  startedBy: { userId?: Types.ObjectId | string | undefined; username: string; via: 'web' | 'cli' | 'api' };
  status: 'completed' | 'failed';
  counts: ImportCounts;
  /** The run this one continues (its resumeOf), if it is a resumption. */
  resumeOf?: Types.ObjectId | undefined;
  resumedFromRow?: number | undefined;
  errorCount?: number | undefined;
  failure?: RunFailure | undefined;
}

/** The first run of the chain `resumeOf` belongs to (a resumption of a resumption… of it). */
async function firstRunOf(runId: Types.ObjectId, resumeOf: Types.ObjectId | undefined): Promise<Types.ObjectId> {
  let first = runId;
  let previous = resumeOf;
  for (let hops = 0; previous && hops < MAX_CHAIN; hops += 1) {
    first = previous;
    const run = await ImportRun.findById(previous).select('resumeOf').lean<{ resumeOf?: Types.ObjectId | null }>();
    previous = run?.resumeOf ?? undefined;
  }
  return first;
}

function actorOf(startedBy: ImportRunEnd['startedBy']): AuditActor {
  if (startedBy.userId) return { kind: 'user', userId: new Types.ObjectId(String(startedBy.userId)), label: startedBy.username };
  return { kind: startedBy.via === 'cli' ? 'cli' : 'system', label: startedBy.username };
}

/** Records the end of an import run (idempotent: see the module header). */
export async function auditImportRun(end: ImportRunEnd): Promise<void> {
  const first = await firstRunOf(end.runId, end.resumeOf);
  const once = end.status === 'completed' ? `import|${String(first)}#completed` : `import|${String(end.runId)}#failed`;
  await recordAuditOnce(once, {
    actor: actorOf(end.startedBy),
    action: `import.${end.status}`,
    target: { type: 'import', id: String(first), label: `${end.kind} ${end.fileName}`.slice(0, 200) },
    after: {
      run: String(end.runId), kind: end.kind, fileName: end.fileName, dryRun: end.dryRun, via: end.startedBy.via,
      counts: { ...end.counts }, errors: end.errorCount ?? 0,
      ...(end.resumedFromRow !== undefined ? { resumedFromRow: end.resumedFromRow } : {}),
      ...(end.failure ? { failure: end.failure.code } : {}),
    },
  });
}
