/** The dossier code pattern in use (Circular 03/2025 as in use, DOMAIN.md "Dossier code"). */
export const DEFAULT_DOSSIER_CODE_PATTERN = '{agency}-{YYMMDD}-{NNNN}';

/** A parsed dossier code pattern: literal text and fields, in order. */
export type DossierCodePattern = readonly (
  | { literal: string }
  | { field: 'agency' | 'YYYY' | 'YY' | 'MM' | 'DD' | 'YYMMDD' | 'YYYYMMDD' }
  | { sequenceDigits: number }
)[];

/** Longest agency code (agencies.code) and longest dossier code (dossiers.code, and what tracking accepts). */
const AGENCY_CODE_MAX = 32;
const DOSSIER_CODE_MAX = 64;
const FIELD_LENGTHS = { agency: AGENCY_CODE_MAX, YYYY: 4, YY: 2, MM: 2, DD: 2, YYMMDD: 6, YYYYMMDD: 8 } as const;

/**
 * Parses and checks a code pattern (MOTCUA_DOSSIER_CODE_PATTERN): fields `{agency}` (the receiving agency's code),
 * `{YYMMDD}`, `{YYYYMMDD}`, `{YYYY}`, `{YY}`, `{MM}`, `{DD}` (the Vietnamese date of entry) and `{N…}` (the agency's
 * daily sequence, as many digits at least as N's, more when it grows), literal text from letters, digits, `.`, `-`
 * and `_` between them. Codes stay unique only if they name the agency, the whole day and the number: the pattern
 * must hold `{agency}`, a year, month and day, and one `{N…}`. Returns the problems instead when there are any.
 */
export function parseDossierCodePattern(text: string): { pattern: DossierCodePattern } | { problems: string[] } {
  const pattern: DossierCodePattern[number][] = [];
  const problems: string[] = [];
  for (const part of text.split(/(\{[^}]*\})/).filter((piece) => piece !== '')) {
    const field = /^\{(.*)\}$/.exec(part)?.[1];
    if (field === undefined) {
      if (!/^[A-Za-z0-9._-]+$/.test(part))
        problems.push(`"${part}": literal text may hold only letters, digits, ".", "-" and "_"`);
      pattern.push({ literal: part });
    } else if (/^N{1,8}$/.test(field)) pattern.push({ sequenceDigits: field.length });
    else if (field in FIELD_LENGTHS) pattern.push({ field: field as keyof typeof FIELD_LENGTHS });
    else problems.push(`"{${field}}" is not a field (agency, YYMMDD, YYYYMMDD, YYYY, YY, MM, DD, N…)`);
  }
  const fields = new Set(pattern.flatMap((part) => ('field' in part ? [part.field] : [])));
  const year = fields.has('YYYY') || fields.has('YY');
  const wholeDay = fields.has('YYMMDD') || fields.has('YYYYMMDD') || (year && fields.has('MM') && fields.has('DD'));
  if (!fields.has('agency')) problems.push('the code must name the agency: {agency}');
  if (!wholeDay) problems.push('the code must name the day: {YYMMDD}, {YYYYMMDD} or a year with {MM} and {DD}');
  if (pattern.filter((part) => 'sequenceDigits' in part).length !== 1)
    problems.push('the code must hold the daily number once: {NNNN}');
  const longest = pattern.reduce(
    (sum, part) => sum + ('literal' in part ? part.literal.length : 'field' in part ? FIELD_LENGTHS[part.field] : 8),
    0,
  );
  if (longest > DOSSIER_CODE_MAX)
    problems.push(`codes could be ${longest} characters long (at most ${DOSSIER_CODE_MAX})`);
  return problems.length > 0 ? { problems } : { pattern };
}

/**
 * A dossier code by the pattern: the receiving agency's code, `at`'s Vietnamese date (the date of entry) and the
 * agency's daily number (more digits than the pattern's when it outgrows them).
 */
export function formatDossierCode(pattern: DossierCodePattern, agencyCode: string, at: Date, sequence: number): string {
  const day = new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, ''); // YYYYMMDD
  const values = {
    agency: agencyCode,
    YYYY: day.slice(0, 4),
    YY: day.slice(2, 4),
    MM: day.slice(4, 6),
    DD: day.slice(6, 8),
    YYMMDD: day.slice(2),
    YYYYMMDD: day,
  };
  return pattern
    .map((part) =>
      'literal' in part
        ? part.literal
        : 'field' in part
          ? values[part.field]
          : String(sequence).padStart(part.sequenceDigits, '0'),
    )
    .join('');
}
