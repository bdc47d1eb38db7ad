// Public API of the random sources a draw may declare (DRAW-SPEC.md §14.3): drand quicknet
// rounds (verified offline; fetched through configurable relays), lottery results entered by
// two users, and commit–reveal of a server secret. All pure except drand-relay.ts, whose
// network access is injectable.
export {
  QUICKNET, DRAND_CHAINS, drandRoundAt, drandRoundTime, drandRandomness, verifyDrandBeacon,
  type DrandChain, type BeaconCheck,
} from './drand.js';
export { fetchDrandRound, type RelayOptions, type RelayResult, type RelayAttempt, type FetchLike } from './drand-relay.js';
export {
  LOTTERY_GAMES, lotteryGame, parseLotteryEntry, lotteryAgreement, lotteryResultText, lotteryResultProblem, lotterySeedSources,
  type LotteryGame, type LotteryEntry, type LotteryAgreement, type LotteryParse,
} from './lottery.js';
export { secretHex, commitmentOf, checkReveal, type RevealCheck } from './commitment.js';
