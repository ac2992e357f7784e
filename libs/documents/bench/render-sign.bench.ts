// Render + sign one result document, as the motcua.sign worker does: how long it takes, per document, on one core.
// Run: node --import @swc-node/register/esm-register libs/documents/bench/render-sign.bench.ts [documents]

import { cpus } from 'node:os';

import {
  createDocumentRenderer,
  createPdfSigner,
  createTestCa,
  issueCertificate,
  type OfficialDocument,
  type SignatureInfo,
} from '../src/index.ts';

const count = Number(process.argv[2] ?? 500);

function documentFor(i: number): OfficialDocument {
  const code = `000.00.12.H10-250205-${String(i).padStart(4, '0')}`;
  return {
    parentAgencyName: 'Ủy ban nhân dân\ntỉnh Bắc Ninh',
    agencyName: 'Ủy ban nhân dân\nxã Đại Đồng',
    documentNumber: `${i}/GCN-UBND`,
    place: 'Đại Đồng',
    issuedAt: new Date(Date.UTC(2025, 1, 5, 3, 0, i % 60)),
    title: `Giấy chứng nhận đăng ký hộ kinh doanh\nMã hồ sơ: ${code}`,
    paragraphs: [
      'Căn cứ Nghị định số 01/2021/NĐ-CP ngày 04 tháng 01 năm 2021 của Chính phủ về đăng ký doanh nghiệp;',
      `Xét hồ sơ ${code} của ông Nguyễn Văn Ấn nộp ngày 05 tháng 02 năm 2025 tại Bộ phận Một cửa,`,
      'Ủy ban nhân dân xã Đại Đồng chứng nhận hộ kinh doanh có các thông tin sau đây đã được đăng ký; ' +
        'chủ hộ kinh doanh chịu trách nhiệm về tính hợp pháp, chính xác và trung thực của nội dung đăng ký.',
    ],
    fields: [
      { label: 'Tên hộ kinh doanh', value: 'Tạp hóa Ấn Ngọc' },
      { label: 'Địa điểm kinh doanh', value: 'Thôn Đông Xuyên, xã Đại Đồng, tỉnh Bắc Ninh' },
      { label: 'Ngành, nghề kinh doanh', value: 'Bán lẻ lương thực, thực phẩm, đồ uống' },
      { label: 'Vốn kinh doanh', value: '150.000.000 đồng' },
      { label: 'Chủ hộ kinh doanh', value: 'Nguyễn Văn Ấn, sinh ngày 12/03/1985, CCCD 027085001234' },
    ],
    signer: { title: 'TM. Ủy ban nhân dân\nChủ tịch', name: 'Trần Thị Bích Ngọc' },
    qrText: `https://motcua.example.vn/tra-cuu/${code}`,
  };
}

const info = (i: number): SignatureInfo => ({
  reason: 'Phát hành kết quả giải quyết thủ tục hành chính',
  location: 'Xã Đại Đồng, tỉnh Bắc Ninh',
  name: 'Ủy ban nhân dân xã Đại Đồng',
  signingTime: new Date(Date.UTC(2025, 1, 5, 3, 30, i % 60)),
});

interface Measurement {
  wallMs: number;
  cpuMs: number;
}

async function measure(label: string, run: (i: number) => Promise<unknown>): Promise<Measurement> {
  for (let i = 0; i < Math.min(200, count); i += 1) await run(i); // warm up (JIT)
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < count; i += 1) await run(i);
  const wallMs = (performance.now() - start) / count;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000 / count;
  console.log(`| ${label} | ${wallMs.toFixed(2)} | ${cpuMs.toFixed(2)} | ${Math.round(1000 / wallMs)} |`);
  return { wallMs, cpuMs };
}

const ca = await createTestCa('motcua Bench CA');
const organisation = await issueCertificate(ca, {
  commonName: 'Ủy ban nhân dân xã Đại Đồng',
  organization: 'Ủy ban nhân dân xã Đại Đồng',
  kind: 'organisation',
  validDays: 30,
});
const person = await issueCertificate(ca, {
  commonName: 'Trần Thị Bích Ngọc',
  organization: 'Ủy ban nhân dân xã Đại Đồng',
  kind: 'person',
  validDays: 30,
  keyAlgorithm: 'ecdsa-p256',
});

const renderer = createDocumentRenderer();
const coldStart = performance.now();
const sample = await renderer.render(documentFor(0));
const coldMs = performance.now() - coldStart;
const organisationSigner = createPdfSigner(organisation);
const personSigner = createPdfSigner(person);
const signedOnce = await organisationSigner.sign(sample, info(0));

console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'cpu'}, ${count} documents, one core (sequential)`);
console.log(`first render (prepares the font subsets once): ${coldMs.toFixed(0)} ms`);
console.log(`document: ${sample.length} bytes; signed once: ${signedOnce.length} bytes\n`);
console.log('| step | wall ms/doc | CPU ms/doc | docs/s |');
console.log('|---|---|---|---|');
await measure('render (Decree 30 layout, 3 fonts, QR)', (i) => renderer.render(documentFor(i)));
await measure('sign, organisation (RSA 2048)', (i) => organisationSigner.sign(sample, info(i)));
await measure('sign, person (ECDSA P-256), 2nd signature', (i) => personSigner.sign(signedOnce, info(i)));
await measure('render + organisation signature', async (i) =>
  organisationSigner.sign(await renderer.render(documentFor(i)), info(i)),
);
await measure('render + both signatures', async (i) =>
  personSigner.sign(await organisationSigner.sign(await renderer.render(documentFor(i)), info(i)), info(i)),
);
