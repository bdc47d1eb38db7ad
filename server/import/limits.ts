// Owns the import's shape limits that more than one reader enforces.

/** Columns a file may have: the rosters have a few dozen at most, with synonyms and notes. */
export const MAX_COLUMNS = 500;
