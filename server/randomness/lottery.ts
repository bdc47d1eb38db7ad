// Lottery results as declared random sources (DRAW-SPEC.md §14.3): the games the spec knows,
// the canonical form of a result, how people's entries are read, the rule that two different
// users must enter the same result before it is used (a disagreement is a state that stays
// until someone resolves it on the record, never something this code settles), and the key
// material a result contributes. Pure functions.
import type { SeedSource } from '../draw/types.js';

interface DigitGame { name: string; kind: 'digits'; digits: number }
interface BallGame { name: string; kind: 'balls'; groups: Array<{ label: string; count: number; min: number; max: number }> }
export type LotteryGame = DigitGame | BallGame;

/**
 * Games by their id in an announcement. Digit games keep the drawn order (509 ≠ 905); ball
 * games are drawn as sets, published sorted, and keep their groups (红球 / 蓝球…) apart.
 */
export const LOTTERY_GAMES: Readonly<Record<string, LotteryGame>> = Object.freeze({
  fc3d: { name: '福彩3D', kind: 'digits', digits: 3 },
  pl3: { name: '体彩排列3', kind: 'digits', digits: 3 },
  pl5: { name: '体彩排列5', kind: 'digits', digits: 5 },
  ssq: { name: '双色球', kind: 'balls', groups: [{ label: '红球', count: 6, min: 1, max: 33 }, { label: '蓝球', count: 1, min: 1, max: 16 }] },
  dlt: { name: '超级大乐透', kind: 'balls', groups: [{ label: '前区', count: 5, min: 1, max: 35 }, { label: '后区', count: 2, min: 1, max: 12 }] },
});

export function lotteryGame(id: unknown): LotteryGame | null {
  return typeof id === 'string' && Object.prototype.hasOwnProperty.call(LOTTERY_GAMES, id) ? LOTTERY_GAMES[id]! : null;
}

/** Why `result` is not a canonical result of the game, or null (the evidence check of §14.4). */
export function lotteryResultProblem(gameId: string, result: unknown): string | null {
  const game = lotteryGame(gameId);
  if (!game) return `unknown game ${JSON.stringify(gameId)}`;
  if (!Array.isArray(result) || !result.every((g) => Array.isArray(g) && g.every((v) => Number.isSafeInteger(v)))) return 'a result is a list of groups of integers';
  const groups = result as number[][];
  if (game.kind === 'digits') {
    if (groups.length !== 1 || groups[0]!.length !== game.digits || !groups[0]!.every((d) => d >= 0 && d <= 9)) return `${game.name} draws ${game.digits} digits 0–9`;
    return null;
  }
  if (groups.length !== game.groups.length) return `${game.name} has ${game.groups.length} groups`;
  for (let k = 0; k < groups.length; k += 1) {
    const spec = game.groups[k]!;
    const g = groups[k]!;
    if (g.length !== spec.count) return `${game.name} ${spec.label}: ${spec.count} numbers`;
    if (!g.every((v) => v >= spec.min && v <= spec.max)) return `${game.name} ${spec.label}: numbers from ${spec.min} to ${spec.max}`;
    for (let i = 1; i < g.length; i += 1) if (g[i]! <= g[i - 1]!) return `${game.name} ${spec.label}: distinct numbers in ascending order`;
  }
  return null;
}

/** "509"; "03 07 12 19 25 31 + 09". Two entries agree when their canonical texts are equal. */
export function lotteryResultText(gameId: string, result: number[][]): string {
  const game = lotteryGame(gameId);
  if (game?.kind === 'digits') return result[0]!.join('');
  return result.map((g) => g.map((v) => String(v).padStart(2, '0')).join(' ')).join(' + ');
}

export type LotteryParse = { ok: true; result: number[][]; text: string } | { ok: false; reason: string };

/**
 * Reads what a person typed: full-width digits and punctuation are accepted (NFKC), numbers
 * may be separated by spaces, commas or 、, ball groups by "+", "|" or "/" (or not at all:
 * "03 07 12 19 25 31 09" is read group by group in the game's order).
 */
