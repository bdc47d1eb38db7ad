// Inspection (检查记录): one per (draw, entity) once the drawn list is locked, or one a supervisor
// creates for a 线索核查 / 即时 task (not drawn: `adHoc`) — the team, the
// items, the approval before entry (行政检查审批), the check-in code and check-in, the findings
// per item, both members' confirmations, the reviews, the publication and the follow-up.
// server/inspections/ owns the rules; every change is one conditional update of this single
// document (state + version), so a killed process leaves the old state or the new one, and
// the audit entries a change owes travel in `outbox` until appended to the chain exactly once.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const INSPECTION_STATES = [
  'assigned', 'approved', 'checked_in', 'findings_entered', 'submitted', 'returned', 'rejected',
  'approved_for_publication', 'published', 'closed',
] as const;
export type InspectionState = (typeof INSPECTION_STATES)[number];

/** How the inspection is carried out: on site, or where the item allows, from papers or data. */
export const INSPECTION_MODES = ['onsite', 'desk', 'data'] as const;
export type InspectionMode = (typeof INSPECTION_MODES)[number];

const day = { type: String, match: /^\d{4}-\d{2}-\d{2}$/ };
const actor = { kind: { type: String }, userId: { type: Schema.Types.ObjectId }, label: { type: String, maxlength: 100 } };

const findingSchema = new Schema(
  {
    itemCode: { type: String, required: true, maxlength: 32 },
    methods: { type: [String], default: [] },
    /** A code of the 'result_category' dictionary. */
    resultCategory: { type: String, required: true, maxlength: 32 },
    problems: { type: String, maxlength: 4000, default: '', multiline: true },
    handling: { type: String, maxlength: 2000, default: '', multiline: true },
    /** A code of the 'follow_up' dictionary. */
    followUp: { type: String, maxlength: 32, default: '' },
    rectifyBy: day,
    note: { type: String, maxlength: 4000, default: '', multiline: true },
  },
  { _id: false },
);

const reviewSchema = new Schema(
  {
    decision: { type: String, required: true, enum: ['approve', 'return', 'reject'] },
    comment: { type: String, maxlength: 4000, default: '', multiline: true },
    by: actor,
    byInspectorId: { type: String, maxlength: 32 },
    at: { type: Date, required: true },
    publishAt: { type: Date },
    revision: { type: Number, required: true },
  },
  { _id: false },
);

const recusalSchema = new Schema(
  {
    /** Position in the draw record's recusal list (DRAW-SPEC §8), shared by all the run's entities. */
    seq: { type: Number, required: true },
    inspectorId: { type: String, required: true, maxlength: 32 },
    requestedBy: { type: String, required: true, enum: ['inspector', 'entity', 'supervisor'] },
    /** Single-line: it is published in the draw record, whose texts have no line breaks. */
    reason: { type: String, required: true, maxlength: 500 },
    replacement: { type: String, required: true, maxlength: 32 },
    at: { type: Date, required: true },
    by: actor,
  },
  { _id: false },
);

const outboxSchema = new Schema(
  {
    /** Unique per change: the audit entry is appended once under this key. */
    id: { type: String, required: true, maxlength: 200 },
    action: { type: String, required: true, maxlength: 100 },
    actor: { type: Schema.Types.Mixed, required: true },
    requestId: { type: String, maxlength: 64 },
    after: { type: Schema.Types.Mixed },
    at: { type: Date, required: true },
  },
  { _id: false },
);

