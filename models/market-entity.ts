// MarketEntity (市场主体): one row of the entity roster (检查对象名录库). The credit code is
// the natural key; only 存续 (active) entities are ever drawable.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { creditCodeProblem } from './credit-code.js';

export const ENTITY_TYPES = ['企业', '农民专业合作社', '个体工商户', '外企代表机构'] as const;
export const ENTITY_STATUSES = ['存续', '注销', '吊销', '撤销', '迁出'] as const;
export const DRAWABLE_STATUS = '存续';
export const RISK_CLASSES = ['A', 'B', 'C', 'D'] as const;
/** GB/T 4754-2017 sections (门类). */
export const INDUSTRY_SECTIONS = 'ABCDEFGHIJKLMNOPQRST'.split('');


const specialRosterSchema = new Schema(
  {
    roster: { type: String, required: true, trim: true, maxlength: 50 },
    licenceNumber: { type: String, trim: true, maxlength: 64 },
    licenceExpiresOn: { type: Date },
  },
  { _id: false },
);

const marketEntitySchema = new Schema(
  {
    creditCode: {
      type: String,
      required: true,
      validate: {
        validator: (code: string) => creditCodeProblem(code) === undefined,
        // A message code (error.field.credit_code.* in the catalogues), never a sentence.
        message: (props: { value: string }) => `credit_code.${creditCodeProblem(props.value) ?? 'check_digit'}`,
      },
    },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    type: { type: String, required: true, enum: ENTITY_TYPES },
    status: { type: String, required: true, enum: ENTITY_STATUSES, default: DRAWABLE_STATUS },
    statusDate: { type: Date },
    foundedOn: { type: Date },
    registeringAuthority: { type: String, trim: true, maxlength: 100 },
    supervisingOffice: { type: String, trim: true, maxlength: 100 },
    region: { type: String, required: true, trim: true, maxlength: 50 },
    address: { type: String, trim: true, maxlength: 300 },
    legalRepresentative: { type: String, trim: true, maxlength: 50 },
    industry: { type: String, enum: INDUSTRY_SECTIONS },
    specialRosters: { type: [specialRosterSchema], default: [] },
    riskClass: { type: String, enum: RISK_CLASSES },
    riskAsOf: { type: Date },
    lastInspectedOn: { type: Date },
    abnormalOperation: { type: Boolean, default: false },
    /** False once an admin removes the entity from the roster; it is kept (draws may cite it) but never drawn. */
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);
marketEntitySchema.index({ creditCode: 1 }, { unique: true });
// Each index below serves a query listed in docs/QUERIES.md (test/integration/query-plans.test.ts
// checks the plans on MongoDB). Lists sort by credit code, so filters index as {field, creditCode}.
marketEntitySchema.index({ status: 1, active: 1 });
marketEntitySchema.index({ region: 1, creditCode: 1 });
marketEntitySchema.index({ 'specialRosters.roster': 1, creditCode: 1 });
marketEntitySchema.index({ name: 1 });

export type MarketEntityFields = InferSchemaType<typeof marketEntitySchema>;
export const MarketEntity = mongoose.model('MarketEntity', marketEntitySchema);