export function parseLotteryEntry(gameId: string, text: string): LotteryParse {
  const game = lotteryGame(gameId);
  if (!game) return { ok: false, reason: `unknown game ${JSON.stringify(gameId)}` };
  const normal = text.normalize('NFKC').trim();
  let result: number[][];
  if (game.kind === 'digits') {
    const digits = normal.replace(/[\s,、.\-]+/g, '');
    if (!/^[0-9]+$/.test(digits)) return { ok: false, reason: `${game.name}: digits only` };
    result = [[...digits].map(Number)];
  } else {
    const groups = normal.split(/\s*[+|/]\s*/).map((g) => g.split(/[\s,、]+/).filter((v) => v !== ''));
    if (!groups.every((g) => g.every((v) => /^[0-9]{1,2}$/.test(v)))) return { ok: false, reason: `${game.name}: numbers of one or two digits` };
    let numbers = groups.map((g) => g.map(Number));
    if (numbers.length === 1) {
      const flat = numbers[0]!;
      numbers = [];
      let at = 0;
      for (const spec of game.groups) {
        numbers.push(flat.slice(at, at + spec.count));
        at += spec.count;
      }
      if (at !== flat.length) return { ok: false, reason: `${game.name}: ${at} numbers` };
    }
    result = numbers.map((g) => [...g].sort((a, b) => a - b));
  }
  const problem = lotteryResultProblem(gameId, result);
  return problem ? { ok: false, reason: problem } : { ok: true, result, text: lotteryResultText(gameId, result) };
}

export interface LotteryEntry {
  /** Who entered it (account id); two different users must agree. */
  userId: string;
  text: string;
}

export type LotteryAgreement =
  | { state: 'waiting'; reason: string }
  | { state: 'agreed'; result: number[][]; text: string; users: string[] }
  /** Entries differ: recorded as such until an entry is withdrawn on the record. */
  | { state: 'mismatch'; results: Array<{ text: string; users: string[] }>; reason: string }
  | { state: 'invalid'; errors: Array<{ index: number; userId: string; reason: string }>; reason: string };

/**
 * The state of a lottery source from all entries made for it (withdrawn ones left out by the
 * caller): agreed when every entry reads as the same result and at least two different users
 * entered it; mismatch as soon as two entries differ, whoever made them; waiting otherwise.
 */
export function lotteryAgreement(gameId: string, entries: readonly LotteryEntry[]): LotteryAgreement {
  const errors: Array<{ index: number; userId: string; reason: string }> = [];
  const byText = new Map<string, { result: number[][]; users: Set<string> }>();
  entries.forEach((entry, index) => {
    const parsed = parseLotteryEntry(gameId, entry.text);
    if (!parsed.ok) {
      errors.push({ index, userId: entry.userId, reason: parsed.reason });
      return;
    }
    const seen = byText.get(parsed.text) ?? { result: parsed.result, users: new Set<string>() };
    seen.users.add(entry.userId);
    byText.set(parsed.text, seen);
  });
  if (errors.length > 0) return { state: 'invalid', errors, reason: `${errors.length} entr${errors.length === 1 ? 'y is' : 'ies are'} not a result of ${LOTTERY_GAMES[gameId]?.name ?? gameId}` };
  if (byText.size > 1) {
    const results = [...byText].map(([text, v]) => ({ text, users: [...v.users].sort() }));
    return { state: 'mismatch', results, reason: `the entries disagree: ${results.map((r) => `${r.text} (${r.users.join(', ')})`).join(' vs ')}` };
  }
  const only = [...byText][0];
  if (!only) return { state: 'waiting', reason: 'no entry yet' };
  const [text, { result, users }] = only;
  if (users.size < 2) return { state: 'waiting', reason: 'waiting for a second user to enter the result independently' };
  return { state: 'agreed', result, text, users: [...users].sort() };
}

/**
 * What a result contributes to the canonical key (§3.1, §14.5): a digit game one `values`
 * source holding its digits in drawn order (so leading zeros and order count), a ball game
 * one `numbers` source per group.
 */
export function lotterySeedSources(gameId: string, result: number[][]): SeedSource[] {
  const game = lotteryGame(gameId);
  if (game?.kind === 'digits') return [{ values: [result[0]!.join('')] }];
  return result.map((g) => ({ numbers: [...g] }));
}
