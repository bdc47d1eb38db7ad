// InspectionItem (抽查事项): one entry of the public inspection-item list (the "一单").
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const INSPECTION_METHODS = ['现场检查', '书面检查', '检验检测', '网络监测', '委托专业机构', '行政部门检查结果或专业意见'] as const;
export const ITEM_KINDS = ['一般', '重点'] as const;

const inspectionItemSchema = new Schema(
  {
    code: { type: String, required: true, trim: true, match: /^[A-Z]\d{2,4}$/, maxlength: 8 },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    legalBasis: { type: String, trim: true, maxlength: 2000, default: '', multiline: true },
    departmentCode: { type: String, required: true, trim: true },
    targetType: { type: String, trim: true, maxlength: 200, default: '' },
    methods: { type: [{ type: String, enum: INSPECTION_METHODS }], default: [] },
    content: { type: String, trim: true, maxlength: 4000, default: '', multiline: true },
    ratioText: { type: String, trim: true, maxlength: 200, default: '' },
    frequencyText: { type: String, trim: true, maxlength: 200, default: '' },
    kind: { type: String, enum: ITEM_KINDS, required: true, default: '一般' },
    requiredQualification: { type: String, trim: true, maxlength: 100 },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);
inspectionItemSchema.index({ code: 1 }, { unique: true });
inspectionItemSchema.index({ departmentCode: 1, code: 1 });
inspectionItemSchema.index({ active: 1, code: 1 });

export type InspectionItemFields = InferSchemaType<typeof inspectionItemSchema>;
export const InspectionItem = mongoose.model('InspectionItem', inspectionItemSchema);
