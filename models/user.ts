// User: a person who signs in to the back office. Every user has one role and belongs to one
// department; an inspector user is linked to its roster record (Inspector.userId points back).
// The password is only ever stored as a self-describing scrypt hash (server/auth/password.ts).
import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

/** observer: read-only supervision (纪检, 司法行政) — sees every department, acts on nothing. */
export const ROLES = ['admin', 'supervisor', 'inspector', 'observer'] as const;
export type Role = (typeof ROLES)[number];

/** Lower-case letters, digits and . _ - ; 3–32 characters, starting with a letter or digit. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,31}$/;

const userSchema = new Schema(
  {
    username: { type: String, required: true, trim: true, lowercase: true, match: USERNAME_PATTERN },
    displayName: { type: String, required: true, trim: true, maxlength: 50 },
    role: { type: String, required: true, enum: ROLES },
    departmentCode: { type: String, required: true, trim: true, maxlength: 32 },
    /** The roster record of an inspector user (Inspector._id); absent for other roles. */
    inspectorId: { type: Schema.Types.ObjectId, ref: 'Inspector' },
    // Deliberately not `select: false`: FerretDB rejects the projection Mongoose would then add
    // to findOneAndUpdate. Callers use toPublicUser()/lean projections instead.
    passwordHash: { type: String, required: true },
    active: { type: Boolean, required: true, default: true },
    /** Set after an administrator chose the password: the user must pick a new one first. */
    mustChangePassword: { type: Boolean, required: true, default: false },
    /** Bumped on password change, reset and disabling: sessions carrying an older value end. */
    authVersion: { type: Number, required: true, default: 0 },
    passwordChangedAt: { type: Date },
    lastLoginAt: { type: Date },
  },
  { timestamps: true },
);
userSchema.index({ username: 1 }, { unique: true });
// sparse: on MongoDB many users lack the field; FerretDB ignores sparse but already lets
// several documents without the field share a unique index.
userSchema.index({ inspectorId: 1 }, { unique: true, sparse: true });
userSchema.index({ departmentCode: 1, username: 1 });

export type UserFields = InferSchemaType<typeof userSchema>;
export type UserRecord = UserFields & { _id: Types.ObjectId };
export const User = mongoose.model('User', userSchema);
