// The world of the open-data tests, made through the real use cases: a locked draw of five
// inspections (test/integration/inspections/support.ts) of which three are published — one
// later corrected, one later withdrawn — one is submitted but not reviewed, one is a draft
// with findings entered; the corrected one had the entity's statement (陈述申辩), accepted. Private
// texts (problems, handling, notes, the statement and its answer) carry marker strings that
// must never leave through an export.
import type { Express } from 'express';
import type { InspectionRecord } from '../../../models/inspection.js';
import { correctPublished, reviewInspection } from '../../../server/inspections/review.js';
import { withdrawPublication } from '../../../server/results/withdraw.js';
import { answerStatement, makeStatement } from '../../../server/inspections/statement.js';
import { testApp } from '../../helpers/app.js';
import { ensureDepartment } from '../../helpers/auth.js';
import { FINDING, readyToSubmit, submitted } from '../inspections/progress.js';
import { lockedDraw, type LockedDraw } from '../inspections/support.js';

export const DEPARTMENT_NAME = '洪江区市场监督管理局';
export const MARK = 'ZZMARK';

export interface OpenDataWorld extends LockedDraw {
  app: Express;
  /** Published and shown. */
  shown: InspectionRecord;
  /** Published, then corrected from R02 to R01. */
  corrected: InspectionRecord;
  /** Published, then withdrawn. */
  withdrawn: InspectionRecord;
  /** Submitted, not reviewed. */
  pending: InspectionRecord;
  /** Findings entered, not submitted. */
  draft: InspectionRecord;
}

/** A finding whose private texts carry a marker naming the inspection's role in the test. */
export const markedFinding = (role: string) => ({ ...FINDING, problems: `${MARK}-problems-${role}`, handling: `${MARK}-handling-${role}`, note: `${MARK}-note-${role}` });

/** Submitted and approved for publication at once; with `statement`, the entity states its case first and the reviewer accepts it. */
export async function publishAs(world: LockedDraw, inspection: InspectionRecord, role: string, options: { statement?: boolean } = {}): Promise<InspectionRecord> {
  const found = await submitted(world, inspection, markedFinding(role));
  const settings = options.statement ? { ...world.settings, statementWorkingDays: 5 } : world.settings;
  if (options.statement) {
    await makeStatement(found, { kind: 'statement', text: `${MARK}-statement-${role}` }, settings);
    await answerStatement(inspection._id, { decision: 'accepted', reasons: `${MARK}-statement-answer-${role}` }, world.chen, settings);
  }
  return reviewInspection(inspection._id, { decision: 'approve', comment: `${MARK}-review-${role}` }, world.chen, settings);
}

export async function openDataWorld(): Promise<OpenDataWorld> {
  await ensureDepartment('HJ-SCJG', DEPARTMENT_NAME);
  const world = await lockedDraw();
  const [shown, corrected, withdrawn, pending, draft] = world.inspections as [InspectionRecord, InspectionRecord, InspectionRecord, InspectionRecord, InspectionRecord];
  await publishAs(world, shown, 'shown');
  world.clock.advance(60_000);
  await publishAs(world, corrected, 'corrected', { statement: true });
  world.clock.advance(60_000);
  await publishAs(world, withdrawn, 'withdrawn');
  world.clock.advance(3_600_000);
  await correctPublished(corrected._id, { reason: '录入错误，更正为未发现问题', resultCategory: 'R01' }, world.chen, world.settings);
  world.clock.advance(60_000);
  await withdrawPublication(withdrawn._id, { reason: `${MARK}-withdrawal-reason` }, world.chen, world.settings);
  await submitted(world, pending, markedFinding('pending'));
  await readyToSubmit(world, draft, markedFinding('draft'));
  return { ...world, app: testApp({ now: world.clock.now }), shown, corrected, withdrawn, pending, draft };
}
