// Pure parts of the import engine (no database): cells, header mapping, encoding detection,
// the in-file duplicate check and the error report's CSV quoting.
import { expect } from 'chai';
import iconv from 'iconv-lite';
import { date, creditCode, listOf, text, type Parsed } from '../../../server/import/cells.js';
import { mapColumns } from '../../../server/import/columns.js';
import { DuplicateTracker } from '../../../server/import/duplicates.js';
import { detectEncoding } from '../../../server/import/encoding.js';
import { csvLine } from '../../../server/text/csv.js';
import { KINDS } from '../../../server/import/kinds/index.js';
import { ImportFileError } from '../../../server/import/types.js';
import { buildCreditCode } from '../../../models/credit-code.js';

const value = <T>(parsed: Parsed<T>) => ('error' in parsed ? `error:${parsed.error.code}` : parsed.value);
const day = (parsed: Parsed<Date>) => {
  const v = value(parsed);
  return v instanceof Date ? v.toISOString().slice(0, 10) : v;
};

describe('import parsing', () => {
  it('dates: the usual spellings, Excel serials and date cells become that calendar day; impossible days fail', () => {
    for (const input of ['2024-03-05', '2024/3/5', '20240305', '2024.03.05', '2024年3月5日', '2024-03-05 00:00:00', '２０２４－０３－０５', 45356, '45356', new Date(Date.UTC(2024, 2, 5, 13))]) {
      expect(day(date(input, '成立日期')), String(input)).to.equal('2024-03-05');
    }
    expect(day(date(1, 'd'))).to.equal('1900-01-01');
    for (const input of ['2023-02-29', '2024-13-01', '05/03/2024', 'soon', '1899-12-31', 0]) {
      expect(day(date(input, 'd')), String(input)).to.equal('error:invalid_date');
    }
    expect(day(date('', 'd'))).to.equal(undefined);
  });

  it('credit codes: normalised (full-width, spaces, lower case, Excel apostrophe) then checked', () => {
    const code = buildCreditCode('91', '431271', 'MA4L0001');
    expect(value(creditCode(`'${code.toLowerCase()} `, 'c'))).to.equal(code);
    expect(value(creditCode(code.replace(/./g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)), 'c'))).to.equal(code);
    expect(value(creditCode(code.slice(0, 17), 'c'))).to.equal('error:credit_code_length');
    expect(value(creditCode(`${code.slice(0, 16)}I${code[17]}`, 'c'))).to.equal('error:credit_code_characters');
    expect(value(creditCode(914312711234567890, 'c'))).to.equal('error:numeric_precision');
  });

  it('text lengths and lists', () => {
    expect(value(text(3)('abcd', '名称'))).to.equal('error:too_long');
    expect(value(listOf(text(10))('餐饮；食品生产、 广告', '专项库'))).to.deep.equal(['餐饮', '食品生产', '广告']);
    expect(value(listOf(text(10))('', '专项库'))).to.deep.equal([]);
  });

  it('entity enums accept the labels real exports write', () => {
    const parse = (field: string, input: string) => value(KINDS.entities.columns.find((c) => c.field === field)!.parse(input, field));
    expect(parse('type', '有限责任公司（自然人投资或控股）')).to.equal('企业');
    expect(parse('type', '外国（地区）企业常驻代表机构')).to.equal('外企代表机构');
    expect(parse('type', '个体户')).to.equal('个体工商户');
    expect(parse('status', '吊销，未注销')).to.equal('吊销');
    expect(parse('riskClass', 'C类（信用风险较高）')).to.equal('C');
    expect(parse('riskClass', 'd')).to.equal('D');
    expect(parse('industry', '住宿和餐饮业')).to.equal('H');
    expect(parse('industry', '农、林、牧、渔业')).to.equal('A');
    expect(parse('type', '事业单位')).to.equal('error:invalid_choice');
  });

  it('headers: synonyms, full-width brackets, "*" markers and hints map; unknown and repeated ones are reported', () => {
    const mapping = mapColumns(KINDS.entities, ['*统一社会信用代码', '主体名称', '市场主体类型', '所属区域', '成立日期（YYYY-MM-DD）', '名称', '备注', '']);
    expect(mapping.mapped.map((m) => m.field)).to.deep.equal(['creditCode', 'name', 'type', 'region', 'foundedOn']);
    expect(mapping.unknown).to.deep.equal(['备注']);
    expect(mapping.repeated).to.deep.equal([{ header: '名称', first: '主体名称' }]);
    expect(mapColumns(KINDS.entities, ['credit_code', 'NAME', 'Type', 'region']).mapped).to.have.length(4);
  });

  it('a missing required column is an ImportFileError listing each missing one', () => {
    const error = (() => {
      try {
        mapColumns(KINDS.inspectors, ['姓名']);
      } catch (e) {
        return e as ImportFileError;
      }
    })();
    expect(error?.problem).to.equal('missing_columns');
    expect(error?.message).to.equal('缺少必需的列：所属部门（或：部门编码、部门、所属单位）；人员编号（或：工号、人员代码） 或 执法证号（或：执法证件号、执法证编号、执法证件编号）');
  });

  it('encoding detection: BOM, valid UTF-8, else GB18030', () => {
    expect(detectEncoding(Buffer.from('\uFEFF名称', 'utf8'))).to.equal('utf-8');
    expect(detectEncoding(Buffer.from('统一社会信用代码,名称', 'utf8'))).to.equal('utf-8');
    expect(detectEncoding(iconv.encode('统一社会信用代码,名称', 'gb18030'))).to.equal('gb18030');
    // A UTF-8 character cut by the end of the first chunk is still UTF-8.
    expect(detectEncoding(Buffer.from('名称', 'utf8').subarray(0, 4))).to.equal('utf-8');
  });

  it('duplicates: the first row wins; identical repeats are harmless; different content conflicts', () => {
    const tracker = new DuplicateTracker();
    expect(tracker.check('K', 2, 7)).to.deep.equal({ kind: 'first' });
    expect(tracker.check('K', 9, 7)).to.deep.equal({ kind: 'identical', firstRow: 2 });
    expect(tracker.check('K', 70_000, 8)).to.deep.equal({ kind: 'conflict', firstRow: 2 });
    expect(tracker.check('L', 70_001, 8)).to.deep.equal({ kind: 'first' });
  });

  it('error report lines are quoted and never start a formula', () => {
    expect(csvLine(['3', '名称', '=HYPERLINK("x")', 'required', '不能为空，请填写'])).to.equal("3,名称,\"'=HYPERLINK(\"\"x\"\")\",required,不能为空，请填写\r\n");
  });

  it('column limits match the models: a value longer than the schema allows never passes', () => {
    for (const kind of Object.values(KINDS)) {
      for (const spec of kind.columns) {
        const max = (kind.model.schema.path(spec.field) as { options?: { maxlength?: number } } | undefined)?.options?.maxlength;
        if (typeof max !== 'number') continue;
        expect(value(spec.parse('A'.repeat(max + 1), spec.label)), `${kind.kind}.${spec.field}`).to.match(/^error:/);
      }
    }
  });
});
