/**
 * A publishable bundle (issue 3, item 4): the BPMN of one administrative procedure, its JSON Schema forms
 * (the submission form and one per user-task formKey) and its catalogue metadata
 * (processes/bundle-metadata.schema.json).
 */

export type JsonSchema = Record<string, unknown>;

export interface Localized {
  vi: string;
  en: string;
}

export type LegalDuration = { workingDays: number } | { workingHours: number } | { sameDay: true };

/** The fields of metadata.json the server reads; the schema in processes/ is the full contract. */
export interface BundleMetadata {
  metadataVersion: 1;
  slug: string;
  code: string;
  codeScheme: 'national' | 'motcua';
  bpmnProcessId: string;
  names: Localized;
  descriptions: Localized;
  sector: Localized;
  level: 'commune' | 'province';
  competentAgencyRole: string;
  participatingAgencies: {
    role: string;
    names: Localized;
    agencyRole?: string;
    variable: string;
    filledBy: 'server' | 'task';
    filledByTask?: string;
    many: boolean;
    legalDuration?: LegalDuration;
  }[];
  onlineLevel: 'full' | 'partial';
  legalDuration: { online?: LegalDuration; counter?: LegalDuration };
  fees:
    | { kind: 'none'; note: Localized }
    | {
        kind: 'static';
        items: { code: string; names: Localized; amountVnd: number; channels?: ('online' | 'counter')[] }[];
        note?: Localized;
      }
    | { kind: 'computed'; variable: string; elementId: string; formula: Localized; note?: Localized };
  requiredDocuments: {
    code: string;
    names: Localized;
    descriptions?: Localized;
    required: boolean;
    condition?: Localized;
    copies: number;
    original?: 'present' | 'hand-in';
    acceptedTypes: ('pdf' | 'jpeg' | 'png')[];
    template?: string;
  }[];
  resultDocument: { template: string; names: Localized };
  refusalDocument?: { template: string; names: Localized };
  additionalResults?: { code: string; names: Localized; issuedByRole: string; variable: string }[];
  legalBasis: { code: string; title: string; en?: string; articles?: string }[];
  forms: { submission: string; tasks: Record<string, string> };
  verify: string[];
}

export interface BundleForms {
  submission: JsonSchema;
  /** formKey → JSON Schema of that user task's form. */
  tasks: Record<string, JsonSchema>;
}

/** The request body of `POST /api/admin/bundles` (and what `npm start` reads from processes/ and forms/). */
export interface Bundle {
  bpmn: string;
  metadata: BundleMetadata;
  forms: BundleForms;
  /** YYYY-MM-DD in Asia/Ho_Chi_Minh; default today. */
  effectiveFrom?: string;
}

/**
 * One problem of a bundle: `path` is a JSON pointer into the bundle (`/metadata/fees`, `/forms/tasks/approval/type`),
 * `elementId` the BPMN element (with path `/bpmn`). `message` is "<vi> / <en>".
 */
export interface BundleProblem {
  path: string;
  elementId?: string;
  message: string;
  /** Which check found it: `bpmnlint:<rule>`, `bpmn-parse`, `metadata-schema`, `json-schema`, `motcua`. */
  rule: string;
}

/** Escapes one reference token of a JSON pointer (RFC 6901). */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointer(...tokens: (string | number)[]): string {
  return tokens.map((token) => `/${pointerToken(token)}`).join('');
}
