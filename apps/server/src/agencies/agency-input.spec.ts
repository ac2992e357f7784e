import { expect } from 'chai';
import { DomainError } from '../common/domain-error.ts';
import { readAgencyInput } from './agency-input.ts';

const valid = {
  code: '000.00.21.H10',
  nameVi: 'Ủy ban nhân dân xã Mới',
  nameEn: 'Moi Commune People’s Committee',
  level: 'commune',
  role: 'commune-people-committee',
  parentId: '6c27173c-3466-4dc6-9730-ef2335091bcc',
  legalAuthority: 'Nghị quyết',
  effectiveFrom: '2025-07-01',
};

function fieldsOf(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'VALIDATION_FAILED') {
      return (error.details as { errors: { field: string }[] }).errors.map((e) => e.field);
    }
    throw error;
  }
  return [];
}

// Each case: what is sent for POST (partial: false) or PATCH (partial: true), and the fields refused.
const cases: { what: string; body: unknown; partial: boolean; errors: string[] }[] = [
  { what: 'a complete agency', body: valid, partial: false, errors: [] },
  { what: 'no body', body: null, partial: false, errors: [''] },
  {
    what: 'an empty object',
    body: {},
    partial: false,
    errors: ['code', 'nameVi', 'nameEn', 'level', 'role', 'effectiveFrom'],
  },
  { what: 'a code not in QCVN 102 shape', body: { ...valid, code: 'H10-12' }, partial: false, errors: ['code'] },
  { what: 'the abolished district level', body: { ...valid, level: 'district' }, partial: false, errors: ['level'] },
  { what: 'a role not in kebab-case', body: { ...valid, role: 'Commune PC' }, partial: false, errors: ['role'] },
  {
    what: 'a parent that is not an id',
    body: { ...valid, parentId: 'province' },
    partial: false,
    errors: ['parentId'],
  },
  { what: '30 February', body: { ...valid, effectiveFrom: '2025-02-30' }, partial: false, errors: ['effectiveFrom'] },
  {
    what: 'an end before the start',
    body: { ...valid, effectiveTo: '2025-06-30' },
    partial: false,
    errors: ['effectiveTo'],
  },
  { what: 'a PATCH of the end date only', body: { effectiveTo: '2026-12-31' }, partial: true, errors: [] },
  { what: 'a PATCH changing the code', body: { code: '000.00.22.H10' }, partial: true, errors: ['code'] },
  { what: 'an empty PATCH', body: {}, partial: true, errors: [''] },
];

describe('agency input (POST and PATCH /api/admin/agencies)', () => {
  for (const { what, body, partial, errors } of cases) {
    it(`${what}: ${errors.length ? `refused (${errors.join(', ') || 'body'})` : 'accepted'}`, () => {
      expect(fieldsOf(() => (partial ? readAgencyInput(body, true) : readAgencyInput(body, false)))).to.have.members(
        errors,
      );
    });
  }

  it('reads a complete agency with defaults for what is optional', () => {
    expect(readAgencyInput({ ...valid, legalAuthority: undefined, parentId: null }, false)).to.deep.equal({
      ...valid,
      legalAuthority: '',
      parentId: null,
      jurisdictionId: null,
      effectiveTo: null,
    });
  });
});
