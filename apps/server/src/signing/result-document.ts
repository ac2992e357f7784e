import type { DocumentField, OfficialDocument } from '@motcua/documents';
import type { JsonSchema } from '../catalogue/bundle.ts';

/** A result template: how its document number is written and whether it is a refusal. */
export interface ResultTemplate {
  /** Document symbol after the number, e.g. `GCN-HKD` → `12/GCN-HKD`. */
  symbol: string;
  refusal: boolean;
  /** Form 05 (Thông báo dừng giải quyết hồ sơ): signed before motcua.stop; the same for every service. */
  stop?: boolean;
}

/**
 * The templates the reference diagrams name in their motcua.sign `template` header. A template not listed here still
 * renders: its title comes from the service's resultDocument / refusalDocument names and a refusal is recognised by
 * its name ending in `-refusal`.
 */
const TEMPLATES: Readonly<Record<string, ResultTemplate>> = {
  'household-business-certificate': { symbol: 'GCN-HKD', refusal: false },
  'household-business-refusal': { symbol: 'TB-UBND', refusal: true },
  'birth-certificate': { symbol: 'GKS', refusal: false },
  'birth-registration-refusal': { symbol: 'TB-UBND', refusal: true },
  'certified-copy': { symbol: 'SCT/BS', refusal: false },
  'certification-refusal': { symbol: 'TB-UBND', refusal: true },
  'construction-permit': { symbol: 'GPXD', refusal: false },
  'construction-permit-refusal': { symbol: 'TB-UBND', refusal: true },
  'stop-notice': { symbol: 'TB-DGQ', refusal: false, stop: true },
};

/** The template of form 05, which any diagram may sign before motcua.stop (processes/README.md, "Stopping"). */
export const STOP_NOTICE_TEMPLATE = 'stop-notice';

export function resultTemplate(code: string): ResultTemplate {
  return TEMPLATES[code] ?? { symbol: code.endsWith('-refusal') ? 'TB' : 'KQ', refusal: code.endsWith('-refusal') };
}

export interface ResultDocumentInput {
  template: string;
  documentNumber: string;
  issuedAt: Date;
  agency: { nameVi: string; parentNameVi?: string };
  dossier: { code: string; submittedAt: Date; applicantName: string; formData: Record<string, unknown> };
  service: {
    nameVi: string;
    resultNameVi: string;
    refusalNameVi?: string;
    legalBasis: { code: string; title: string }[];
  };
  submissionSchema: JsonSchema;
  refusalReason?: string;
  /** Why the processing stops (form 05). */
  stopReason?: string;
  signerName: string;
  trackingUrl: string;
}

/** The place printed before the date: the agency's commune or province without its administrative prefix. */
export function placeOf(agencyName: string): string {
  const withoutBody = agencyName.replace(/^(Ủy ban nhân dân|UBND|Công an|Bảo hiểm xã hội)\s+/iu, '');
  return withoutBody.replace(/^(tỉnh|thành phố|phường|xã|đặc khu)\s+/iu, '').trim() || agencyName;
}

function signerTitle(agencyName: string): string {
  return /^Ủy ban nhân dân/iu.test(agencyName) ? 'TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH' : 'THỦ TRƯỞNG CƠ QUAN';
}

const dateVi = (at: Date): string => {
  const local = new Date(at.getTime() + 7 * 3_600_000).toISOString();
  return `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)}`;
};

/**
 * Label/value lines from the submitted form, labelled with the submission schema's Vietnamese titles: scalar fields
 * in schema order, nested objects flattened one level deep, lists joined; at most 24 lines.
 */
