// Owns the message catalogues and the choice of language: zh-CN by default, English on
// request. The choice comes from ?lang= (and is then kept in a cookie) or the cookie alone,
// so that it survives navigation without JavaScript.
import type { NextFunction, Request, Response } from 'express';
import { parse as parseCookie } from 'cookie';
import zhCN from './zh-CN.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };

export const LOCALES = { 'zh-CN': zhCN, en } as const;
export type Locale = keyof typeof LOCALES;
export type MessageKey = keyof typeof zhCN;
export const DEFAULT_LOCALE: Locale = 'zh-CN';
const COOKIE = 'lang';

export type Translate = (key: string, params?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const catalogue = LOCALES[locale] as Record<string, string>;
  const fallback = LOCALES[DEFAULT_LOCALE] as Record<string, string>;
  return (key, params) => {
    const template = catalogue[key] ?? fallback[key] ?? key;
    return params ? template.replace(/\{(\w+)\}/g, (whole, name: string) => formatParam(params[name]) ?? whole) : template;
  };
}

/**
 * The name, in the reader's language, of a value the data stores in Chinese (task and plan
 * states, inspection types, 定向/不定向, roster statuses): `term.<value>` in the catalogue, or the
 * value itself where the catalogue has none (Chinese is then the name in both languages).
 */
export function termTranslator(t: Translate): (value: string | null | undefined) => string {
  return (value) => {
    if (value === null || value === undefined || value === '') return '';
    const key = `term.${value}`;
    const name = t(key);
    return name === key ? value : name;
  };
}

/** Numbers are grouped (3000 → 3,000, as both languages write them on official pages); years and codes are passed as strings. */
const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

function formatParam(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' ? grouped.format(value) : value;
}

/** A number for people: 3000 → "3,000" (views call it as formatNumber). */
export function formatNumber(value: number): string {
  return grouped.format(value);
}

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && Object.hasOwn(LOCALES, value);
}

/** The cookie's value; an unreadable one (e.g. `lang=%FF`) is ignored, never an error. */
function cookieValue(req: Request, name: string): string | undefined {
  return parseCookie(req.headers.cookie ?? '')[name];
}

export function i18nMiddleware(req: Request, res: Response, next: NextFunction): void {
  const requested = req.query.lang;
  let locale: Locale = DEFAULT_LOCALE;
  if (isLocale(requested)) {
    locale = requested;
    res.cookie(COOKIE, locale, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 86_400_000 });
  } else {
    const stored = cookieValue(req, COOKIE);
    if (isLocale(stored)) locale = stored;
  }
  res.locals.locale = locale;
  res.locals.t = translator(locale);
  res.locals.term = termTranslator(res.locals.t as Translate);
  res.locals.formatNumber = formatNumber;
  const otherLocale: Locale = locale === 'zh-CN' ? 'en' : 'zh-CN';
  res.locals.otherLocale = otherLocale;
  res.locals.langSwitchHref = switchHref(req, otherLocale);
  next();
}

/** The current path and query with only the language changed. */
function switchHref(req: Request, locale: Locale): string {
  const url = new URL(req.originalUrl, 'http://local');
  url.searchParams.set('lang', locale);
  return `${url.pathname}?${url.searchParams.toString()}`;
}
