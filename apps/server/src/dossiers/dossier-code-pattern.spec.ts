import { expect } from 'chai';
import { DEFAULT_DOSSIER_CODE_PATTERN, formatDossierCode, parseDossierCodePattern } from './dossier-code-pattern.ts';
import type { DossierCodePattern } from './dossier-code-pattern.ts';

function parsed(text: string): DossierCodePattern {
  const result = parseDossierCodePattern(text);
  if ('problems' in result) throw new Error(result.problems.join('; '));
  return result.pattern;
}

/** 2026-01-08 10:00 in Hà Nội. */
const AT = new Date('2026-01-08T03:00:00Z');

describe('the dossier code pattern', () => {
  it('is <agency code>-<YYMMDD>-<NNNN> by default, with more digits after 9999', () => {
    const pattern = parsed(DEFAULT_DOSSIER_CODE_PATTERN);
    expect(formatDossierCode(pattern, '000.00.12.H10', AT, 7)).to.equal('000.00.12.H10-260108-0007');
    expect(formatDossierCode(pattern, '000.00.12.H10', AT, 12345)).to.equal('000.00.12.H10-260108-12345');
  });

  it('dates the code by the Vietnamese date: 17:00 UTC is already the next day in Hà Nội', () => {
    const pattern = parsed(DEFAULT_DOSSIER_CODE_PATTERN);
    expect(formatDossierCode(pattern, 'X', new Date('2026-01-07T16:59:59Z'), 1)).to.equal('X-260107-0001');
    expect(formatDossierCode(pattern, 'X', new Date('2026-12-31T17:00:00Z'), 1)).to.equal('X-270101-0001');
  });

  it('takes other layouts of the same fields', () => {
    expect(formatDossierCode(parsed('HS.{YYYY}.{MM}.{DD}.{agency}.{NNNNNN}'), 'H10', AT, 42)).to.equal(
      'HS.2026.01.08.H10.000042',
    );
    expect(formatDossierCode(parsed('{agency}_{YYYYMMDD}_{N}'), 'H10', AT, 42)).to.equal('H10_20260108_42');
  });

  it('refuses a pattern that could give two dossiers one code, or a code unfit for a URL, naming every problem', () => {
    const result = parseDossierCodePattern('{YYMM}/{agency}{NNNN}{N}');
    expect(result).to.have.property('problems');
    const problems = (result as { problems: string[] }).problems;
    expect(problems).to.include('"{YYMM}" is not a field (agency, YYMMDD, YYYYMMDD, YYYY, YY, MM, DD, N…)');
    expect(problems).to.include('"/": literal text may hold only letters, digits, ".", "-" and "_"');
    expect(problems).to.include('the code must name the day: {YYMMDD}, {YYYYMMDD} or a year with {MM} and {DD}');
    expect(problems).to.include('the code must hold the daily number once: {NNNN}');
    expect(parseDossierCodePattern('{YYMMDD}-{NNNN}')).to.deep.equal({
      problems: ['the code must name the agency: {agency}'],
    });
    expect(parseDossierCodePattern(`${'x'.repeat(20)}{agency}{YYYYMMDD}{NNNN}`)).to.deep.equal({
      problems: ['codes could be 68 characters long (at most 64)'],
    });
  });
});
