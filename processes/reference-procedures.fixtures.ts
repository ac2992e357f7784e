// Dossiers for reference-procedures.spec.ts: the agencies of a demo commune, one valid submission per bundle, and
// invalid submissions and task completions with the error each must raise (form-js style fixture table).

/** Agency codes (QCVN 102:2016 shape) of a demo commune in Bắc Ninh and the agencies it works with. */
export const AGENCIES = {
  commune: '000.21.45.H10',
  economicDivision: '000.22.45.H10',
  police: '000.31.45.H10',
  socialInsurance: '000.41.45.H10',
  construction: '000.51.45.H10',
  fireService: '000.52.45.H10',
} as const;

/** What the server does at submission: the agency of each role for the dossier's commune. */
export const AGENCY_BY_ROLE: Record<string, string> = {
  'commune-people-committee': AGENCIES.commune,
  'commune-economic-division': AGENCIES.economicDivision,
  'commune-police': AGENCIES.police,
  'social-insurance': AGENCIES.socialInsurance,
};

const address = { street: 'Số 12, đường Trần Phú', commune: 'Xã Tân An', province: 'Tỉnh Bắc Ninh' };

const applicant = {
  name: 'Nguyễn Thị Hoa',
  idNumber: '024190012345',
  phone: '0912345678',
  email: 'hoa.nguyen@example.vn',
  address,
};

/** A valid submission (the `form` variable) per bundle slug. */
export const SUBMISSIONS: Record<string, Record<string, unknown>> = {
  'household-business-registration': {
    applicant,
    registrationType: 'household',
    business: {
      name: 'Hộ kinh doanh Hoa Mai',
      address,
      phone: '0912345678',
      linesOfBusiness: [
        { vsicCode: '5610', description: 'Nhà hàng và các dịch vụ ăn uống phục vụ lưu động' },
        { vsicCode: '4722', description: 'Bán lẻ thực phẩm trong các cửa hàng chuyên doanh' },
      ],
      capitalVnd: 200_000_000,
      employees: 3,
    },
    owner: {
      name: 'Nguyễn Thị Hoa',
      dateOfBirth: '1990-03-15',
      sex: 'female',
      ethnicity: 'Kinh',
      nationality: 'Việt Nam',
      idNumber: '024190012345',
      permanentAddress: address,
    },
    members: [{ name: 'Trần Văn Minh', dateOfBirth: '1988-07-02', sex: 'male', idNumber: '024088054321' }],
  },
  'birth-residence-health-insurance': {
    applicant,
    relationshipToChild: 'mother',
    child: {
      name: 'Trần Minh An',
      sex: 'male',
      dateOfBirth: '2025-12-28',
      placeOfBirth: {
        facility: 'Bệnh viện Đa khoa tỉnh Bắc Ninh',
        commune: 'Phường Kinh Bắc',
        province: 'Tỉnh Bắc Ninh',
      },
      ethnicity: 'Kinh',
      nationality: 'Việt Nam',
      medicalBirthCertificateNumber: 'CS-2025-004512',
    },
    mother: {
      name: 'Nguyễn Thị Hoa',
      dateOfBirth: '1990-03-15',
      idNumber: '024190012345',
      ethnicity: 'Kinh',
      nationality: 'Việt Nam',
      residence: address,
    },
    father: {
      name: 'Trần Văn Minh',
      dateOfBirth: '1988-07-02',
      idNumber: '024088054321',
      ethnicity: 'Kinh',
      nationality: 'Việt Nam',
      residence: address,
    },
    residence: {
      address,
      householdHeadName: 'Trần Văn Minh',
      householdHeadIdNumber: '024088054321',
      relationshipToHouseholdHead: 'Con',
    },
    healthInsurance: { primaryCareFacility: 'Trạm Y tế xã Tân An' },
  },
  'construction-permit-individual-house': {
    applicant,
    site: { address, landParcelNumber: '215', mapSheetNumber: '12', landAreaM2: 120.5 },
    landUseRightCertificate: {
      number: 'DĐ 123456',
      registryNumber: 'CS 04512',
      issuedOn: '2019-06-20',
      issuedBy: 'Sở Tài nguyên và Môi trường tỉnh Bắc Ninh',
    },
    building: { floors: 3, basementFloors: 0, groundFloorAreaM2: 90, totalFloorAreaM2: 270, heightM: 11.4 },
    designer: { name: 'Công ty TNHH Thiết kế Kiến trúc Tân An', certificateNumber: 'BAN-00012345' },
    expectedCompletionMonths: 8,
  },
  'certified-copy': {
    applicant,
    documentType: 'diploma',
    documentTitle: 'Bằng tốt nghiệp đại học',
    issuingAuthority: 'Trường Đại học Bách khoa Hà Nội',
    issuedOn: '2012-07-30',
    pages: 3,
    copies: 2,
  },
};

/** A change to a valid document and the jsonschema error it must raise (property and keyword). */
export interface InvalidCase {
  readonly what: string;
  readonly change: (data: Record<string, unknown>) => void;
  readonly property: string;
  readonly keyword: string;
}

const at = (data: Record<string, unknown>, path: string): Record<string, unknown> =>
  path.split('.').reduce((node, key) => node[key] as Record<string, unknown>, data);

