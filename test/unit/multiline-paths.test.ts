// Every textarea of the views stores into a model path that accepts line breaks (`multiline:
// true`, models/safe-text.ts): otherwise the form layer lets "line one\nline two" through and the
// model's backstop refuses it. The field names do not map mechanically onto model paths (forms
// prefix them: approveReason → approval.reason), so the mapping is listed here and checked both
// ways: every textarea in views/ is listed, and every listed path is multi-line in its model.
// Also: a model's validation error that reaches a form's `attempt` is field codes, not an error page.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import '../../models/index.js';
import { attempt } from '../../server/http/forms.js';

/** Textarea field name (without a findings-row prefix) → the model paths its text is stored in. */
const TEXTAREAS: Record<string, string[]> = {
  // views/plans/form.ejs
  amendmentReason: ['Plan.amendmentReason'],
  necessityNote: ['Plan.necessityNote'],
  scope: ['Plan.scope'],
  ratios: [], // parsed line by line into Plan.ratios.label (each line single-line)
  batches: [], // parsed line by line into Plan.batches.name/period
  // views/admin/items/edit.ejs
  legalBasis: ['InspectionItem.legalBasis'],
  content: ['InspectionItem.content'],
  // views/public/reply-rating.ejs, reply-statement.ejs
  comment: ['InspectionRating.comment'],
  statementText: ['Inspection.statement.text'],
  // views/tasks/run.ejs
  redoReason: ['RedoRequest.reason'],
  // views/inspections/*.ejs
  approveReason: ['Inspection.approval.reason'],
  reviewComment: ['Inspection.reviews.comment'],
  correctReason: ['Inspection.corrections.reason'],
  followUpNote: ['Inspection.followUp.note'],
  statementReasons: ['Inspection.statement.answer.reasons'],
  withdrawReason: ['Inspection.withdrawal.reason'],
  lateReason: ['Inspection.checkIn.lateReason'],
  problems: ['Inspection.findings.problems'],
  handling: ['Inspection.findings.handling'],
  note: ['Inspection.findings.note'],
  adHocReason: ['Inspection.adHoc.reason'],
};

function viewFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? viewFiles(join(dir, e.name)) : e.name.endsWith('.ejs') ? [join(dir, e.name)] : []));
}

/** The name of every textarea in the views: field.ejs includes with type 'textarea', and raw <textarea name=…>. */
function textareaNames(): string[] {
  const names = new Set<string>();
  for (const file of viewFiles('views')) {
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/include\([^)]*?\{([^}]*type:\s*'textarea'[^}]*)\}/g)) {
      const name = /name:\s*(?:p\s*\+\s*)?'([^']+)'/.exec(m[1]!)?.[1];
      if (!name) throw new Error(`a textarea without a literal name in ${file}: ${m[0]}`);
      names.add(name);
    }
    for (const m of source.matchAll(/<textarea\b[^>]*\bname="([^"<]+)"/g)) names.add(m[1]!);
  }
  return [...names].sort();
}

type SchemaType = { options?: { multiline?: boolean }; instance?: string; schema?: PathSource };
type PathSource = { path(name: string): unknown };

/** The schema type at "Model.a.b.c", descending through sub-documents and arrays of them. */
function pathType(qualified: string): SchemaType | undefined {
  const [modelName, ...parts] = qualified.split('.');
  let schema: PathSource = mongoose.model(modelName!).schema;
  // The longest prefix that is a sub-document path leads into its schema; the rest is looked up there.
  for (;;) {
    const whole = schema.path(parts.join('.')) as SchemaType | undefined;
    if (whole) return whole;
    const at = parts.findIndex((_, i) => (schema.path(parts.slice(0, i + 1).join('.')) as SchemaType | undefined)?.schema);
    if (at < 0) return undefined;
    schema = (schema.path(parts.slice(0, at + 1).join('.')) as SchemaType).schema!;
    parts.splice(0, at + 1);
  }
}

describe('multi-line textareas and their model paths', () => {
  it('every textarea in the views is listed with the model paths it is stored in', () => {
    expect(textareaNames()).to.deep.equal(Object.keys(TEXTAREAS).sort());
  });

  for (const [field, paths] of Object.entries(TEXTAREAS)) {
    for (const path of paths) {
      it(`${field} → ${path} is a string path marked multiline`, () => {
        const type = pathType(path);
        expect(type?.instance, `${path} exists`).to.equal('String');
        expect(type?.options?.multiline, `${path} is multiline`).to.equal(true);
      });
    }
  }

  it('the validators of every listed path accept "a\\r\\nb" and still refuse a NUL', () => {
    const wrong: string[] = [];
    for (const path of Object.values(TEXTAREAS).flat()) {
      const type = pathType(path) as unknown as { doValidateSync: (value: unknown, scope: unknown) => Error | null } | undefined;
      if (!type) { wrong.push(`${path}: no such path`); continue; }
      const lines = type.doValidateSync('a\r\nb', {});
      if (lines) wrong.push(`${path} refuses a line break: ${lines.message}`);
      if (type.doValidateSync('a\u0000b', {})?.message !== 'control_character') wrong.push(`${path} accepts a NUL`);
    }
    expect(wrong).to.deep.equal([]);
  });

  it('attempt: a mongoose validation error from a use case becomes field codes (422 on the form), not a thrown error', async () => {
    const Item = mongoose.model('InspectionItem');
    const outcome = await attempt(async () => new Item({ code: 'Z01', name: '名\u0001称', legalBasis: 'x'.repeat(3000) }).validate());
    expect(outcome.ok).to.equal(false);
    if (outcome.ok) return;
    expect(outcome.fields).to.include({ name: 'control_character', legalBasis: 'too_long' });
    expect(outcome.params?.legalBasis).to.deep.equal({ max: 2000 });
  });
});
