// Task (抽查任务): one batch of a plan — items, pool conditions and strata, inspection date and
// period, departments, inspector-phase parameters, declared random sources and an optional
// cron schedule (evaluated in TIME_ZONE). Each scheduled slot is announced and drawn once
// (models/announcement.ts, models/draw-run.ts); server/plans/tasks.ts owns the rules.
import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

export const TASK_INSPECTION_TYPES = ['日常', '专项', '线索核查', '即时'] as const;
/** Only planned inspections are drawn (双随机); 线索核查 and 即时 are not. */
export const DRAWN_INSPECTION_TYPES = ['日常', '专项'] as const;
export const TASK_TARGETING = ['定向', '不定向'] as const;
export const TASK_STATUSES = ['待抽取', '已抽取', '已完成'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

const stratumSchema = new Schema(
  {
    id: { type: String, required: true, maxlength: 64 },
    /** {riskClass?, industry?, region?, specialRoster?}: lists of strings (DRAW-SPEC §6.1). */
    where: { type: Schema.Types.Mixed, default: () => ({}) },
    quota: {
      count: { type: Number, min: 0 },
      ratioPpm: { type: Number, min: 0, max: 1_000_000 },
      min: { type: Number, min: 0 },
      max: { type: Number, min: 0 },
    },
    alternates: { type: Number, min: 0, default: 0 },
  },
  { _id: false },
);

const taskSchema = new Schema(
  {
    number: { type: String, required: true, trim: true, maxlength: 64 },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    planKey: { type: String, required: true, maxlength: 32 },
    /** The initiating department; joint tasks list the others in participatingDepartments. */
    departmentCode: { type: String, required: true, trim: true, maxlength: 32 },
    participatingDepartments: { type: [String], default: [] },
    joint: { type: Boolean, default: false },
    itemCodes: { type: [String], default: [] },
    targeting: { type: String, required: true, enum: TASK_TARGETING },
    /** 定向: pool conditions (same keys as a stratum's where); 不定向: empty. */
    conditions: { type: Schema.Types.Mixed, default: () => ({}) },
    strata: { type: [stratumSchema], default: [] },
    repeatWindowDays: { type: Number, min: 0, max: 36600, default: 0 },
    inspectionType: { type: String, required: true, enum: TASK_INSPECTION_TYPES },
    inspectionDate: { type: String, required: true, match: /^\d{4}-\d{2}-\d{2}$/ },
    periodStart: { type: String, match: /^\d{4}-\d{2}-\d{2}$/ },
    periodEnd: { type: String, match: /^\d{4}-\d{2}-\d{2}$/ },
    publishList: { type: Boolean, default: false },
    status: { type: String, required: true, enum: TASK_STATUSES, default: '待抽取' },
    /** One draw at `at`, or one per slot of `cron` (node-cron syntax, TIME_ZONE). */
    schedule: { at: { type: Date }, cron: { type: String, maxlength: 100 } },
    sources: {
      drand: { type: Boolean, default: true },
      lotteryGame: { type: String, maxlength: 16 },
      commitReveal: { type: Boolean, default: false },
    },
    assignment: {
      teamSize: { type: Number, min: 2 },
      maxAssignmentsPerInspector: { type: Number, min: 1 },
      requiredQualifications: { type: [String], default: undefined },
      allowedDepartments: { type: [String], default: undefined },
    },
    createdBy: { userId: { type: Schema.Types.ObjectId }, label: { type: String, maxlength: 100 } },
    completedAt: { type: Date },
  },
  { timestamps: true },
);
taskSchema.index({ number: 1 }, { unique: true });
taskSchema.index({ departmentCode: 1, status: 1 });
taskSchema.index({ planKey: 1 });
taskSchema.index({ status: 1, 'schedule.cron': 1 });

export type TaskFields = InferSchemaType<typeof taskSchema>;
export type TaskRecord = TaskFields & { _id: Types.ObjectId };
export const Task = mongoose.model('Task', taskSchema);
