// Owns the Atom feed of publications (/open-data/feed.atom, RFC 4287): the FEED_SIZE results
// most recently published or corrected, newest first, each entry linking to the result's page.
//
// Choices the feed makes (documented on /open-data):
// - A correction UPDATES its entry: same <id>, a new <updated> (the correction's time), the
//   corrected result in title and content, the correction's date and reason in the content — so
//   a reader that already has the entry replaces it, and a corrected result rises to the top.
// - A withdrawal REMOVES the entry: PUBLISHED_FILTER leaves withdrawn results out of everything,
//   the feed included, and the feed's own <updated> moves. No RFC 6721 tombstone is written: a
//   tombstone would keep pointing at a result that is to be gone from every public page; feed
//   readers that keep old entries are told by the result's page, which no longer shows it.
// - Entry ids are URNs of the result's id, not URLs: permanent whatever host name the site is
//   reached by. Links are relative (resolved against the feed's own address, RFC 4287 §4.2.7),
//   so a forged Host header can never put another site's links into a cached copy.
//
// Which entries: the newest FEED_SIZE by publication, plus those corrected since the oldest of
// them (a correction after that moment ranks among the newest); merged, ordered by last change.
// Two indexed reads, whatever the number of results. The XML is written here by hand (about 40
// lines with escaping) rather than with a feed library: those build their own document model
// and drop Atom's per-entry <published>/<updated> distinction we rely on.
import mongoose from 'mongoose';
import { Inspection } from '../../models/inspection.js';
import { publicResultOf, type PublicResult } from '../results/published.js';
import type { Translate } from '../i18n/index.js';
import { exportFilter, EXPORT_PROJECTION, resultPath, type PublicSource } from './results.js';
import { filterQuery, type ExportFilter } from './filters.js';

const t = mongoose.trusted;
export const FEED_SIZE = 100;
/** At most this many corrected results are considered per feed (corrections are rare). */
const CORRECTED_LIMIT = 1000;

export interface FeedEntry {
  result: PublicResult;
  updated: Date;
}

/** When the public last saw this result change: its publication, or its latest correction. */
export function lastChange(result: PublicResult): Date {
  return result.corrections.reduce((latest, c) => (c.at > latest ? c.at : latest), result.publishedAt);
}

/** The feed's entries, newest change first. */
export async function feedEntries(filter: ExportFilter, timeZone: string): Promise<FeedEntry[]> {
  const where = exportFilter(filter);
  const newest = await Inspection.find(where).select(EXPORT_PROJECTION).sort({ publishedAt: -1, _id: -1 }).limit(FEED_SIZE).lean<PublicSource[]>();
  const cutoff = newest.length === FEED_SIZE ? (newest.at(-1)?.publishedAt ?? new Date(0)) : null;
  const corrected = cutoff
    ? await Inspection.find({ ...where, 'corrections.at': t({ $gte: cutoff }) }).select(EXPORT_PROJECTION).limit(CORRECTED_LIMIT).lean<PublicSource[]>()
    : [];
  const byId = new Map<string, FeedEntry>();
  for (const doc of [...newest, ...corrected]) {
    const result = publicResultOf(doc, { timeZone });
    byId.set(result.id, { result, updated: lastChange(result) });
  }
  return [...byId.values()]
    .sort((a, b) => b.updated.getTime() - a.updated.getTime() || (a.result.id < b.result.id ? 1 : a.result.id > b.result.id ? -1 : 0))
    .slice(0, FEED_SIZE);
}

// XML 1.0 forbids most control characters and lone surrogates even escaped: drop them.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text safe inside an XML element or attribute. */
export function xmlText(value: string): string {
  return value.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** The entry's URN: permanent, whatever the host name (see the header). */
export const entryId = (id: string) => `urn:shuangsuiji:result:${encodeURIComponent(id)}`;

function entryContent(result: PublicResult, t: Translate): string {
  const lines = [
    t('openData.feed.entity', { name: result.entityName, code: result.creditCode }),
    t('openData.feed.result', { result: result.resultLabel }),
    t('openData.feed.task', { number: result.taskNumber, name: result.taskName }),
    ...(result.planNumber ? [t('openData.feed.plan', { number: result.planNumber, name: result.planName })] : []),
    t('openData.feed.authority', { name: result.departmentName }),
    ...(result.targeting ? [t('openData.feed.targeting', { targeting: result.targeting })] : []),
    t('openData.feed.completed', { day: result.completedOn }),
    t('openData.feed.published', { day: result.publishedOn }),
    ...result.items.map((i) => t('openData.feed.item', { code: i.itemCode, name: i.itemName, result: i.resultLabel })),
    ...result.corrections.map((c) => t('openData.feed.correction', { day: c.on, from: c.from.label, to: c.to.label, reason: c.reason })),
  ];
  return lines.join('\n');
}

function entryXml(entry: FeedEntry, t: Translate): string {
  const { result } = entry;
  const title = t(result.corrected ? 'openData.feed.titleCorrected' : 'openData.feed.title', { entity: result.entityName, result: result.resultLabel });
  return [
    '  <entry>',
    `    <id>${xmlText(entryId(result.id))}</id>`,
    `    <title>${xmlText(title)}</title>`,
    `    <link rel="alternate" type="text/html" href="${xmlText(resultPath(result.id))}"/>`,
    `    <published>${result.publishedAt.toISOString()}</published>`,
    `    <updated>${entry.updated.toISOString()}</updated>`,
    `    <author><name>${xmlText(result.departmentName)}</name></author>`,
    `    <category term="${xmlText(result.resultCategory)}" label="${xmlText(result.resultLabel)}"/>`,
    `    <content type="text">${xmlText(entryContent(result, t))}</content>`,
    '  </entry>',
  ].join('\n');
}

/** The Atom document. `changedAt` is the latest public change (a withdrawal moves it too). */
export function feedXml(entries: FeedEntry[], filter: ExportFilter, changedAt: Date, t: Translate, locale: string): string {
  const newest = entries[0]?.updated;
  const updated = newest && newest > changedAt ? newest : changedAt;
  const self = `/open-data/feed.atom${filterQuery(filter)}`;
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xmlText(locale)}">`,
    `  <id>urn:shuangsuiji:feed:results${xmlText(filterQuery(filter))}</id>`,
    `  <title>${xmlText(t('openData.feed.feedTitle'))}</title>`,
    `  <subtitle>${xmlText(t('openData.feed.subtitle'))}</subtitle>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(self)}"/>`,
    '  <link rel="alternate" type="text/html" href="/results"/>',
    `  <updated>${updated.toISOString()}</updated>`,
    `  <author><name>${xmlText(t('app.name'))}</name></author>`,
    ...entries.map((e) => entryXml(e, t)),
    '</feed>',
    '',
  ].join('\n');
}
