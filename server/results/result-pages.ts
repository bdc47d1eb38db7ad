// Owns what the public result pages read besides the results themselves: the result categories
// the /results filter offers (every one ever defined — old results keep old codes) and the names
// of a published result's team, for a site that shows them. The routes stay thin and query no
// model (server/routes/public-results.ts).
import mongoose from 'mongoose';
import { DictionaryEntry } from '../../models/dictionary-entry.js';
import { Inspector } from '../../models/inspector.js';

/** The result categories for the filter, in the dictionary's order. */
export async function resultCategoryOptions(): Promise<{ value: string; label: string }[]> {
  const entries = await DictionaryEntry.find({ dictionary: 'result_category' }).sort({ order: 1, code: 1 }).select('code label').lean<{ code: string; label: string }[]>();
  return entries.map((e) => ({ value: e.code, label: e.label }));
}

/** The names of the inspectors `team` (IDs, leader first) in the team's order; an ID no longer on the roster is left out. */
export async function teamNames(team: readonly string[]): Promise<string[]> {
  if (team.length === 0) return [];
  const found = await Inspector.find({ inspectorId: mongoose.trusted({ $in: [...team] }) }).select('inspectorId name').lean<{ inspectorId: string; name: string }[]>();
  return found.sort((a, b) => team.indexOf(a.inspectorId) - team.indexOf(b.inspectorId)).map((i) => i.name);
}