const inspectionSchema = new Schema(
  {
    /** "<run key>|<credit code>": deterministic, so creating after a crash makes nothing twice. */
    _id: { type: String },
    /** The draw whose team this is (a joint task: the department's team draw). */
    runKey: { type: String, required: true, maxlength: 200 },
    /** The draw that selected the entity (equal to runKey unless the task is joint). */
    entityRunKey: { type: String, required: true, maxlength: 200 },
    taskId: { type: Schema.Types.ObjectId, required: true },
    taskNumber: { type: String, required: true, maxlength: 64 },
    taskName: { type: String, required: true, maxlength: 200 },
    planKey: { type: String, maxlength: 32 },
    departmentCode: { type: String, required: true, maxlength: 32 },
    inspectionType: { type: String, required: true, maxlength: 16 },
    /**
     * 线索核查 / 即时 (not drawn): created by a supervisor of the task's department, who assigned
     * the team, with the clue or reason (server/inspections/ad-hoc.ts). Absent: drawn.
     */
    adHoc: {
      type: new Schema({ reason: { type: String, required: true, maxlength: 2000, multiline: true }, by: actor, at: { type: Date, required: true } }, { _id: false }),
      default: undefined,
    },
    year: { type: Number, required: true },
    creditCode: { type: String, required: true, maxlength: 18 },
    entityName: { type: String, default: '', maxlength: 200 },
    entityAddress: { type: String, default: '', maxlength: 300 },
    itemCodes: { type: [String], default: [] },
    /**
     * The current team: the drawn team with recusals applied in order (an ad-hoc inspection's:
     * as the supervisor assigned it). The first member is the team leader (组长), who signs the
     * record as such: the engine's team order for a drawn team, the supervisor's first choice
     * for an assigned one. A recusal puts the replacement in the recused member's position, so a
     * recused leader's replacement leads (server/inspections/recusal.ts, syncRecusals).
     */
    team: { type: [String], default: [] },
    inspectionDate: { ...day, required: true },
    dueOn: { ...day, required: true },
    state: { type: String, required: true, enum: INSPECTION_STATES, default: 'assigned' },
    version: { type: Number, required: true, default: 0 },
    approval: {
      mode: { type: String, enum: INSPECTION_MODES },
      reason: { type: String, maxlength: 1000, multiline: true },
      by: actor,
      at: { type: Date },
      /** 即时: approved after the visit. */
      afterwards: { type: Boolean },
    },
    /** The code on the notice (扫码入企): unguessable, unique; set at approval. */
    checkCode: { type: String, maxlength: 40 },
    checkIn: {
      at: { type: Date },
      day: day,
      inspectors: { type: [String], default: undefined },
      via: { type: String, enum: ['code', 'certificate'] },
      /** Without a working code: filed later, with the reason. */
      lateReason: { type: String, maxlength: 1000, multiline: true },
      filedAt: { type: Date },
      by: actor,
    },
    /** 1 + the number of earlier visits (a rejected result is inspected again). */
    visit: { type: Number, default: 1 },
    findings: { type: [findingSchema], default: [] },
    /** The entity's overall result: a 'result_category' code; none until the findings say so. */
    resultCategory: { type: String, maxlength: 32 },
    /** Bumped by every change of the findings; confirmations and reviews name the revision. */
    revision: { type: Number, required: true, default: 0 },
    confirmations: { type: [{ inspectorId: String, at: Date, revision: Number, _id: false }], default: [] },
    submittedAt: { type: Date },
    /** The day the result arose (its first submission): the 20 working days run from it. */
    resultOn: day,
    publishDueOn: day,
    reviews: { type: [reviewSchema], default: [] },
    publishAt: { type: Date },
    publishedAt: { type: Date },
    /** What was published: never edited; a correction is a new entry in `corrections`. */
    publication: { type: Schema.Types.Mixed },
    corrections: { type: [{ at: Date, by: actor, reason: { type: String, multiline: true }, changes: Schema.Types.Mixed, _id: false }], default: [] },
    /** 撤回公示: a published result taken off every public page (server/results/withdraw.ts); the publication stays. */
    withdrawal: { type: new Schema({ at: { type: Date, required: true }, by: actor, reason: { type: String, required: true, maxlength: 2000, multiline: true } }, { _id: false }), default: undefined },
    followUp: {
      measure: { type: String, maxlength: 32 },
      note: { type: String, maxlength: 2000, multiline: true },
      closedAt: { type: Date },
    },
    /** Results 无法联系 / 隐瞒弄虚作假: flagged for the 经营异常名录 hand-off. */
    abnormalListHandoff: { type: Boolean, default: false },
    recusals: { type: [recusalSchema], default: [] },
    /**
     * The reply code (回执码) of the current visit, issued at check-in and printed on the record
     * the entity keeps: it opens the findings, the statement and the rating (server/inspections/reply-code.ts).
     */
    reply: {
      code: { type: String, maxlength: 16 },
      /** SHA-256 of the code: what public lookups query. */
      hash: { type: String, maxlength: 64 },
      visit: { type: Number },
      issuedAt: { type: Date },
    },
    /** The entity's statement (陈述申辩) on the findings of a visit, or its waiver, and the reviewer's answer (server/inspections/statement.ts). */
    statement: {
      visit: { type: Number },
      kind: { type: String, enum: ['statement', 'waived'] },
      text: { type: String, maxlength: 4000, multiline: true },
      at: { type: Date },
      /** The findings revision it was made on. */
      revision: { type: Number },
      answer: {
        decision: { type: String, enum: ['accepted', 'not_accepted'] },
        reasons: { type: String, maxlength: 4000, multiline: true },
        by: actor,
        byInspectorId: { type: String, maxlength: 32 },
        at: { type: Date },
      },
    },
    /** Statements of earlier findings (a return and new findings open a new period): kept, never dropped. */
    earlierStatements: { type: [Schema.Types.Mixed], default: undefined },
    outbox: { type: [outboxSchema], default: [] },
    /** True while `outbox` holds entries (the recovery sweep finds them by this index). */
    outboxPending: { type: Boolean },
  },
  { timestamps: true },
);
inspectionSchema.index({ checkCode: 1 }, { unique: true, sparse: true });
inspectionSchema.index({ team: 1, state: 1, dueOn: 1 });
inspectionSchema.index({ departmentCode: 1, state: 1, dueOn: 1 });
inspectionSchema.index({ runKey: 1, creditCode: 1 });
inspectionSchema.index({ creditCode: 1, year: 1 }); // an entity's inspections of a year (the notice counts them against the cap)
inspectionSchema.index({ state: 1, publishAt: 1 });
inspectionSchema.index({ outboxPending: 1 }, { sparse: true });
// Statistics of published results by the year they arose, all or one department (server/statistics/published.ts).
inspectionSchema.index({ 'publication.completedOn': 1, departmentCode: 1 });
// Supervision alerts over a year's inspections, all or one department (server/supervision/: pairs, repeats, late check-ins).
inspectionSchema.index({ year: 1, departmentCode: 1 });
inspectionSchema.index({ 'reply.hash': 1 }, { unique: true, sparse: true });
// Public results (server/results/): newest first, by department, by entity (docs/QUERIES.md results.*).
inspectionSchema.index({ publishedAt: -1, _id: -1 });
inspectionSchema.index({ departmentCode: 1, publishedAt: -1, _id: -1 });
inspectionSchema.index({ creditCode: 1, publishedAt: -1, _id: -1 });
// The open-data feed's corrected results (server/open-data/feed.ts): sparse, so it holds only corrected inspections.
inspectionSchema.index({ 'corrections.at': -1 }, { sparse: true });

