// Owns the header navigation: a fixed list of destinations, each shown only to users the
// access table lets through — so a link appears once its route is declared, for the right roles.
import type { CurrentUser } from '../auth/session.js';
import { decide, type CompiledRule } from './policy.js';

export interface NavLink {
  href: string;
  /** i18n key */
  label: string;
}

/** In display order. The role's start page (one of four), public pages, then the back office. */
export const NAV_DESTINATIONS: readonly NavLink[] = [
  { href: '/admin', label: 'nav.start' },
  { href: '/supervisor', label: 'nav.start' },
  { href: '/inspector', label: 'nav.start' },
  { href: '/observer', label: 'nav.start' },
  { href: '/results', label: 'results.nav' },
  { href: '/plan-announcements', label: 'results.plans.nav' },
  { href: '/announcements', label: 'announce.nav' },
  { href: '/items', label: 'nav.items' },
  { href: '/inspectors', label: 'nav.inspectors' },
  { href: '/verify', label: 'nav.verify' },
  { href: '/statistics', label: 'stats.nav' },
  { href: '/open-data', label: 'openData.nav' },
  { href: '/plans', label: 'nav.plans' },
  { href: '/tasks', label: 'nav.tasks' },
  { href: '/inspections', label: 'nav.inspections' },
  { href: '/supervision/alerts', label: 'supervision.nav' },
  { href: '/admin/entities', label: 'nav.entities' },
  { href: '/admin/inspectors', label: 'nav.inspectorRoster' },
  { href: '/admin/items', label: 'nav.catalogItems' },
  { href: '/admin/dictionaries', label: 'nav.dictionaries' },
  { href: '/admin/imports', label: 'nav.imports' },
  { href: '/admin/users', label: 'nav.users' },
];

export function navLinksFor(rules: readonly CompiledRule[], user: CurrentUser | undefined): NavLink[] {
  return NAV_DESTINATIONS.filter((link) => decide(rules, 'GET', link.href, user) === 'allow');
}
