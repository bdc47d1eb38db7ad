// Plan (年度抽查计划): one version of a department's annual inspection plan. An amendment is a
// new version (same planKey, version + 1); every version is kept and none is ever edited after
// publication. A plan must be published before any of its tasks is drawn; a 专项 plan also needs
// a necessity note and the approval of a second supervisor (server/plans/plans.ts enforces it).
import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

export const PLAN_INSPECTION_TYPES = ['日常', '专项'] as const;
export const PLAN_STATUSES = ['待执行', '执行中', '已完成'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

const actorRef = new Schema(
  { userId: { type: Schema.Types.ObjectId, ref: 'User' }, label: { type: String, required: true, maxlength: 100 } },
  { _id: false },
);

const planSchema = new Schema(
  {
    /** Stable across versions: the _id (as hex) of version 1. */
    planKey: { type: String, required: true, maxlength: 32 },
    version: { type: Number, required: true, min: 1 },
    year: { type: Number, required: true, min: 2000, max: 2100 },
    /** 字号, e.g. 洪市监〔2026〕3号. */
    number: { type: String, required: true, trim: true, maxlength: 64 },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    leadDepartment: { type: String, required: true, trim: true, maxlength: 32 },
    participatingDepartments: { type: [String], default: [] },
    inspectionType: { type: String, required: true, enum: PLAN_INSPECTION_TYPES },
    itemCodes: { type: [String], default: [] },
    scope: { type: String, trim: true, maxlength: 2000, default: '', multiline: true },
    /** Per-stratum ratios the plan sets (a task copies them into its strata). */
    ratios: { type: [{ label: { type: String, maxlength: 64 }, where: { type: Schema.Types.Mixed }, ratioPpm: { type: Number, min: 0, max: 1_000_000 }, _id: false }], default: [] },
    batches: { type: [{ name: { type: String, maxlength: 100 }, period: { type: String, maxlength: 100 }, _id: false }], default: [] },
    status: { type: String, required: true, enum: PLAN_STATUSES, default: '待执行' },
    /** Required for 专项 before publication (necessity assessment). */
    necessityNote: { type: String, trim: true, maxlength: 4000, default: '', multiline: true },
    approvedBy: { type: actorRef },
    approvedAt: { type: Date },
    publicationDeadline: { type: Date, required: true },
    publishedAt: { type: Date },
    publishedBy: { type: actorRef },
    amendmentReason: { type: String, trim: true, maxlength: 2000, multiline: true },
    createdBy: { type: actorRef, required: true },
  },
  { timestamps: true },
);
planSchema.index({ planKey: 1, version: 1 }, { unique: true });
planSchema.index({ leadDepartment: 1, year: 1 });
// A department's plan list also shows the plans it takes part in (server/plans/plans.ts listPlans).
planSchema.index({ participatingDepartments: 1, year: 1 });

export type PlanFields = InferSchemaType<typeof planSchema>;
export type PlanRecord = PlanFields & { _id: Types.ObjectId };
export const Plan = mongoose.model('Plan', planSchema);
