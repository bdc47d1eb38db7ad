// Owns page arithmetic for lists: which rows to ask the database for, what a page then knows
// about the whole list, and the links a page shows.
//
// A list page makes ONE query and never counts the whole result: it asks for its own rows plus
// a look-ahead that is enough to count exactly up to COUNT_CAP matches (beyond that the list
// says "1,000+"), or, deeper in the list, to know whether a next page exists. An exact count of
// 100,000 matches is a full scan on every server we run on (and an index scan of every match on
// MongoDB), and nobody pages through 4,000 pages: filters narrow a list, so the exact figure
// is shown where it helps and a lower bound where it does not.
export const COUNT_CAP = 1000;

export interface PageInfo {
  page: number;
  pageSize: number;
  skip: number;
  /** Exact number of matches when `totalExact`, else a lower bound (there are more). */
  total: number;
  totalExact: boolean;
  /** Number of pages when `totalExact`, else the pages known to exist. */
  pages: number;
  hasNext: boolean;
  /** `total` for people: "37" or "1,000+" (more than that many). */
  totalLabel: string;
  /** `pages` for people: "2" or "40+". */
  pagesLabel: string;
}

/** What to ask the database for, to show `page`: skip, and a limit that includes the look-ahead. */
export function pageWindow(page: number, pageSize: number): { skip: number; limit: number } {
  const skip = (Math.max(1, page) - 1) * pageSize;
  return { skip, limit: Math.max(pageSize, COUNT_CAP - skip) + 1 };
}

const grouped = (n: number) => n.toLocaleString('en-US');

/** What a page knows once `fetched` rows came back for pageWindow(page, pageSize). */
export function pageFromWindow(page: number, pageSize: number, fetched: number): PageInfo {
  const { skip, limit } = pageWindow(page, pageSize);
  const current = Math.max(1, page);
  const totalExact = fetched < limit;
  const total = totalExact ? skip + fetched : skip + limit - 1;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return {
    page: current, pageSize, skip, total, totalExact, pages,
    hasNext: fetched > pageSize,
    totalLabel: totalExact ? grouped(total) : `${grouped(total)}+`,
    pagesLabel: totalExact ? grouped(pages) : `${grouped(pages)}+`,
  };
}

/**
 * One page of a list through one query: `fetch(skip, limit)` must return the rows in the list's
 * order. A page past the end (an old link after the list shrank) shows the first page instead.
 */
export async function windowedPage<T>(
  page: number, pageSize: number, fetch: (skip: number, limit: number) => Promise<T[]>,
): Promise<{ rows: T[]; page: PageInfo }> {
  const { skip, limit } = pageWindow(page, pageSize);
  const fetched = await fetch(skip, limit);
  if (fetched.length === 0 && page > 1) return windowedPage(1, pageSize, fetch);
  return { rows: fetched.slice(0, pageSize), page: pageFromWindow(page, pageSize, fetched.length) };
}

/** The page object the JSON APIs answer: `total` is exact when `totalExact`, else a lower bound. */
export function apiPage(page: PageInfo): { page: number; pages: number; total: number; totalExact: boolean; hasNext: boolean } {
  return { page: page.page, pages: page.pages, total: page.total, totalExact: page.totalExact, hasNext: page.hasNext };
}

/** The query string for another page, keeping the other parameters. */
export function pageHref(basePath: string, query: Record<string, string | undefined>, page: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value && key !== 'page') params.set(key, value);
  params.set('page', String(page));
  return `${basePath}?${params.toString()}`;
}
