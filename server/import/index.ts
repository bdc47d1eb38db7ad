// The import engine's public API: what the CLI (scripts/import.ts) and the web routes call.
//   startImport(request)        → { runId, done }   start from a file path or an upload stream
//   getImportRun(runId)         → progress and counts (poll it while status is 'running')
//   listImportRuns({ kind })    → recent runs
//   openErrorReport(runId, dir) → the CSV error report as a download stream
export { startImport, DEFAULT_BATCH_SIZE, type ImportRequest, type ImportHandle, type ImportSummary } from './start.js';
export { getImportRun, listImportRuns, openErrorReport, type ImportRunView } from './runs.js';
export { progressLine, type ImportProgress } from './progress.js';
export { parseEncodingName, ENCODINGS, type Encoding } from './encoding.js';
export { ImportFileError } from './types.js';
export { KINDS } from './kinds/index.js';
export { IMPORT_KINDS, type ImportKind } from '../../models/import-run.js';
