import { FieldErrors } from '../common/domain-error.ts';
import { objectBody, readDate, readString } from '../common/input.ts';
import type { Body } from '../common/input.ts';
import type { AgencyInput } from './agencies-admin.service.ts';
import { AGENCY_LEVELS } from './agency.entity.ts';

/** QCVN 102:2016 shape: level-4.level-3.level-2.level-1, e.g. 000.00.12.H10. */
export const AGENCY_CODE_PATTERN = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function readId(body: Body, field: string, errors: FieldErrors): string | null | undefined {
  if (body[field] === null) return null;
  return readString(body, field, errors, {
    pattern: UUID,
    patternVi: 'Phải là mã định danh (UUID)',
    patternEn: 'Must be an id (UUID)',
  });
}

/** The body of POST /api/admin/agencies (every field) or PATCH (only those given; `code` is fixed). */
export function readAgencyInput(raw: unknown, partial: false): AgencyInput;
export function readAgencyInput(raw: unknown, partial: true): Partial<AgencyInput>;
export function readAgencyInput(raw: unknown, partial: boolean): Partial<AgencyInput> {
  const body = objectBody(raw);
  const errors = new FieldErrors();
  const required = !partial;
  const has = (field: string): boolean => !partial || field in body;
  const out: Partial<AgencyInput> = {};
  if (partial && 'code' in body) {
    errors.add(
      'code',
      'Không đổi được mã cơ quan: hãy tạo cơ quan mới và đặt ngày hết hiệu lực cho cơ quan cũ',
      'The code cannot change: create a new agency and set effectiveTo on this one',
    );
  } else if (!partial) {
    out.code = readString(body, 'code', errors, {
      required,
      pattern: AGENCY_CODE_PATTERN,
      patternVi: 'Mã theo QCVN 102:2016, ví dụ 000.00.12.H10',
      patternEn: 'A QCVN 102:2016 code, e.g. 000.00.12.H10',
    });
  }
  if (has('nameVi')) out.nameVi = readString(body, 'nameVi', errors, { required: true, max: 255 });
  if (has('nameEn')) out.nameEn = readString(body, 'nameEn', errors, { required: true, max: 255 });
  if (has('level'))
    out.level = readString(body, 'level', errors, { required: true, oneOf: AGENCY_LEVELS }) as AgencyInput['level'];
  if (has('role'))
    out.role = readString(body, 'role', errors, {
      required: true,
      max: 64,
      pattern: KEBAB,
      patternVi: 'Chữ thường, số và gạch ngang, ví dụ commune-people-committee',
      patternEn: 'kebab-case, e.g. commune-people-committee',
    });
  if (has('parentId')) out.parentId = readId(body, 'parentId', errors) ?? null;
  if (has('jurisdictionId')) out.jurisdictionId = readId(body, 'jurisdictionId', errors) ?? null;
  if (has('legalAuthority')) out.legalAuthority = readString(body, 'legalAuthority', errors, { max: 1000 }) ?? '';
  if (has('effectiveFrom')) out.effectiveFrom = readDate(body, 'effectiveFrom', errors, true);
  if (has('effectiveTo')) out.effectiveTo = readDate(body, 'effectiveTo', errors) ?? null;
  if (out.effectiveFrom && out.effectiveTo && out.effectiveTo < out.effectiveFrom) {
    errors.add('effectiveTo', 'Phải từ ngày hiệu lực trở đi', 'Must be on or after effectiveFrom');
  }
  if (partial && Object.keys(out).length === 0 && errors.empty) {
    errors.add('', 'Không có trường nào để cập nhật', 'Nothing to update');
  }
  errors.throwIfAny();
  return out;
}
