// Owns what the inspection page and its printed documents show beside the inspection itself:
// the team leader (组长, the first member of the current team), the items (code, name, legal
// basis, methods, content) from the published list, the people (names and the certificate valid
// on the inspection date) of the team, of the check-in and of the recusals, the entity's roster
// facts, the task's period, the department's name and the labels of the result and follow-up
// dictionaries. Reads by indexed keys only; no scope check:
// callers have already decided the reader may see the inspection (access.ts, assertSee).
import mongoose from 'mongoose';
import { Department } from '../../models/department.js';
import { DictionaryEntry } from '../../models/dictionary-entry.js';
import { InspectionItem, INSPECTION_METHODS } from '../../models/inspection-item.js';
import type { InspectionRecord } from '../../models/inspection.js';
import { Inspector } from '../../models/inspector.js';
import { MarketEntity } from '../../models/market-entity.js';
import { Task } from '../../models/task.js';
import { formatDay } from '../time.js';

export interface ItemFacts { code: string; name: string; legalBasis: string; methods: string[]; content: string }
export interface PersonFacts { inspectorId: string; name: string; status: string; certificate: string; validUntil: string; valid: boolean }
export interface EntryFacts { code: string; label: string; active: boolean; closesCase: boolean }

export interface InspectionDetails {
  items: ItemFacts[];
  /** The team leader (组长): the first member of the current team (models/inspection.ts, `team`). */
  leader: string;
  /** By inspector id; someone no longer on the roster is shown by id. */
  people: Record<string, PersonFacts>;
  entity: { legalRepresentative: string; address: string; name: string } | null;
  task: { periodStart: string; periodEnd: string; targeting: string } | null;
  departmentName: string;
  resultCategories: EntryFacts[];
  followUps: EntryFacts[];
}

interface CertificateRow { number: string; validFrom: Date; validUntil: Date }

/** Everyone the inspection names: the team, those present at the check-in, recused members and their replacements. */
export function peopleOf(inspection: Pick<InspectionRecord, 'team' | 'checkIn' | 'recusals' | 'confirmations'>): string[] {
  return [...new Set([
    ...inspection.team, ...(inspection.checkIn?.inspectors ?? []), ...inspection.confirmations.map((c) => c.inspectorId ?? ''),
    ...inspection.recusals.flatMap((r) => [r.inspectorId, r.replacement]),
  ].filter(Boolean))] as string[];
}

/** The team leader (组长): the first member of the current team ('' for a team not formed). */
export function teamLeader(inspection: Pick<InspectionRecord, 'team'>): string {
  return inspection.team[0] ?? '';
}

function certificateOn(certificates: CertificateRow[], day: string): { number: string; validUntil: string; valid: boolean } {
  const valid = certificates.find((c) => formatDay(c.validFrom) <= day && day <= formatDay(c.validUntil));
  const shown = valid ?? [...certificates].sort((a, b) => b.validUntil.getTime() - a.validUntil.getTime())[0];
  return { number: shown?.number ?? '', validUntil: shown ? formatDay(shown.validUntil) : '', valid: Boolean(valid) };
}

export async function inspectionDetails(inspection: InspectionRecord): Promise<InspectionDetails> {
  const ids = peopleOf(inspection);
  const [items, people, entity, task, department, entries] = await Promise.all([
    InspectionItem.find({ code: mongoose.trusted({ $in: inspection.itemCodes }) }).select('code name legalBasis methods content -_id').lean<ItemFacts[]>(),
    Inspector.find({ inspectorId: mongoose.trusted({ $in: ids }) }).select('inspectorId name status certificates -_id')
      .lean<{ inspectorId: string; name: string; status: string; certificates: CertificateRow[] }[]>(),
    MarketEntity.findOne({ creditCode: inspection.creditCode }).select('name address legalRepresentative -_id').lean<{ name: string; address?: string; legalRepresentative?: string }>(),
    Task.findById(inspection.taskId).select('periodStart periodEnd targeting').lean<{ periodStart?: string; periodEnd?: string; targeting: string }>(),
    Department.findOne({ code: inspection.departmentCode }).select('name -_id').lean<{ name: string }>(),
    DictionaryEntry.find({ dictionary: mongoose.trusted({ $in: ['result_category', 'follow_up'] }) }).select('dictionary code label active closesCase order -_id')
      .lean<{ dictionary: string; code: string; label: string; active: boolean; closesCase?: boolean; order?: number }[]>(),
  ]);
  const byCode = new Map(items.map((i) => [i.code, i]));
  const day = inspection.checkIn?.day ?? inspection.inspectionDate;
  const sorted = [...entries].sort((a, b) => (a.order ?? 0) - (b.order ?? 0) || a.code.localeCompare(b.code));
  const entriesOf = (dictionary: string) => sorted.filter((e) => e.dictionary === dictionary).map((e) => ({ code: e.code, label: e.label, active: e.active, closesCase: Boolean(e.closesCase) }));
  return {
    leader: teamLeader(inspection),
    items: inspection.itemCodes.map((code) => byCode.get(code) ?? { code, name: '', legalBasis: '', methods: [], content: '' })
      .map((i) => ({ ...i, legalBasis: i.legalBasis ?? '', content: i.content ?? '', methods: i.methods?.length ? i.methods : [...INSPECTION_METHODS] })),
    people: Object.fromEntries(people.map((p) => {
      const { number, validUntil, valid } = certificateOn(p.certificates, day);
      return [p.inspectorId, { inspectorId: p.inspectorId, name: p.name, status: p.status, certificate: number, validUntil, valid }];
    })),
    entity: entity ? { name: entity.name, address: entity.address ?? '', legalRepresentative: entity.legalRepresentative ?? '' } : null,
    task: task ? { periodStart: task.periodStart ?? '', periodEnd: task.periodEnd ?? '', targeting: task.targeting } : null,
    departmentName: department?.name ?? inspection.departmentCode,
    resultCategories: entriesOf('result_category'),
    followUps: entriesOf('follow_up'),
  };
}

/** A dictionary code's label ('' when unknown). */
export function labelOf(entries: readonly EntryFacts[], code: string | null | undefined): string {
  return code ? entries.find((e) => e.code === code)?.label ?? code : '';
}