/** Every submission form shares the applicant block. */
const APPLICANT_CASES: InvalidCase[] = [
  {
    what: 'a phone number of 9 digits',
    change: (d) => (at(d, 'applicant').phone = '912345678'),
    property: 'instance.applicant.phone',
    keyword: 'pattern',
  },
  {
    what: 'a landline number (not a mobile prefix)',
    change: (d) => (at(d, 'applicant').phone = '0222384512'),
    property: 'instance.applicant.phone',
    keyword: 'pattern',
  },
  {
    what: 'a citizen ID of 11 digits',
    change: (d) => (at(d, 'applicant').idNumber = '02419001234'),
    property: 'instance.applicant.idNumber',
    keyword: 'pattern',
  },
  {
    what: 'an e-mail without a domain',
    change: (d) => (at(d, 'applicant').email = 'hoa.nguyen'),
    property: 'instance.applicant.email',
    keyword: 'format',
  },
  {
    what: 'no applicant',
    change: (d) => delete d.applicant,
    property: 'instance',
    keyword: 'required',
  },
  {
    what: 'a field the form does not know',
    change: (d) => (d.comment = 'xin cảm ơn'),
    property: 'instance',
    keyword: 'additionalProperties',
  },
];

export const INVALID_SUBMISSIONS: Record<string, InvalidCase[]> = {
  'household-business-registration': [
    ...APPLICANT_CASES,
    {
      what: 'a business name without "Hộ kinh doanh"',
      change: (d) => (at(d, 'business').name = 'Hoa Mai'),
      property: 'instance.business.name',
      keyword: 'pattern',
    },
    {
      what: 'a household registration without members',
      change: (d) => delete d.members,
      property: 'instance',
      keyword: 'required',
    },
    {
      what: 'no line of business',
      change: (d) => (at(d, 'business').linesOfBusiness = []),
      property: 'instance.business.linesOfBusiness',
      keyword: 'minItems',
    },
    {
      what: "a member's citizen ID with letters",
      change: (d) => ((d.members as Record<string, unknown>[])[0].idNumber = '02408805432A'),
      property: 'instance.members[0].idNumber',
      keyword: 'pattern',
    },
  ],
  'birth-residence-health-insurance': [
    ...APPLICANT_CASES,
    {
      what: 'a sex that is not on the list',
      change: (d) => (at(d, 'child').sex = 'x'),
      property: 'instance.child.sex',
      keyword: 'oneOf',
    },
    {
      what: 'a date of birth in month 13',
      change: (d) => (at(d, 'child').dateOfBirth = '2025-13-01'),
      property: 'instance.child.dateOfBirth',
      keyword: 'format',
    },
    {
      what: 'no primary health-care facility',
      change: (d) => (d.healthInsurance = {}),
      property: 'instance.healthInsurance',
      keyword: 'required',
    },
  ],
  'construction-permit-individual-house': [
    ...APPLICANT_CASES,
    {
      what: 'a house of 0 floors',
      change: (d) => (at(d, 'building').floors = 0),
      property: 'instance.building.floors',
      keyword: 'minimum',
    },
    {
      what: 'a land use right certificate number without its series letters',
      change: (d) => (at(d, 'landUseRightCertificate').number = '123456'),
      property: 'instance.landUseRightCertificate.number',
      keyword: 'pattern',
    },
  ],
  'certified-copy': [
    ...APPLICANT_CASES,
    {
      what: '0 pages',
      change: (d) => (d.pages = 0),
      property: 'instance.pages',
      keyword: 'minimum',
    },
    {
      what: 'a fractional number of copies',
      change: (d) => (d.copies = 1.5),
      property: 'instance.copies',
      keyword: 'type',
    },
  ],
};

/** Task completions that the task's form must refuse (formKey → cases), checked in every bundle that has the form. */
export const INVALID_TASK_OUTPUTS: Record<string, { valid: Record<string, unknown>; cases: InvalidCase[] }> = {
  'desk-receipt': {
    valid: { decision: 'accept' },
    cases: [
      {
        what: 'a supplement request without saying what is missing',
        change: (d) => (d.decision = 'supplement'),
        property: 'instance',
        keyword: 'required',
      },
      {
        what: 'a refusal without a reason',
        change: (d) => (d.decision = 'refuse'),
        property: 'instance',
        keyword: 'required',
      },
      {
        what: 'a decision that is not on the list',
        change: (d) => (d.decision = 'maybe'),
        property: 'instance.decision',
        keyword: 'oneOf',
      },
    ],
  },
  approval: {
    valid: { approved: true },
    cases: [
      {
        what: 'a refusal without a reason',
        change: (d) => (d.approved = false),
        property: 'instance',
        keyword: 'required',
      },
      {
        what: 'a decision given as text',
        change: (d) => (d.approved = 'yes'),
        property: 'instance.approved',
        keyword: 'type',
      },
    ],
  },
};

/** Task completions only one bundle's form must refuse (slug → formKey → cases). */
export const INVALID_TASK_OUTPUTS_BY_SLUG: Record<
  string,
  Record<string, { valid: Record<string, unknown>; cases: InvalidCase[] }>
> = {
  'construction-permit-individual-house': {
    approval: {
      valid: { approved: false, stopProcessing: true, stopReason: 'Người nộp đề nghị dừng giải quyết.' },
      cases: [
        {
          what: 'a stop without a reason',
          change: (d) => delete d.stopReason,
          property: 'instance',
          keyword: 'required',
        },
        {
          what: 'a stop of an approved dossier',
          change: (d) => (d.approved = true),
          property: 'instance.approved',
          keyword: 'const',
        },
      ],
    },
  },
};
