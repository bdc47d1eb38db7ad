// Renders the configuration schema as the README's Markdown table.
import { CONFIG_DOCS } from './config.js';

function defaultOf(schema: unknown): string {
  const parsed = (schema as { safeParse: (v: unknown) => { success: boolean; data?: unknown } }).safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return '—';
  return `\`${String(parsed.data).replace(/^\/root|^\/home\/[^/]+/, '~')}\``;
}

export function configTableMarkdown(): string {
  const rows = Object.entries(CONFIG_DOCS).map(([key, { schema, doc }]) => `| \`${key}\` | ${defaultOf(schema)} | ${doc} |`);
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
