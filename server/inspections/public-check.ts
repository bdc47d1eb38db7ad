// Owns what the public check page (扫码入企, /check) may say about an inspection code: whether
// it belongs to an inspection genuinely under way, and if so the few facts someone at the door
// needs to recognise it — the task, the inspecting department, the kind and period, the items
// with their legal basis, the entity it is for, and the team's names with their certificates and
// whether each is valid today. Only the fields of PublicCheck ever leave this module (as in
// server/rosters/public-inspectors.ts): no findings, reviews, ids, credit codes or other entities.
//
// "Genuine at the door" (DOOR_STATES): approved and not yet finished with — approved, checked_in,
// findings_entered, submitted, returned (the reviewer may send the team back) and rejected (the
// result did not stand and the team inspects again, with the same code: check-in accepts it).
// Not yet approved (assigned), finished (approved_for_publication, published, closed), unknown,
// malformed or forged codes all get the same answer, so the page tells a guesser nothing about
// which codes exist; a finished inspection's code admits nobody any more.
import mongoose from 'mongoose';
import { Department } from '../../models/department.js';
import { InspectionItem } from '../../models/inspection-item.js';
import { Inspector } from '../../models/inspector.js';
import { Inspection, type InspectionRecord, type InspectionState } from '../../models/inspection.js';
import { todayIn } from '../time.js';
import { formatCheckCode, normaliseCheckCode } from './approval.js';

export const DOOR_STATES: readonly InspectionState[] = ['approved', 'checked_in', 'findings_entered', 'submitted', 'returned', 'rejected'];

/** The stored inspection types, as catalogue words (check.type.<word>). */
const TYPE_WORDS: Readonly<Record<string, string>> = { 日常: 'routine', 专项: 'special', 线索核查: 'lead', 即时: 'immediate' };

export type CertificateValidity = 'valid' | 'expired' | 'not_yet' | 'revoked';

export interface PublicCheck {
  /** The code as printed (groups of four). */
  code: string;
  taskNumber: string;
  taskName: string;
  department: string;
  /** routine | special | lead | immediate (the page words it). */
  inspectionType: string;
  /** The inspection date and the last day of the period (YYYY-MM-DD). */
  from: string;
  until: string;
  /** The entity the inspection is for: a genuine code shown at another door is caught by this. */
  entityName: string;
  items: { code: string; name: string; legalBasis: string }[];
  team: { name: string; certificates: { number: string; validFrom: string; validUntil: string; validity: CertificateValidity }[] }[];
}

export type CheckAnswer = { genuine: true; check: PublicCheck } | { genuine: false };

const NOT_CONFIRMED: CheckAnswer = { genuine: false };

/** The public answer for a code as typed (any spelling normaliseCheckCode accepts). */
export async function publicCheck(text: string, now: Date, timeZone: string): Promise<CheckAnswer> {
  const code = normaliseCheckCode(text);
  if (!code) return NOT_CONFIRMED;
  const inspection = await Inspection.findOne({ checkCode: code })
    .select('state taskNumber taskName departmentCode inspectionType inspectionDate dueOn entityName itemCodes team')
    .lean<InspectionRecord>();
  if (!inspection || !DOOR_STATES.includes(inspection.state)) return NOT_CONFIRMED;
  const [department, items, team] = await Promise.all([
    Department.findOne({ code: inspection.departmentCode }).select('name').lean<{ name: string }>(),
    publicItems(inspection.itemCodes),
    publicTeam(inspection.team, todayIn(timeZone, now), timeZone),
  ]);
  return {
    genuine: true,
    check: {
      code: formatCheckCode(code), taskNumber: inspection.taskNumber, taskName: inspection.taskName,
      department: department?.name ?? inspection.departmentCode, inspectionType: TYPE_WORDS[inspection.inspectionType] ?? 'routine',
      from: inspection.inspectionDate, until: inspection.dueOn, entityName: inspection.entityName, items, team,
    },
  };
}

async function publicItems(codes: string[]): Promise<PublicCheck['items']> {
  const rows = await InspectionItem.find({ code: mongoose.trusted({ $in: codes }) }).select('code name legalBasis -_id').lean<{ code: string; name: string; legalBasis?: string }[]>();
  const byCode = new Map(rows.map((row) => [row.code, row]));
  return codes.map((code) => ({ code, name: byCode.get(code)?.name ?? '', legalBasis: byCode.get(code)?.legalBasis ?? '' }));
}

type TeamRow = { inspectorId: string; name: string; status: string; certificates: { number: string; validFrom: Date; validUntil: Date }[] };

/** The team in its order: names and certificates, each judged valid or not on `today`. */
async function publicTeam(ids: string[], today: string, timeZone: string): Promise<PublicCheck['team']> {
  const rows = await Inspector.find({ inspectorId: mongoose.trusted({ $in: ids }) }).select('inspectorId name status certificates -_id').lean<TeamRow[]>();
  const byId = new Map(rows.map((row) => [row.inspectorId, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    return [{
      name: row.name,
      certificates: row.certificates.map((c) => {
        const validFrom = todayIn(timeZone, c.validFrom);
        const validUntil = todayIn(timeZone, c.validUntil);
        const validity: CertificateValidity = row.status !== '有效' ? 'revoked' : today < validFrom ? 'not_yet' : today > validUntil ? 'expired' : 'valid';
        return { number: c.number, validFrom, validUntil, validity };
      }),
    }];
  });
}
