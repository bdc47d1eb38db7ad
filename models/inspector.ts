// Inspector (执法检查人员): one row of the inspector roster. Only 有效 inspectors holding a
// certificate valid on the inspection date may ever be drawn.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { DEPARTMENT_LEVELS } from './department.js';

export const INSPECTOR_STATUSES = ['有效', '失效'] as const;
export const CONFLICT_KINDS = ['entity', 'former_employer', 'relative_business', 'other'] as const;

const certificateSchema = new Schema(
  {
    number: { type: String, required: true, trim: true, maxlength: 64 },
    issuer: { type: String, trim: true, maxlength: 100 },
    validFrom: { type: Date, required: true },
    validUntil: { type: Date, required: true },
  },
  { _id: false },
);

const conflictSchema = new Schema(
  {
    kind: { type: String, enum: CONFLICT_KINDS, required: true },
    creditCode: { type: String, required: true, trim: true },
    note: { type: String, trim: true, maxlength: 500 },
    declaredAt: { type: Date, default: () => new Date() },
  },
  { _id: false },
);

const inspectorSchema = new Schema(
  {
    inspectorId: { type: String, required: true, trim: true, maxlength: 32 },
    name: { type: String, required: true, trim: true, maxlength: 50 },
    departmentCode: { type: String, required: true, trim: true },
    unitLevel: { type: String, enum: DEPARTMENT_LEVELS },
    post: { type: String, trim: true, maxlength: 100 },
    certificates: { type: [certificateSchema], default: [] },
    qualifications: { type: [String], default: [] },
    itemCodes: { type: [String], default: [] },
    status: { type: String, enum: INSPECTOR_STATUSES, required: true, default: '有效' },
    conflicts: { type: [conflictSchema], default: [] },
    userId: { type: Schema.Types.ObjectId, ref: 'User' },
  },
  { timestamps: true },
);
inspectorSchema.index({ inspectorId: 1 }, { unique: true });
inspectorSchema.index({ 'certificates.number': 1 });
// See docs/QUERIES.md: the admin list's order, the public lookup's order, the figures' count.
inspectorSchema.index({ departmentCode: 1, name: 1, inspectorId: 1 });
inspectorSchema.index({ name: 1, inspectorId: 1 });
inspectorSchema.index({ status: 1 });

export type InspectorFields = InferSchemaType<typeof inspectorSchema>;
export const Inspector = mongoose.model('Inspector', inspectorSchema);
