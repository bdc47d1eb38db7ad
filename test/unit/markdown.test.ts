// The Markdown pages: escaped output, heading ids, title.
import { expect } from 'chai';
import { renderMarkdown, slugOf } from '../../server/text/markdown.js';

describe('renderMarkdown', () => {
  it('takes the title from the first heading and gives every heading an id, repeated ones numbered', () => {
    const doc = renderMarkdown('# Spec `ssj-draw/1`\n\n## 1. Conventions\n\ntext\n\n## Notes\n\n## Notes\n');
    expect(doc.title).to.equal('Spec ssj-draw/1');
    expect(doc.titleId).to.equal('spec-ssj-draw-1');
    expect(doc.html).to.not.include('<h1');
    expect(doc.html).to.include('<h2 id="1-conventions">1. Conventions</h2>');
    expect(doc.sections.map((s) => s.id)).to.deep.equal(['1-conventions', 'notes', 'notes-2']);
  });

  it('escapes raw HTML in the document instead of passing it through', () => {
    const doc = renderMarkdown('# T\n\n<script>alert(1)</script>\n\n<b onclick="x">b</b>');
    expect(doc.html).to.not.include('<script>');
    expect(doc.html).to.include('&lt;script&gt;');
  });

  it('keeps Chinese words in heading ids', () => {
    expect(slugOf('抽取 记录')).to.equal('抽取-记录');
  });
});
