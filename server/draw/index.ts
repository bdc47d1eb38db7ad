// Public API of the draw engine (issue 4). Routes, jobs, the CLI and the browser bundle import
// from here only. Everything is pure: no I/O, no clock, no Node-only API (node-sha256.ts is an
// optional server-side accelerator and is deliberately not re-exported).
export { draw, assignTeams, poolFigures } from './draw.js';
export {
  freezeAnnouncement, announcementDigest, announcementText, validateAnnouncement, utcSeconds, ANNOUNCEMENT_HEADER,
  type FreezeParams,
} from './announcement.js';
export {
  runAnnouncedDraw, sourcesReady, announcedInput, evidenceSources, evidenceProblem, describeSource,
  type AnnouncedDrawParams, type SourceStatus, type Phase,
} from './announced-draw.js';
export { canonicalJson } from './canonical-json.js';
export { canonicalRosterText, rosterDigest, ROSTER_HEADER } from './roster-digest.js';
export { codePointLength } from './text.js';
export { recuse, currentTeams } from './recusal.js';
export { verify, type VerifyOptions, type VerifyResult, type VerifySummary, type PublishedValues } from './verify.js';
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
