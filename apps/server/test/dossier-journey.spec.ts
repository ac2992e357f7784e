import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY_FILES } from '../src/signing/signing-identity.service.ts';
import {
  HOUSEHOLD_BUSINESS,
  KINH_BAC,
  completeTask,
  dossierWhen,
  eventually,
  householdBusinessForm,
} from './support/dossier-journey.ts';
import { startTestServer, testServerDatabases } from './support/test-server.ts';
import type { TestServer } from './support/test-server.ts';

/** Whether poppler's pdfsig verifies the PDF's signature against the test CA (imported into a throw-away NSS db). */
function verifyWithPdfsig(pdf: Buffer, caPem: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-pdfsig-'));
  try {
    writeFileSync(join(dir, 'result.pdf'), pdf);
    writeFileSync(join(dir, 'ca.pem'), caPem);
    execFileSync('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
    execFileSync('certutil', [
      '-A',
      '-d',
      `sql:${dir}`,
      '-n',
      'motcua-test-ca',
      '-t',
      'CT,C,C',
      '-i',
      join(dir, 'ca.pem'),
    ]);
    return execFileSync('pdfsig', ['-nssdir', `sql:${dir}`, join(dir, 'result.pdf')], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const { name, env } of testServerDatabases()) {
  describe(`a dossier's whole journey over HTTP on ${name}`, function () {
    this.timeout(120_000);
    let server: TestServer;
    before(async () => (server = await startTestServer(env)));
    after(() => server?.close());

    it('goes submit → code → desk accept → appraisal → approval → signed PDF → returned, with timeline and e-mails', async () => {
      // given: a citizen and the officials of the commune
      const citizen = await server.login('citizen.an');
      const desk = await server.login('kinhbac.desk');
      const specialist = await server.login('kinhbac.specialist');
      const leader = await server.login('kinhbac.leader');

      // when: the citizen submits online
      const submitted = await server.request('POST', '/api/dossiers', {
        token: citizen,
        body: {
          serviceCode: HOUSEHOLD_BUSINESS,
          receivingAgencyCode: KINH_BAC,
          form: householdBusinessForm({ phone: '0912345678', email: 'an.nguyen@example.com' }),
        },
      });
      expect(submitted.status, JSON.stringify(submitted.body)).to.equal(201);
      const id = submitted.body.id as string;
      expect(submitted.body).to.include({ status: 1, channel: 'online', processStarted: true });

      // then: intake issues the code of the receiving agency, today's date, number 0001
      const coded = await dossierWhen(server, citizen, id, 'a dossier code', (dossier) => dossier.code !== null);
      expect(coded.code).to.match(new RegExp(`^${KINH_BAC.replace(/\./g, '\\.')}-\\d{6}-0001$`));

      // when: the desk accepts, the specialist appraises, the leader approves
      await completeTask(server, desk, id, 'desk-receipt', {
        decision: 'accept',
        checkedDocuments: ['application-form'],
      });
      const received = await dossierWhen(server, citizen, id, 'acceptance', (dossier) => dossier.dueAt !== null);
      expect(received.receivedAt).to.be.a('string');
      expect(new Date(received.dueAt).getTime()).to.be.greaterThan(new Date(received.receivedAt).getTime());
      await completeTask(server, specialist, id, 'appraisal', {
        recommendation: 'approve',
        nameAvailable: true,
        appraisalNote: 'Hồ sơ hợp lệ',
      });
      await completeTask(server, leader, id, 'approval', { approved: true, approvalNote: 'Đồng ý' });

      // then: signed, returned, downloadable
      const returned = await dossierWhen(server, citizen, id, 'status 10', (dossier) => dossier.status === 10);
      expect(returned.resultAvailable).to.equal(true);
      expect(returned.returnedAt).to.be.a('string');
      const timeline = (returned.history as { type: string }[]).map((event) => event.type);
      expect(timeline).to.include.members(['submitted', 'code-issued', 'accepted', 'signed', 'returned']);
      expect(timeline.indexOf('code-issued')).to.be.lessThan(timeline.indexOf('accepted'));

      const pdf = await server.request('GET', `/api/dossiers/${id}/result`, { token: citizen });
      expect(pdf.status).to.equal(200);
      expect(pdf.headers.get('content-type')).to.equal('application/pdf');
      const bytes = pdf.body as Buffer;
      expect(bytes.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
      expect(bytes.toString('latin1')).to.contain('/ETSI.CAdES.detached');
      const ca = readFileSync(join(server.dataDir, 'keys', KEY_FILES.caCertificate), 'utf8');
      const report = verifyWithPdfsig(bytes, ca);
      expect(report).to.contain('Signature Validation: Signature is Valid.');
      expect(report).to.contain('Certificate Validation: Certificate is Trusted.');

      // and: the citizen was told the code, the appointment and the result by e-mail (.eml files without SMTP)
      const mails = await eventually('three e-mails to the citizen', async () => {
        const files = readdirSafe(join(server.dataDir, 'mail')).map((file) =>
          readFileSync(join(server.dataDir, 'mail', file), 'utf8'),
        );
        const toCitizen = files.filter((mail) => mail.includes('To: an.nguyen@example.com'));
        return toCitizen.length >= 3 ? toCitizen : undefined;
      });
      expect(mails.some((mail) => mail.includes(coded.code))).to.equal(true);
    });
  });
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir).filter((file) => file.endsWith('.eml'));
  } catch {
    return [];
  }
}
