import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  HOUSEHOLD_BUSINESS,
  KINH_BAC,
  completeTask,
  dossierWhen,
  eventually,
  householdBusinessForm,
} from './support/dossier-journey.ts';
import { minimalBundle } from '../src/catalogue/fixtures/minimal-bundle.ts';
import { closeEngineClient, engineClient } from './support/engine-client.ts';
import { startTestServer, testServerDatabases } from './support/test-server.ts';
import type { TestServer } from './support/test-server.ts';

// Response bodies are whatever JSON the endpoint returns: tests index into them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
const TRACKING_LIMIT = 8;
const UPLOAD_LIMIT = 4096;

function multipart(
  fields: Record<string, unknown>,
  files: { field: string; name: string; bytes: Buffer; type?: string }[],
) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  for (const file of files) {
    form.append(file.field, new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }), file.name);
  }
  return form;
}

for (const { name, env } of testServerDatabases()) {
  describe(`the citizen dossier API on ${name}`, function () {
    this.timeout(120_000);
    let server: TestServer;
    let an: string;
    let binh: string;
    let desk: string;
    before(async () => {
      server = await startTestServer({
        ...env,
        MOTCUA_TRACKING_RATE_PER_MINUTE: String(TRACKING_LIMIT),
        MOTCUA_UPLOAD_MAX_BYTES: String(UPLOAD_LIMIT),
      });
      [an, binh, desk] = await Promise.all([
        server.login('citizen.an'),
        server.login('citizen.binh'),
        server.login('kinhbac.desk'),
      ]);
    });
    after(async () => {
      if (!server) return;
      await closeEngineClient(server);
      await server.close();
    });

    const submit = (token: string, body: unknown, headers: Record<string, string> = {}) =>
      server.request('POST', '/api/dossiers', { token, body, headers });
    const validBody = () => ({
      serviceCode: HOUSEHOLD_BUSINESS,
      receivingAgencyCode: KINH_BAC,
      form: householdBusinessForm({ phone: '0912345678', email: 'an.nguyen@example.com' }),
    });

    describe('submission', () => {
      it('lists every field error of the form with its JSON pointer (400)', async () => {
        // given: a form with a missing field, a wrong pattern, a wrong type and a field the schema does not know
        const body = validBody();
        const form = body.form as Json;
        delete form.registrationType;
        form.business.name = 'Cửa hàng Hoa Mai';
        form.business.capitalVnd = 'hai trăm triệu';
        form.applicant.phone = '12345';
        form.favouriteColour = 'blue';

        // when
        const response = await submit(an, body);

        // then
        expect(response.status).to.equal(400);
        expect(response.body.error).to.equal('VALIDATION_FAILED');
        const fields = (response.body.details.errors as { field: string; message: string }[]).map((e) => e.field);
        expect(fields).to.include.members([
          '/form/registrationType',
          '/form/business/name',
          '/form/business/capitalVnd',
          '/form/applicant/phone',
          '/form/favouriteColour',
        ]);
        for (const error of response.body.details.errors) expect(error.message).to.match(/ \/ /); // vi / en
        expect((await server.request('GET', '/api/dossiers/mine', { token: an })).body).to.deep.equal([]);
      });

      it('lists the problems of the envelope too: no service code, no form, an unknown agency', async () => {
        const response = await submit(an, { receivingAgencyCode: 'no-such-agency' });
        expect(response.status).to.equal(400);
        const fields = (response.body.details.errors as { field: string }[]).map((e) => e.field);
        expect(fields).to.include.members(['/serviceCode', '/form']);
        const unknown = await submit(an, { ...validBody(), serviceCode: 'NO.SUCH.SERVICE' });
        expect(unknown.status).to.equal(400);
        expect(unknown.body.details.errors[0].field).to.equal('/serviceCode');
        const agency = await submit(an, { ...validBody(), receivingAgencyCode: 'no-such-agency' });
        expect(agency.status).to.equal(400);
        expect(agency.body.details.errors.map((e: Json) => e.field)).to.deep.equal(['/receivingAgencyCode']);
      });

      it('stores multipart attachments with sanitised names and the type their bytes show', async () => {
        // when: a PDF whose name carries a path and a control character, and a PNG named .pdf
        const response = await server.request('POST', '/api/dossiers', {
          token: an,
          body: multipart({ serviceCode: HOUSEHOLD_BUSINESS, receivingAgencyCode: KINH_BAC, form: validBody().form }, [
            { field: 'application-form', name: 'C:\\scans\\..\\Giấy đề nghị\u202e đăng ký.pdf', bytes: PDF },
            { field: 'member-identity-papers', name: 'căn cước.pdf', bytes: PNG, type: 'application/pdf' },
          ]),
        });

        // then
        expect(response.status, JSON.stringify(response.body)).to.equal(201);
        const attachments = response.body.attachments as Json[];
        expect(attachments.map((a) => [a.documentCode, a.fileName, a.mediaType, a.size])).to.deep.equal([
          ['application-form', 'Giấy đề nghị đăng ký.pdf', 'application/pdf', PDF.length],
          ['member-identity-papers', 'căn cước.pdf.png', 'image/png', PNG.length],
        ]);
        expect(attachments[0].sha256).to.equal(createHash('sha256').update(PDF).digest('hex'));
        const download = await server.request(
          'GET',
          `/api/dossiers/${response.body.id}/attachments/${attachments[1].id}`,
          {
            token: an,
          },
        );
        expect(download.status).to.equal(200);
        expect(download.headers.get('content-type')).to.equal('image/png');
        expect(Buffer.compare(download.body as Buffer, PNG)).to.equal(0);
      });

      it('refuses a file whose bytes are not PDF, JPEG or PNG whatever its name (415), storing nothing', async () => {
        const before = (await server.request('GET', '/api/dossiers/mine', { token: an })).body.length;
        const response = await server.request('POST', '/api/dossiers', {
          token: an,
          body: multipart({ serviceCode: HOUSEHOLD_BUSINESS, receivingAgencyCode: KINH_BAC, form: validBody().form }, [
            { field: 'application-form', name: 'scan.pdf', bytes: GIF, type: 'application/pdf' },
          ]),
        });
        expect(response.status).to.equal(415);
        expect(response.body.error).to.equal('UNSUPPORTED_MEDIA_TYPE');
        expect(response.body.details.errors[0].field).to.equal('application-form');
        expect((await server.request('GET', '/api/dossiers/mine', { token: an })).body.length).to.equal(before);
      });

      it('refuses a PNG for a document that accepts only PDF (415)', async () => {
        const response = await server.request('POST', '/api/dossiers', {
          token: an,
          body: multipart({ serviceCode: HOUSEHOLD_BUSINESS, receivingAgencyCode: KINH_BAC, form: validBody().form }, [
            { field: 'application-form', name: 'form.png', bytes: PNG },
          ]),
        });
        expect(response.status).to.equal(415);
      });

      it('refuses a file over MOTCUA_UPLOAD_MAX_BYTES (413)', async () => {
        const big = Buffer.concat([PDF, Buffer.alloc(UPLOAD_LIMIT, 0x20)]);
        const response = await server.request('POST', '/api/dossiers', {
          token: an,
          body: multipart({ serviceCode: HOUSEHOLD_BUSINESS, receivingAgencyCode: KINH_BAC, form: validBody().form }, [
            { field: 'application-form', name: 'big.pdf', bytes: big },
          ]),
        });
        expect(response.status).to.equal(413);
        expect(response.body.error).to.equal('PAYLOAD_TOO_LARGE');
      });

      it('returns the first dossier for a repeated Idempotency-Key (201, then 200 with the same id), even at once', async () => {
        const first = await submit(an, validBody(), { 'Idempotency-Key': 'submit-once-1' });
        const again = await submit(an, validBody(), { 'Idempotency-Key': 'submit-once-1' });
        expect([first.status, again.status]).to.deep.equal([201, 200]);
        expect(again.body.id).to.equal(first.body.id);

        const together = await Promise.all(
          [1, 2, 3].map(() => submit(an, validBody(), { 'Idempotency-Key': 'submit-once-2' })),
        );
        expect(new Set(together.map((response) => response.body.id)).size).to.equal(1);
        expect(together.map((response) => response.status).sort()).to.deep.equal([200, 200, 201]);
        // the key belongs to its submitter: another citizen's same key is another dossier
        const other = await submit(binh, validBody(), { 'Idempotency-Key': 'submit-once-1' });
        expect(other.status).to.equal(201);
        expect(other.body.id).not.to.equal(first.body.id);
      });

      it('keeps the dossier and answers 503 naming it when the engine refuses to start its process', async () => {
        // given: a published service whose process definition the engine no longer has
        const admin = await server.login('admin');
        const published = await server.request('POST', '/api/admin/bundles', {
          token: admin,
          body: minimalBundle({ code: 'MC.TEST.503', processId: 'dossiers-api-spec-gone' }),
        });
        expect(published.status, JSON.stringify(published.body)).to.be.oneOf([200, 201]);
        await engineClient(server).deleteResource({ resourceKey: published.body.version.processDefinitionKey });

        // when
        const body = { serviceCode: 'MC.TEST.503', receivingAgencyCode: KINH_BAC, form: { fullName: 'Nguyễn Văn An' } };
        const response = await submit(an, body, { 'Idempotency-Key': 'engine-refuses-1' });

        // then: 503 with the dossier's id; the dossier is kept (status 1, history) and marked not started
        expect(response.status).to.equal(503);
        expect(response.body.error).to.equal('SERVICE_UNAVAILABLE');
        expect(response.headers.get('retry-after')).to.equal('30');
        const id = response.body.details.dossierId as string;
        const dossier = await server.request('GET', `/api/dossiers/${id}`, { token: an });
        expect(dossier.body).to.include({ status: 1, processStarted: false, code: null });
        expect(dossier.body.history.map((event: Json) => event.type)).to.deep.equal(['submitted']);
        // a repeated submit with the same key is the same dossier, and tries the start again
        const again = await submit(an, body, { 'Idempotency-Key': 'engine-refuses-1' });
        expect(again.status).to.equal(503);
        expect(again.body.details.dossierId).to.equal(id);
      });

      it('is for citizens (403 for a desk officer, 401 without login); the counter is for the desk (403 for a citizen)', async () => {
        expect((await submit(desk, validBody())).status).to.equal(403);
        expect((await server.request('POST', '/api/dossiers', { body: validBody() })).status).to.equal(401);
        expect(
          (await server.request('POST', '/api/counter/dossiers', { token: an, body: validBody() })).status,
        ).to.equal(403);
      });
    });

    describe('reading', () => {
      it("lists my dossiers only, and answers 404 for another citizen's dossier", async () => {
        // given
        const mine = await submit(an, validBody());
        expect(mine.status).to.equal(201);

        // then
        const binhsList = (await server.request('GET', '/api/dossiers/mine', { token: binh })).body as Json[];
        expect(binhsList.map((dossier) => dossier.id)).not.to.include(mine.body.id);
        const ansList = (await server.request('GET', '/api/dossiers/mine', { token: an })).body as Json[];
        expect(ansList.map((dossier) => dossier.id)).to.include(mine.body.id);
        expect((await server.request('GET', `/api/dossiers/${mine.body.id}`, { token: binh })).status).to.equal(404);
        expect((await server.request('GET', `/api/dossiers/${mine.body.id}/result`, { token: binh })).status).to.equal(
          404,
        );
        expect(
          (await server.request('POST', `/api/dossiers/${mine.body.id}/withdraw`, { token: binh, body: {} })).status,
        ).to.equal(404);
        // an official of the receiving commune sees it, with the officials' history
        const seenByDesk = await server.request('GET', `/api/dossiers/${mine.body.id}`, { token: desk });
        expect(seenByDesk.status).to.equal(200);
        expect(seenByDesk.body.history[0].actor).to.deep.include({ type: 'citizen' });
        // an official of another commune does not
        const otherDesk = await server.login('vocuong.desk');
        expect((await server.request('GET', `/api/dossiers/${mine.body.id}`, { token: otherDesk })).status).to.equal(
          404,
        );
      });

      it('has no result to download before it is signed (409)', async () => {
        const dossier = await submit(an, validBody());
        const result = await server.request('GET', `/api/dossiers/${dossier.body.id}/result`, { token: an });
        expect(result.status).to.equal(409);
      });
    });

    describe('tracking by code and phone digits', () => {
      it('shows the public timeline to the right digits and the same 404 to wrong digits or an unknown code; then 429', async () => {
        // given: a dossier with its code (taken before the rate limit is spent)
        const submitted = await submit(an, validBody());
        const coded = await dossierWhen(server, an, submitted.body.id, 'its code', (dossier) => dossier.code);

        // when / then
        const found = await server.request('GET', `/api/track/${encodeURIComponent(coded.code)}?phone=5678`);
        expect(found.status).to.equal(200);
        expect(found.body).to.include({ code: coded.code, status: 1 });
        expect(found.body.timeline.map((event: Json) => event.type)).to.include.members(['submitted', 'code-issued']);
        expect(found.body).not.to.have.property('applicant');
        expect(JSON.stringify(found.body)).not.to.contain('0912345678');
        // the service's name, and the same public timeline, in the same order, as the applicant's own view
        const service = await server.request('GET', `/api/services/${HOUSEHOLD_BUSINESS}`);
        expect(found.body.serviceName).to.deep.equal(service.body.names);
        const mine = await server.request('GET', `/api/dossiers/${submitted.body.id}`, { token: an });
        expect(found.body.timeline).to.deep.equal(mine.body.history);
        expect(found.body.timeline[0]).to.have.all.keys('type', 'status', 'at', 'message', 'messageVi', 'messageEn');
        expect(found.body).to.include({ serviceCode: HOUSEHOLD_BUSINESS, overdue: false, receivedAt: null });
        expect(found.body.submittedAt).to.equal(mine.body.submittedAt);
        // a public endpoint ignores a bad bearer token rather than answering 401
        const withBadToken = await server.request('GET', `/api/track/${encodeURIComponent(coded.code)}?phone=5678`, {
          token: 'mct_forged',
        });
        expect(withBadToken.status).to.equal(200);
        expect(withBadToken.body).to.deep.equal(found.body);

        const wrongDigits = await server.request('GET', `/api/track/${encodeURIComponent(coded.code)}?phone=1234`);
        const unknownCode = await server.request(
          'GET',
          `/api/track/${encodeURIComponent(`${KINH_BAC}-990101-9999`)}?phone=5678`,
        );
        expect([wrongDigits.status, unknownCode.status]).to.deep.equal([404, 404]);
        expect(wrongDigits.body).to.deep.equal(unknownCode.body);
        expect((await server.request('GET', `/api/track/${encodeURIComponent(coded.code)}?phone=56`)).status).to.equal(
          400,
        );

        // and: past MOTCUA_TRACKING_RATE_PER_MINUTE lookups from this address
        let limited;
        for (let i = 0; i < TRACKING_LIMIT + 1 && !limited; i++) {
          const response = await server.request('GET', `/api/track/${encodeURIComponent(coded.code)}?phone=5678`);
          if (response.status === 429) limited = response;
        }
        expect(limited?.status).to.equal(429);
        expect(Number(limited?.headers.get('retry-after'))).to.be.within(1, 60);
        expect(limited?.body.error).to.equal('RATE_LIMITED');
      });
    });

    describe('counter intake', () => {
      it('takes the applicant from the body and the receiving agency from the desk officer', async () => {
        const form = householdBusinessForm();
        const withoutApplicant = await server.request('POST', '/api/counter/dossiers', {
          token: desk,
          body: { serviceCode: HOUSEHOLD_BUSINESS, form: { ...form, applicant: undefined } },
        });
        expect(withoutApplicant.status).to.equal(400);

        const response = await server.request('POST', '/api/counter/dossiers', {
          token: desk,
          body: {
            serviceCode: HOUSEHOLD_BUSINESS,
            form,
            applicant: { name: 'Lê Thị Cúc', phone: '0987000111', idNumber: '024190099999' },
          },
        });
        expect(response.status, JSON.stringify(response.body)).to.equal(201);
        expect(response.body).to.deep.include({ channel: 'counter', status: 1 });
        expect(response.body.receivingAgency.code).to.equal(KINH_BAC);
        expect(response.body.applicant).to.deep.equal({
          name: 'Lê Thị Cúc',
          phone: '0987000111',
          idNumber: '024190099999',
        });
        const coded = await dossierWhen(server, desk, response.body.id, 'its code', (dossier) => dossier.code);
        expect(coded.code.startsWith(`${KINH_BAC}-`)).to.equal(true);
      });
    });

    describe('withdrawal', () => {
      it('sets status 7, cancels the process instance, closes its desk task and refuses a second withdrawal (409)', async () => {
        // given: a dossier waiting at the desk
        const submitted = await submit(an, validBody());
        const id = submitted.body.id as string;
        await eventually('its desk task', async () => {
          const inbox = await server.request('GET', '/api/inbox?assigned=all', { token: desk });
          return (inbox.body.items as Json[]).some((item) => item.dossierId === id);
        });

        // when
        const withdrawn = await server.request('POST', `/api/dossiers/${id}/withdraw`, {
          token: an,
          body: { reason: 'Nộp nhầm thủ tục' },
        });

        // then
        expect(withdrawn.status, JSON.stringify(withdrawn.body)).to.equal(200);
        expect(withdrawn.body).to.include({ status: 7 });
        expect(withdrawn.body.history.at(-1)).to.include({ type: 'withdrawn' });
        const seenByDesk = await server.request('GET', `/api/dossiers/${id}`, { token: desk });
        const cancelAgain = await engineClient(server)
          .cancelProcessInstance(seenByDesk.body.processInstanceKey)
          .then(
            () => 'still running',
            (error: { code?: number }) => error.code,
          );
        expect(cancelAgain).to.equal(5); // NOT_FOUND: the instance is gone
        const inbox = await server.request('GET', '/api/inbox?assigned=all', { token: desk });
        expect((inbox.body.items as Json[]).some((item) => item.dossierId === id)).to.equal(false);
        const again = await server.request('POST', `/api/dossiers/${id}/withdraw`, { token: an, body: {} });
        expect(again.status).to.equal(409);
      });
    });

    describe('supplement', () => {
      it('answers a desk request with a file and a corrected form; the dossier goes back to the desk', async () => {
        // given: the desk asks for a supplement
        const submitted = await submit(an, validBody());
        const id = submitted.body.id as string;
        expect(
          (await server.request('POST', `/api/dossiers/${id}/supplement`, { token: an, body: { note: 'x' } })).status,
        ).to.equal(409);
        await completeTask(server, desk, id, 'desk-receipt', {
          decision: 'supplement',
          supplementNote: 'Bổ sung biên bản họp thành viên hộ gia đình',
        });
        const waiting = await dossierWhen(server, an, id, 'status 5', (dossier) => dossier.status === 5);
        expect(waiting.supplementState).to.equal('requested');
        expect(waiting.pauses).to.deep.equal([]); // not accepted yet: the clock has not started

        // when: the citizen sends a bad form change (400), then a good one with the document
        const bad = await server.request('POST', `/api/dossiers/${id}/supplement`, {
          token: an,
          body: { form: { business: { name: 'Không có tiền tố' } } },
        });
        expect(bad.status).to.equal(400);
        expect(bad.body.details.errors.map((e: Json) => e.field)).to.include('/form/business/name');
        const answered = await server.request('POST', `/api/dossiers/${id}/supplement`, {
          token: an,
          body: multipart({ form: { business: { employees: 4 } }, note: 'Đã bổ sung biên bản' }, [
            { field: 'household-members-minutes', name: 'biên bản.pdf', bytes: PDF },
          ]),
        });

        // then
        expect(answered.status, JSON.stringify(answered.body)).to.equal(200);
        expect(answered.body.form.business.employees).to.equal(4);
        expect(answered.body.attachments.map((a: Json) => a.kind)).to.include('supplement');
        const back = await dossierWhen(server, an, id, 'status 1 again', (dossier) => dossier.status === 1);
        expect(back.supplementState).to.equal(null);
        expect(back.history.map((event: Json) => event.type)).to.include.members([
          'supplement-requested',
          'supplement-submitted',
          'supplement-received',
        ]);
        // the desk gets the dossier again, and the citizen got the request by e-mail
        await completeTask(server, desk, id, 'desk-receipt', { decision: 'accept' });
        await dossierWhen(server, an, id, 'acceptance', (dossier) => dossier.status === 2 || dossier.status === 4);
        const mails = readdirSync(join(server.dataDir, 'mail'));
        expect(mails.length).to.be.greaterThan(0);
      });
    });
  });
}
