// CheckLookup: one row per lookup of an inspection code on the public check page (/check) that
// is in flight or did not confirm a genuine inspection; a lookup that confirms one deletes its
// row. Rows are only inserted and deleted — the limit is a count, never a counter updated in
// place — and are purged after the window by the inspections job (FerretDB has no TTL index).
// The policy that reads them is server/inspections/check-throttle.ts.
import mongoose, { Schema, Types, type InferSchemaType } from 'mongoose';

const checkLookupSchema = new Schema({
  _id: { type: String, default: () => new Types.ObjectId().toHexString() },
  /** The client address, IPv6 by its /64 (server/inspections/check-throttle.ts lookupAddress). */
  address: { type: String, required: true, maxlength: 64 },
  at: { type: Date, required: true },
}, { versionKey: false });
checkLookupSchema.index({ address: 1, at: -1 });
checkLookupSchema.index({ at: 1 });

export type CheckLookupFields = InferSchemaType<typeof checkLookupSchema>;
export const CheckLookup = mongoose.model('CheckLookup', checkLookupSchema);
