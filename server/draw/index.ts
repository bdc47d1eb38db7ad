// Public API of the draw engine (issue 4). Routes, jobs, the CLI and the browser bundle import
// from here only. Everything is pure: no I/O, no clock, no Node-only API (node-sha256.ts is an
// optional server-side accelerator and is deliberately not re-exported).
export { draw, assignTeams } from './draw.js';
export { recuse, currentTeams } from './recusal.js';
export { verify, type VerifyOptions, type VerifyResult, type PublishedValues } from './verify.js';
export { canonicalOrder, isCreditCodeFormat } from './pool-order.js';
export { canonicalPoolChunks, poolDigest, POOL_HEADER } from './pool-digest.js';
export { canonicalKey, resolveSeed, streamSeed } from './seed.js';
export { openStream, type Stream } from './stream.js';
export { roundRatio } from './quota.js';
export { rfc3797Key, rfc3797Select, type Rfc3797Pick } from './rfc3797.js';
export { firstDifference, describeDifference, type Difference } from './diff.js';
export { nobleSha256, type EngineOptions, type Sha256Factory, type Sha256Hasher } from './hash.js';
export {
  DrawError, TeamInfeasibleError, EXCLUSION_REASONS,
  type DrawErrorCode, type ExclusionCounts, type ExclusionReason,
} from './errors.js';
export * from './types.js';