/** A recusal's claim on its position in the run's record (unique: two at once cannot share one). */
const recusalClaimSchema = new Schema({
  /** "<run key>|<seq>". */
  _id: { type: String },
  runKey: { type: String, required: true, maxlength: 200 },
  seq: { type: Number, required: true },
  creditCode: { type: String, required: true, maxlength: 18 },
  inspectorId: { type: String, required: true, maxlength: 32 },
  /** Single-line, as in the draw record. */
  reason: { type: String, required: true, maxlength: 500 },
  requestedBy: { type: String, required: true, maxlength: 16 },
  replacement: { type: String, required: true, maxlength: 32 },
  at: { type: Date, required: true },
  by: actor,
});
recusalClaimSchema.index({ runKey: 1, seq: 1 });

export type InspectionFields = InferSchemaType<typeof inspectionSchema>;
export type InspectionRecord = InspectionFields & { _id: string; createdAt: Date; updatedAt: Date };
export type InspectionFinding = InferSchemaType<typeof findingSchema>;
export type RecusalClaimRecord = InferSchemaType<typeof recusalClaimSchema> & { _id: string };
export const Inspection = mongoose.model('Inspection', inspectionSchema);
export const RecusalClaim = mongoose.model('RecusalClaim', recusalClaimSchema);
