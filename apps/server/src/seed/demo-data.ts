import type { UserRole } from '../users/user.entity.ts';

/**
 * The demo province (README "Demo users"): Bắc Ninh as it is since 2025-07-01 (merged with Bắc
 * Giang, two tiers: province → departments, and communes/wards). Agency codes have the QCVN
 * 102:2016 shape but are illustrative, not the official identifiers; commune names should be checked
 * against the Standing Committee's 2025 resolution on Bắc Ninh's commune-level units.
 */
export const DEMO_PASSWORD = 'motcua-demo-2025';

export interface DemoAgency {
  code: string;
  nameVi: string;
  nameEn: string;
  level: 'province' | 'department' | 'commune';
  role: string;
  parentCode: string | null;
  /** The commune or province it serves, when not itself (commune police). */
  jurisdictionCode: string | null;
  legalAuthority: string;
  /** Group prefixes `<prefix>@<code>` made for this agency. */
  groups: ('desk' | 'specialist' | 'leader')[];
}

const MERGER = 'Nghị quyết 202/2025/QH15 về sắp xếp đơn vị hành chính cấp tỉnh (hiệu lực 01/7/2025)';
const COMMUNES = 'Nghị quyết của UBTVQH về sắp xếp đơn vị hành chính cấp xã tỉnh Bắc Ninh năm 2025';
const ONE_STOP = 'Nghị định 118/2025/NĐ-CP về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông';

export const PROVINCE_CODE = '000.00.00.H10';
export const POLICE_CODE = '000.00.01.H10';
export const SOCIAL_INSURANCE_CODE = '000.00.02.H10';

/** Demo communes (wards): key for usernames, code, Vietnamese and English names. */
export const DEMO_COMMUNES = [
  { key: 'kinhbac', code: '000.00.12.H10', nameVi: 'Phường Kinh Bắc', nameEn: 'Kinh Bac Ward' },
  { key: 'vocuong', code: '000.00.13.H10', nameVi: 'Phường Võ Cường', nameEn: 'Vo Cuong Ward' },
  { key: 'bacgiang', code: '000.00.14.H10', nameVi: 'Phường Bắc Giang', nameEn: 'Bac Giang Ward' },
] as const;

/** The commune police of a commune: a unit of the provincial police serving that commune. */
export function communePoliceCode(communeCode: string): string {
  return `000.${communeCode.split('.')[2]}.01.H10`;
}

export const DEMO_AGENCIES: DemoAgency[] = [
  {
    code: PROVINCE_CODE,
    nameVi: 'Ủy ban nhân dân tỉnh Bắc Ninh',
    nameEn: 'Bac Ninh Provincial People’s Committee',
    level: 'province',
    role: 'province-people-committee',
    parentCode: null,
    jurisdictionCode: null,
    legalAuthority: MERGER,
    groups: [],
  },
  {
    code: POLICE_CODE,
    nameVi: 'Công an tỉnh Bắc Ninh',
    nameEn: 'Bac Ninh Provincial Police',
    level: 'department',
    role: 'provincial-police',
    parentCode: PROVINCE_CODE,
    jurisdictionCode: null,
    legalAuthority: 'Luật Cư trú 2020; Nghị định 63/2024/NĐ-CP (liên thông khai sinh – thường trú – BHYT)',
    groups: [],
  },
  {
    code: SOCIAL_INSURANCE_CODE,
    nameVi: 'Bảo hiểm xã hội tỉnh Bắc Ninh',
    nameEn: 'Bac Ninh Social Insurance',
    level: 'department',
    role: 'social-insurance',
    parentCode: PROVINCE_CODE,
    jurisdictionCode: null,
    legalAuthority: 'Luật Bảo hiểm y tế; Nghị định 63/2024/NĐ-CP (cấp thẻ BHYT cho trẻ em dưới 6 tuổi)',
    groups: ['specialist', 'leader'],
  },
  ...DEMO_COMMUNES.flatMap((commune): DemoAgency[] => [
    {
      code: commune.code,
      nameVi: `Ủy ban nhân dân ${commune.nameVi}`,
      nameEn: `${commune.nameEn} People’s Committee`,
      level: 'commune',
      role: 'commune-people-committee',
      parentCode: PROVINCE_CODE,
      jurisdictionCode: null,
      legalAuthority: `${COMMUNES}; ${ONE_STOP}`,
      groups: ['desk', 'specialist', 'leader'],
    },
    {
      code: communePoliceCode(commune.code),
      nameVi: `Công an ${commune.nameVi.replace('Phường', 'phường').replace('Xã', 'xã')}`,
      nameEn: `${commune.nameEn} Police`,
      level: 'commune',
      role: 'commune-police',
      parentCode: POLICE_CODE,
      jurisdictionCode: commune.code,
      legalAuthority: 'Luật Cư trú 2020 (đăng ký thường trú)',
      groups: ['specialist', 'leader'],
    },
  ]),
];

