// Owns page arithmetic for lists: page numbers from the query, skip/limit for the database,
// and the links a page shows.
export interface PageInfo {
  page: number;
  pageSize: number;
  total: number;
  pages: number;
  skip: number;
}

export function pageInfo(page: number, pageSize: number, total: number): PageInfo {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(Math.max(1, page), pages);
  return { page: current, pageSize, total, pages, skip: (current - 1) * pageSize };
}

/** The query string for another page, keeping the other parameters. */
export function pageHref(basePath: string, query: Record<string, string | undefined>, page: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value && key !== 'page') params.set(key, value);
  params.set('page', String(page));
  return `${basePath}?${params.toString()}`;
}
