// Owns what the inspection page shows of the enterprise's side (views/inspections/statement.ejs):
// the statement period and its state, the statement and whether the viewer may answer it, and the
// anonymous ratings — only for the department's supervisors who took no part (rating.ts says why).
import type { InspectionRecord } from '../../models/inspection.js';
import type { Acting } from '../plans/acting.js';
import { maySeeRatings, ratingsFor } from './rating.js';
import type { InspectionSettings } from './settings.js';
import { statementOfVisit, statementStatus } from './statement.js';

export async function enterpriseSideOf(acting: Acting, inspection: InspectionRecord, settings: InspectionSettings) {
  const allowed = maySeeRatings(acting, inspection);
  const [status, ratings] = await Promise.all([statementStatus(inspection, settings), allowed ? ratingsFor(acting, inspection) : null]);
  const made = statementOfVisit(inspection);
  return {
    status, ratings,
    canAnswer: allowed && inspection.state === 'submitted' && made?.kind === 'statement' && !made.answer?.decision,
  };
}
