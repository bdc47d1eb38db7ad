// AppMeta: small named facts about this database (e.g. that the demo world was loaded), so
// that one-time start-up work is claimed by inserting a key under a unique index — the
// portable way to claim something on MongoDB and FerretDB alike.
import mongoose, { Schema } from 'mongoose';

const appMetaSchema = new Schema(
  {
    key: { type: String, required: true },
    value: { type: Schema.Types.Mixed },
  },
  { timestamps: true },
);
appMetaSchema.index({ key: 1 }, { unique: true });

export const AppMeta = mongoose.model('AppMeta', appMetaSchema);
