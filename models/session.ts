// Session: the server side of a signed-in browser (anonymous visitors have none). Documents expire by
// date and are purged by a scheduled job (jobs/index.ts), not by a TTL index, because FerretDB
// cannot create TTL indexes; the same purge runs on MongoDB so that one code path is tested.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const sessionSchema = new Schema(
  {
    /** SHA-256 of the session id: a copy of this collection does not yield usable cookies. */
    _id: { type: String, required: true },
    /** The session data as JSON text (keys with '.' or '$' would be refused by FerretDB). */
    data: { type: String, required: true },
    expires: { type: Date, required: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User' },
  },
  { versionKey: false },
);
sessionSchema.index({ expires: 1 });
sessionSchema.index({ userId: 1 });

export type SessionFields = InferSchemaType<typeof sessionSchema>;
export const Session = mongoose.model('Session', sessionSchema);
