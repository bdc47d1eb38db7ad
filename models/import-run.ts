// ImportRun: one attempt at a bulk import (entities, inspectors or inspection items) — who
// started it, which file (by SHA-256), how far it got and what it counted. The web page polls
// it for progress; a later attempt on the same file reads it to resume after a crash.
// Owned by server/import/ (run-store.ts writes it; nothing else should).
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const IMPORT_KINDS = ['entities', 'inspectors', 'items'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const IMPORT_STATUSES = ['running', 'completed', 'failed', 'interrupted'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
/** How many row errors are kept on the run itself; the full list is the CSV error report. */
export const SAMPLE_ERROR_LIMIT = 20;

const countsSchema = new Schema(
  {
    /** Data rows read (the header not included). */
    read: { type: Number, default: 0, min: 0 },
    inserted: { type: Number, default: 0, min: 0 },
    updated: { type: Number, default: 0, min: 0 },
    /** Valid rows whose document already held exactly these values: nothing written. */
    unchanged: { type: Number, default: 0, min: 0 },
    /** Rows repeating an earlier row of the file with identical content: skipped. */
    duplicates: { type: Number, default: 0, min: 0 },
    /** Rows with at least one error: never written, listed in the error report. */
    rejected: { type: Number, default: 0, min: 0 },
  },
  { _id: false },
);

const rowErrorSchema = new Schema(
  {
    row: { type: Number, required: true },
    column: { type: String, default: '' },
    value: { type: String, default: '' },
    code: { type: String, required: true },
    /** Selects the catalogue message when one code has several (`import.row.<code>.<variant>`). */
    variant: { type: String },
    /** Values the message shows besides row, column and value (limits, the first row…). */
    params: { type: Schema.Types.Mixed },
    /** Runs from before messages came from the catalogues kept a Chinese sentence instead. */
    message: { type: String },
  },
  { _id: false },
);

const importRunSchema = new Schema(
  {
    kind: { type: String, enum: IMPORT_KINDS, required: true },
    fileName: { type: String, required: true, trim: true, maxlength: 255 },
    /** Where the file is read from (an upload kept under DATA_DIR, or the CLI's path). */
    filePath: { type: String, required: true },
    fileSha256: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
    fileSize: { type: Number, required: true, min: 0 },
    format: { type: String, enum: ['csv', 'xlsx'], required: true },
    /** Character encoding actually used for a CSV (detected or given). */
    encoding: { type: String },
    dryRun: { type: Boolean, default: false },
    startedBy: {
      userId: { type: Schema.Types.ObjectId, ref: 'User' },
      username: { type: String, required: true, maxlength: 100 },
      via: { type: String, enum: ['web', 'cli', 'api'], required: true },
    },
    status: { type: String, enum: IMPORT_STATUSES, required: true, default: 'running' },
    counts: { type: countsSchema, default: () => ({}) },
    bytesRead: { type: Number, default: 0, min: 0 },
    /** Every data row up to this spreadsheet row number has been written, skipped or rejected. */
    lastCommittedRow: { type: Number, default: 0, min: 0 },
    /** The interrupted attempt this one continues; unique, so two processes cannot both resume it. */
    resumeOf: { type: Schema.Types.ObjectId, ref: 'ImportRun' },
    resumedFromRow: { type: Number, min: 0 },
    /**
     * "<kind>:<file sha256>:<the run this one follows, or 'first'>" — unique, so of two imports
     * of the same file started at the same moment (both seeing the same latest run) only one is
     * stored; the other is refused naming it. Absent on dry runs and on files refused outright.
     */
    claimKey: { type: String },
    columns: { type: [{ header: String, field: String, _id: false }], default: [] },
    unknownColumns: { type: [String], default: [] },
    /** A header naming a field an earlier column already feeds: ignored (older runs listed these in unknownColumns). */
    repeatedColumns: { type: [{ header: String, first: String, _id: false }], default: [] },
    /** The CSV error report, relative to DATA_DIR; absent when no row was rejected. */
    errorReport: { path: { type: String }, count: { type: Number, default: 0 } },
    sampleErrors: { type: [rowErrorSchema], default: [] },
    /** `message` is zh-CN text; `key` + `params` render it in the reader's language (absent on old runs). */
    failure: { code: { type: String }, message: { type: String }, key: { type: String }, params: { type: Schema.Types.Mixed } },
    /** Host and pid of the process doing the work: a dead pid on this host means interrupted now. */
    host: { type: String },
    pid: { type: Number },
    startedAt: { type: Date, required: true },
    heartbeatAt: { type: Date, required: true },
    finishedAt: { type: Date },
  },
  { timestamps: true },
);
importRunSchema.index({ kind: 1, fileSha256: 1, startedAt: -1 });
importRunSchema.index({ startedAt: -1 });
// sparse: on MongoDB, runs without resumeOf must not collide on a missing value (FerretDB ignores
// sparse but already lets several documents lack a uniquely indexed field).
importRunSchema.index({ resumeOf: 1 }, { unique: true, sparse: true });
importRunSchema.index({ claimKey: 1 }, { unique: true, sparse: true });
// The retention sweep reads the running runs (a handful) to keep their files.
importRunSchema.index({ status: 1 });

export type ImportRunFields = InferSchemaType<typeof importRunSchema>;
export type ImportCounts = { read: number; inserted: number; updated: number; unchanged: number; duplicates: number; rejected: number };
/** Values a row message shows: text, numbers, or a list (joined in the reader's language). */
export type RowErrorParams = Record<string, string | number | string[]>;
/**
 * One problem of one row. The message is not stored: it is the catalogue's `import.row.<code>`
 * (or `.<variant>`) with column, value and params, rendered where it is read (server/import/messages.ts).
 */
export type ImportRowError = { row: number; column: string; value: string; code: string; variant?: string; params?: RowErrorParams; message?: string };
export const ImportRun = mongoose.model('ImportRun', importRunSchema);
