// Owns approval before entry (行政检查审批, 2025 rule): a supervisor of the inspecting department
// who is not on the team approves each inspection before it happens — an 即时 inspection may be
// carried out first (checked in on certificates) and approved afterwards, flagged as such (the
// state stays where the work has got to). Where every item allows a desk check (书面检查) or a data
// check, choosing a site visit needs a stated reason ("non-site first"). Approval issues the
// inspection's check-in code (扫码入企): 80 random bits, unique, printed on the notice.
import { randomBytes } from 'node:crypto';
import { InspectionItem } from '../../models/inspection-item.js';
import { INSPECTION_MODES, type InspectionMode, type InspectionRecord } from '../../models/inspection.js';
import { ConflictError, ValidationError } from '../errors.js';
import type { Acting } from '../plans/acting.js';
import mongoose from 'mongoose';
import { assertIndependentSupervisor } from './access.js';
import { applyTransition, loadInspection } from './lifecycle.js';
import type { InspectionSettings } from './settings.js';

const DESK_METHODS = new Set(['书面检查']);
const DATA_METHODS = new Set(['网络监测', '行政部门检查结果或专业意见']);
/** Crockford's base32: no I, L, O, U — read aloud or typed from paper without confusion. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new check-in code: 16 characters of Crockford base32 (80 bits), shown in groups of four. */
export function newCheckCode(): string {
  const bytes = randomBytes(10);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let code = '';
  for (let i = 0; i < 16; i += 1) code = ALPHABET[Number(bits & 31n)] + code, bits >>= 5n;
  return code;
}

/** A code as people type it (spaces, dashes, lower case, O for 0, I/L for 1), or null if it cannot be one. */
export function normaliseCheckCode(text: string): string | null {
  const code = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{16}$/.test(code) ? code : null;
}

export const formatCheckCode = (code: string) => code.replace(/(.{4})(?=.)/g, '$1-');

/** Which modes the inspection's items allow besides a site visit. */
export async function allowedModes(inspection: Pick<InspectionRecord, 'itemCodes'>): Promise<InspectionMode[]> {
  const items = await InspectionItem.find({ code: mongoose.trusted({ $in: inspection.itemCodes }) }).select('methods').lean<{ methods: string[] }[]>();
  const every = (set: Set<string>) => items.length > 0 && items.every((item) => item.methods.some((m) => set.has(m)));
  return ['onsite', ...(every(DESK_METHODS) ? ['desk' as const] : []), ...(every(DATA_METHODS) ? ['data' as const] : [])];
}

export interface ApprovalInput {
  mode: InspectionMode;
  reason?: string | undefined;
}

/** An 即时 inspection carried out (checked in) before anyone approved it: it awaits its approval afterwards. */
export function awaitsApprovalAfterwards(inspection: Pick<InspectionRecord, 'inspectionType' | 'checkIn' | 'approval' | 'state'>): boolean {
  return inspection.inspectionType === '即时' && inspection.state !== 'assigned' && Boolean(inspection.checkIn?.at) && !inspection.approval?.at;
}

export async function approveInspection(id: string, input: ApprovalInput, acting: Acting, settings: InspectionSettings): Promise<InspectionRecord> {
  const inspection = await loadInspection(id);
  assertIndependentSupervisor(acting, inspection);
  // 即时 (emergencies): approved after the visit; the flag says so wherever the approval is shown.
  const afterwards = awaitsApprovalAfterwards(inspection);
  if (inspection.state !== 'assigned' && !afterwards) throw new ConflictError('This inspection is already approved.').localized({ key: 'inspection.error.already_approved' }, 'inspection_state');
  if (!INSPECTION_MODES.includes(input.mode)) throw new ValidationError({ mode: 'invalid' });
  const modes = await allowedModes(inspection);
  if (!modes.includes(input.mode)) throw new ValidationError({ mode: 'mode_not_allowed' });
  const reason = (input.reason ?? '').trim();
  if (input.mode === 'onsite' && modes.length > 1 && reason === '') throw new ValidationError({ reason: 'onsite_reason_required' });
  if (reason.length > 1000) throw new ValidationError({ reason: 'too_long' }, undefined, { reason: { max: 1000 } });
  const now = settings.now();
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await applyTransition(inspection, afterwards ? 'approveAfterwards' : 'approve', {
        set: { approval: { mode: input.mode, reason, by: acting.actor, at: now, afterwards }, checkCode: newCheckCode() },
        audit: { action: 'inspection.approve', after: { mode: input.mode, ...(reason ? { reason } : {}), afterwards } },
      }, acting, now);
    } catch (error) {
      // A code already taken (80 random bits: practically never) is drawn again.
      if ((error as { code?: number }).code !== 11000 || attempt >= 3) throw error;
    }
  }
}