export interface DemoUser {
  username: string;
  fullName: string;
  roles: UserRole[];
  agencyCode: string | null;
  groupCodes: string[];
  email: string | null;
  phone: string | null;
}

const NAMES: Record<string, Record<'desk' | 'specialist' | 'leader' | 'police', string>> = {
  kinhbac: {
    desk: 'Nguyễn Thị Hoa',
    specialist: 'Trần Văn Minh',
    leader: 'Lê Quang Hùng',
    police: 'Phạm Đức Thắng',
  },
  vocuong: { desk: 'Đỗ Thị Lan', specialist: 'Vũ Văn Nam', leader: 'Hoàng Minh Tuấn', police: 'Bùi Văn Long' },
  bacgiang: {
    desk: 'Ngô Thị Mai',
    specialist: 'Đặng Văn Sơn',
    leader: 'Dương Thị Hạnh',
    police: 'Trịnh Văn Khoa',
  },
};

export const DEMO_USERS: DemoUser[] = [
  {
    username: 'admin',
    fullName: 'Quản trị hệ thống',
    roles: ['administrator'],
    agencyCode: null,
    groupCodes: [],
    email: 'admin@motcua.local',
    phone: null,
  },
  {
    username: 'designer',
    fullName: 'Cán bộ thiết kế quy trình',
    roles: ['designer'],
    agencyCode: PROVINCE_CODE,
    groupCodes: [],
    email: 'designer@motcua.local',
    phone: null,
  },
  ...DEMO_COMMUNES.flatMap((commune): DemoUser[] => [
    ...(['desk', 'specialist', 'leader'] as const).map((role) => ({
      username: `${commune.key}.${role}`,
      fullName: NAMES[commune.key][role],
      roles: [role] as UserRole[],
      agencyCode: commune.code,
      groupCodes: [`${role}@${commune.code}`],
      email: `${commune.key}.${role}@motcua.local`,
      phone: null,
    })),
    {
      username: `${commune.key}.police`,
      fullName: NAMES[commune.key].police,
      roles: ['specialist'],
      agencyCode: communePoliceCode(commune.code),
      groupCodes: [`specialist@${communePoliceCode(commune.code)}`],
      email: `${commune.key}.police@motcua.local`,
      phone: null,
    },
  ]),
  {
    username: 'bhxh.specialist',
    fullName: 'Lý Thị Thu',
    roles: ['specialist'],
    agencyCode: SOCIAL_INSURANCE_CODE,
    groupCodes: [`specialist@${SOCIAL_INSURANCE_CODE}`],
    email: 'bhxh.specialist@motcua.local',
    phone: null,
  },
  {
    username: 'bhxh.leader',
    fullName: 'Mai Văn Đức',
    roles: ['leader'],
    agencyCode: SOCIAL_INSURANCE_CODE,
    groupCodes: [`leader@${SOCIAL_INSURANCE_CODE}`],
    email: 'bhxh.leader@motcua.local',
    phone: null,
  },
  {
    username: 'citizen.an',
    fullName: 'Nguyễn Văn An',
    roles: ['citizen'],
    agencyCode: null,
    groupCodes: [],
    email: 'an.nguyen@example.com',
    phone: '0912345678',
  },
  {
    username: 'citizen.binh',
    fullName: 'Trần Thị Bình',
    roles: ['citizen'],
    agencyCode: null,
    groupCodes: [],
    email: 'binh.tran@example.com',
    phone: '0987654321',
  },
];

export const DEMO_EFFECTIVE_FROM = '2025-07-01';

export const GROUP_NAMES: Record<string, { vi: string; en: string }> = {
  desk: { vi: 'Bộ phận một cửa', en: 'One-stop desk' },
  specialist: { vi: 'Chuyên viên thụ lý', en: 'Specialists' },
  leader: { vi: 'Lãnh đạo', en: 'Leaders' },
};
