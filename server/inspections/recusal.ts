// Owns 回避 after the draw: an inspector declares a conflict with the entity (or a supervisor
// records the entity's request), with a reason; the replacement is drawn by the engine's
// recusal rule (DRAW-SPEC §8) from the draw's own record, so anyone replaying the record's
// recusals gets the same replacement. A recusal first claims its position in the run's recusal
// list (RecusalClaim, unique "<run>|<seq>": two at once cannot take the same position and
// neither is lost), then the inspection's team is updated; a process killed in between is
// finished by syncRecusals, which applies every claim the inspection does not show yet.
import { Announcement, type AnnouncementRecord } from '../../models/announcement.js';
import { DrawRun, type DrawRunRecord } from '../../models/draw-run.js';
import { Inspection, RecusalClaim, type InspectionRecord, type RecusalClaimRecord } from '../../models/inspection.js';
import { DrawError, recuse, type DrawRecord } from '../draw/index.js';
import { ConflictError, ForbiddenError, ValidationError, isDuplicateKeyError } from '../errors.js';
import type { Acting } from '../plans/acting.js';
import { recordAuditOnce } from '../audit/chain.js';
import { invalidatePublicCache } from '../http/public-cache.js';
import { computeRecord, runRandomness } from '../plans/draws.js';
import { assertTeam, isOwningSupervisor } from './access.js';
import { loadInspection } from './lifecycle.js';
import type { InspectionSettings } from './settings.js';

/** The run's draw record with every claimed recusal replayed (each must give its stored replacement). */
export async function recordWithRecusals(runKey: string): Promise<{ record: DrawRecord; claims: RecusalClaimRecord[] }> {
  const run = await DrawRun.findOne({ key: runKey }).lean<DrawRunRecord>();
  if (!run || run.state !== 'complete') throw new ConflictError('The draw is not complete.');
  const a = (await Announcement.findById(run.announcementId).lean<AnnouncementRecord>())!;
  const { record } = await computeRecord(a, runRandomness(run));
  return withRecusalClaims(runKey, record);
}

/** `record` (the run's record as drawn) with the run's claimed recusals replayed in order. */
export async function withRecusalClaims(runKey: string, drawn: DrawRecord): Promise<{ record: DrawRecord; claims: RecusalClaimRecord[] }> {
  let record = drawn;
  const claims = await RecusalClaim.find({ runKey }).sort({ seq: 1 }).lean<RecusalClaimRecord[]>();
  for (const claim of claims) {
    record = recuse(record, { creditCode: claim.creditCode, inspectorId: claim.inspectorId, reason: claim.reason });
    const replayed = record.recusals.at(-1)!;
    if (replayed.replacement !== claim.replacement || replayed.seq !== claim.seq) throw new Error(`recusal ${runKey}#${claim.seq}: replay gives ${replayed.replacement}, stored ${claim.replacement}`);
  }
  return { record, claims };
}

export interface RecusalInput {
  inspectorId: string;
  reason: string;
  requestedBy: 'inspector' | 'entity';
}

export async function declareRecusal(id: string, input: RecusalInput, acting: Acting, settings: InspectionSettings): Promise<InspectionRecord> {
  const inspection = await loadInspection(id);
  if (input.requestedBy === 'inspector') {
    assertTeam(acting, inspection);
    if (input.inspectorId !== acting.inspectorId) throw new ValidationError({ inspectorId: 'invalid' }, 'An inspector declares their own conflict.');
  } else if (!isOwningSupervisor(acting, inspection)) {
    throw new ForbiddenError('Only a supervisor of the inspecting department records an entity\'s request.').localized({ key: 'inspection.error.supervisor_only' });
  }
  const reason = input.reason.trim();
  if (reason === '') throw new ValidationError({ reason: 'required' });
  if (reason.length > 500) throw new ValidationError({ reason: 'too_long' }, undefined, { reason: { max: 500 } });
  // The reason goes into the draw record, whose texts are single-line (DRAW-SPEC text rules).
  if (/[\r\n]/.test(reason)) throw new ValidationError({ reason: 'single_line' });
  if (!inspection.team.includes(input.inspectorId)) throw new ValidationError({ inspectorId: 'not_on_team' });
  if (inspection.state !== 'assigned' && inspection.state !== 'approved') {
    throw new ConflictError('A recusal is declared before the check-in.').localized({ key: 'inspection.error.recusal_too_late' }, 'inspection_state');
  }
  await syncRecusals(inspection.runKey);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const { record } = await recordWithRecusals(inspection.runKey);
    let next: DrawRecord;
    try {
      next = recuse(record, { creditCode: inspection.creditCode, inspectorId: input.inspectorId, reason });
    } catch (error) {
      if (error instanceof DrawError) throw new ConflictError(`No replacement can be drawn: ${error.message}`).localized({ key: 'inspection.error.no_replacement' }, 'recusal_infeasible');
      throw error;
    }
    const entry = next.recusals.at(-1)!;
    const now = settings.now();
    try {
      await RecusalClaim.create({
        _id: `${inspection.runKey}|${entry.seq}`, runKey: inspection.runKey, seq: entry.seq, creditCode: inspection.creditCode,
        inspectorId: input.inspectorId, reason, requestedBy: input.requestedBy, replacement: entry.replacement, at: now, by: acting.actor,
      });
    } catch (error) {
      if (isDuplicateKeyError(error)) continue; // another recusal took this position: draw again after it
      throw error;
    }
    await syncRecusals(inspection.runKey);
    await invalidatePublicCache(now); // the draw's verification page lists its recusals
    return loadInspection(id);
  }
  throw new ConflictError('Too many recusals at once; try again.');
}

/** Applies to the inspections every recusal claim they do not show yet (idempotent). */
export async function syncRecusals(runKey: string): Promise<void> {
  const claims = await RecusalClaim.find({ runKey }).sort({ seq: 1 }).lean<RecusalClaimRecord[]>();
  for (const claim of claims) {
    const inspectionId = `${runKey}|${claim.creditCode}`;
    // Not through the state machine: a claim is a fact of the draw record and must reach its
    // inspection whatever happened to it since; retried while someone else changes it.
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const inspection = await Inspection.findById(inspectionId).select('recusals team version').lean<Pick<InspectionRecord, 'recusals' | 'team' | 'version'>>();
      if (!inspection || inspection.recusals.some((r) => r.seq === claim.seq)) break;
      const team = inspection.team.map((member) => (member === claim.inspectorId ? claim.replacement : member));
      const recusal = { seq: claim.seq, inspectorId: claim.inspectorId, requestedBy: claim.requestedBy, reason: claim.reason, replacement: claim.replacement, at: claim.at, by: claim.by };
      const done = await Inspection.updateOne({ _id: inspectionId, version: inspection.version }, { $set: { team }, $push: { recusals: recusal }, $inc: { version: 1 } });
      if (done.modifiedCount === 1) break;
    }
    await recordAuditOnce(`${runKey}|recusal|${claim.seq}`, {
      actor: (claim.by ?? { kind: 'system', label: 'recusal' }) as Acting['actor'], action: 'inspection.recusal', at: claim.at,
      target: { type: 'inspection', id: inspectionId, label: claim.creditCode },
      after: { seq: claim.seq, inspectorId: claim.inspectorId, replacement: claim.replacement, requestedBy: claim.requestedBy, reason: claim.reason },
    });
  }
}
