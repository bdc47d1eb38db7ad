// DictionaryEntry: editable code lists kept as data, not code — result categories (检查结果),
// follow-up options (后续处置) and administrative divisions (行政区划, GB/T 2260: six-digit code →
// region name, used to name the region of an entity imported without a region column), seeded
// from the domain defaults.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const DICTIONARIES = ['result_category', 'follow_up', 'division'] as const;

const dictionaryEntrySchema = new Schema(
  {
    dictionary: { type: String, required: true, enum: DICTIONARIES },
    code: { type: String, required: true, trim: true, maxlength: 32 },
    label: { type: String, required: true, trim: true, maxlength: 100 },
    order: { type: Number, required: true, min: 0 },
    /** Result categories that put the entity on the 经营异常名录. */
    leadsToAbnormalList: { type: Boolean, default: false },
    /** Follow-up options that close the case. */
    closesCase: { type: Boolean, default: false },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);
dictionaryEntrySchema.index({ dictionary: 1, code: 1 }, { unique: true });

export type DictionaryEntryFields = InferSchemaType<typeof dictionaryEntrySchema>;
export const DictionaryEntry = mongoose.model('DictionaryEntry', dictionaryEntrySchema);
