// Department (执法部门): who inspects. Levels follow the administrative hierarchy.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const DEPARTMENT_LEVELS = ['省', '市', '县', '所'] as const;

const departmentSchema = new Schema(
  {
    code: { type: String, required: true, trim: true, maxlength: 32 },
    name: { type: String, required: true, trim: true, maxlength: 100 },
    level: { type: String, required: true, enum: DEPARTMENT_LEVELS },
    parentCode: { type: String, trim: true, maxlength: 32 },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);
departmentSchema.index({ code: 1 }, { unique: true });

export type DepartmentFields = InferSchemaType<typeof departmentSchema>;
export const Department = mongoose.model('Department', departmentSchema);
