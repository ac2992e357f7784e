import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { startS3Server } from './support/s3-server.ts';
import type { TestS3Server } from './support/s3-server.ts';
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

const FILE_STORES = [
  { store: 'files under the data dir', s3: false },
  { store: 'files in S3 (s3rver)', s3: true },
];

for (const { name, env } of testServerDatabases()) {
  for (const { store, s3 } of FILE_STORES) {
    describe(`a dossier's whole journey over HTTP on ${name}, ${store}`, function () {
      this.timeout(120_000);
      let server: TestServer;
      let bucket: TestS3Server | undefined;
      before(async () => {
        bucket = s3 ? await startS3Server() : undefined;
        server = await startTestServer({ ...env, ...bucket?.env });
      });
      after(async () => {
        await server?.close();
        await bucket?.close();
      });

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

        // and: the PDF downloaded is the one stored, in the bucket when S3 is configured (and nothing under the data dir)
        const result = (returned.attachments as { id: string; kind: string; sha256: string }[]).find(
          (attachment) => attachment.kind === 'result',
        );
        expect(result?.sha256).to.equal(createHash('sha256').update(bytes).digest('hex'));
        expect(pdf.headers.get('x-content-sha256')).to.equal(result?.sha256);
        const key = `dossiers/${id}/result-${result?.id}.pdf`;
        if (bucket) {
          const client = await bucket.bucketClient();
          try {
            expect(Buffer.compare(await client.read(key), bytes)).to.equal(0);
          } finally {
            await client.close();
          }
          expect(existsSync(join(server.dataDir, 'files'))).to.equal(false);
        } else {
          expect(Buffer.compare(readFileSync(join(server.dataDir, 'files', key)), bytes)).to.equal(0);
        }

        // and: a result whose file is gone from the store is a 404, not a 500
        if (bucket) {
          const client = await bucket.bucketClient();
          await client.remove(key);
          await client.close();
        } else {
          rmSync(join(server.dataDir, 'files', key));
        }
        const gone = await server.request('GET', `/api/dossiers/${id}/result`, { token: citizen });
        expect(gone.status, JSON.stringify(gone.body)).to.equal(404);
        expect(gone.body.error).to.equal('NOT_FOUND');

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
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir).filter((file) => file.endsWith('.eml'));
  } catch {
    return [];
  }
}
