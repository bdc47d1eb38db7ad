// Owns turning the project's own Markdown documents (DRAW-SPEC.md) into HTML for a page:
// markdown-it with raw HTML disabled (so the output is escaped text and markup markdown-it
// made), every heading given an id that links to it, and the title taken from the first heading.
import MarkdownIt from 'markdown-it';

export interface RenderedDocument {
  /** The text of the first level-1 heading, and its id. */
  title: string;
  titleId: string;
  /** Everything but that heading (the page shows it as its own <h1>). */
  html: string;
  /** Level-2 headings, for a table of contents. */
  sections: { id: string; text: string }[];
}

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** A heading's id: its words, lower-case, joined by hyphens (CJK kept). */
export function slugOf(text: string): string {
  return text.toLowerCase().replace(/[`*_~]/g, '').replace(/[^\p{L}\p{N}\s./-]/gu, '').trim().replace(/[\s./]+/g, '-') || 'section';
}

export function renderMarkdown(source: string): RenderedDocument {
  const tokens = markdown.parse(source, {});
  const used = new Map<string, number>();
  const sections: RenderedDocument['sections'] = [];
  let title = '';
  let titleId = '';
  let titleAt = -1;
  tokens.forEach((token, index) => {
    if (token.type !== 'heading_open') return;
    const text = tokens[index + 1]?.content ?? '';
    const base = slugOf(text);
    const seen = used.get(base) ?? 0;
    used.set(base, seen + 1);
    const id = seen === 0 ? base : `${base}-${seen + 1}`;
    token.attrSet('id', id);
    if (token.tag === 'h1' && titleAt < 0) {
      title = text.replace(/`/g, '');
      titleId = id;
      titleAt = index;
    }
    if (token.tag === 'h2') sections.push({ id, text: text.replace(/`/g, '') });
  });
  // heading_open, inline, heading_close
  const body = titleAt < 0 ? tokens : [...tokens.slice(0, titleAt), ...tokens.slice(titleAt + 3)];
  // Code blocks and tables may scroll sideways (on a phone): focusable, so a keyboard reaches them
  // (WCAG 2.1.1). Raw HTML is disabled, so these tags can only be markdown-it's own markup.
  const html = markdown.renderer.render(body, markdown.options, {}).replace(/<pre>/g, '<pre tabindex="0">').replace(/<table>/g, '<table tabindex="0">');
  return { title, titleId, html, sections };
}