export function formFields(formData: Record<string, unknown>, schema: JsonSchema): DocumentField[] {
  const fields: DocumentField[] = [];
  const definitions = (schema.definitions ?? schema.$defs ?? {}) as Record<string, JsonSchema>;
  const resolveRef = (node: JsonSchema | undefined): JsonSchema | undefined => {
    const ref = node?.$ref;
    if (typeof ref !== 'string') return node;
    const name = ref.split('/').pop() ?? '';
    return { ...definitions[name], ...node, $ref: undefined };
  };
  const text = (value: unknown, node: JsonSchema | undefined): string | undefined => {
    if (value === null || value === undefined || value === '') return undefined;
    if (typeof value === 'boolean') return value ? 'Có' : 'Không';
    if (typeof value === 'number') return value.toLocaleString('vi-VN');
    if (typeof value === 'string') {
      const option = ((node?.oneOf ?? []) as JsonSchema[]).find((choice) => choice.const === value);
      return typeof option?.title === 'string' ? option.title : value;
    }
    if (Array.isArray(value)) {
      const items = value.map((item) => text(item, resolveRef(node?.items as JsonSchema | undefined))).filter(Boolean);
      return items.length > 0 ? items.join('; ') : undefined;
    }
    return undefined;
  };
  const walk = (data: Record<string, unknown>, node: JsonSchema | undefined, prefix: string, depth: number): void => {
    const properties = (node?.properties ?? {}) as Record<string, JsonSchema>;
    const keys = [...Object.keys(properties), ...Object.keys(data).filter((key) => !(key in properties))];
    for (const key of keys) {
      if (fields.length >= 24) return;
      const value = data[key];
      const child = resolveRef(properties[key]);
      const label = `${prefix}${typeof child?.title === 'string' ? child.title : key}`;
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        if (depth < 1) walk(value as Record<string, unknown>, child, `${label} - `, depth + 1);
        continue;
      }
      if (Array.isArray(value) && value.some((item) => item && typeof item === 'object')) continue;
      const shown = text(value, child);
      if (shown !== undefined) fields.push({ label, value: shown });
    }
  };
  walk(formData, schema, '', 0);
  return fields;
}

/** The result document of a dossier (the approved result, or the written refusal), ready for renderDocumentPdf. */
export function resultDocument(input: ResultDocumentInput): OfficialDocument {
  const template = resultTemplate(input.template);
  const basis = input.service.legalBasis.map((law) => `Căn cứ ${law.code} ${law.title};`);
  const considered = `Xét hồ sơ mã số ${input.dossier.code} của ông/bà ${input.dossier.applicantName} nộp ngày ${dateVi(input.dossier.submittedAt)} về thủ tục "${input.service.nameVi}",`;
  const paragraphs = template.stop
    ? [
        ...basis,
        considered,
        `${input.agency.nameVi} thông báo dừng giải quyết hồ sơ nêu trên.`,
        `Lý do: ${input.stopReason?.trim() || 'theo quy định của pháp luật.'}`,
        'Ông/bà có quyền khiếu nại, khởi kiện theo quy định của pháp luật.',
      ]
    : template.refusal
      ? [
          ...basis,
          considered,
          `${input.agency.nameVi} trả lời: hồ sơ không đủ điều kiện giải quyết.`,
          `Lý do: ${input.refusalReason?.trim() || 'không đáp ứng điều kiện theo quy định.'}`,
          'Ông/bà có quyền khiếu nại, khởi kiện theo quy định của pháp luật.',
        ]
      : [
          ...basis,
          considered,
          `${input.agency.nameVi} cấp ${input.service.resultNameVi.charAt(0).toLowerCase()}${input.service.resultNameVi.slice(1)} với các nội dung sau:`,
        ];
  const title = template.stop
    ? 'THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ'
    : template.refusal
      ? `${(input.service.refusalNameVi ?? 'Thông báo từ chối giải quyết hồ sơ').toUpperCase()}`
      : input.service.resultNameVi.toUpperCase();
  return {
    agencyName: input.agency.nameVi,
    parentAgencyName: input.agency.parentNameVi,
    documentNumber: input.documentNumber,
    place: placeOf(input.agency.nameVi),
    issuedAt: input.issuedAt,
    title,
    paragraphs,
    fields: template.refusal || template.stop ? [] : formFields(input.dossier.formData, input.submissionSchema),
    signer: { title: signerTitle(input.agency.nameVi), name: input.signerName },
    qrText: input.trackingUrl,
  };
}
