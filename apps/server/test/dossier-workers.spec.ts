import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkingCalendar } from '@motcua/calendar';
import { SUBMISSIONS } from '../../../processes/reference-procedures.fixtures.ts';
import { isoInVietnam } from '../src/dossiers/dossier-code.ts';
import { closeEngineClient, engineClient } from './support/engine-client.ts';
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

// Response bodies are whatever JSON the endpoint returns: tests index into them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const VO_CUONG = '000.00.13.H10';
const SOCIAL_INSURANCE = '000.00.02.H10';
const CONSTRUCTION_PERMIT = 'MC.XD.001';
const BIRTH_REGISTRATION = 'MC.LT.001';

/** The e-mails kept as .eml under the data dir, decoded (headers as written, quoted-printable bodies as text). */
function mailsOf(server: TestServer): { to: string; dossier: string | null; text: string }[] {
  const dir = join(server.dataDir, 'mail');
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.eml'));
  } catch {
    return [];
  }
  return files.map((file) => {
    const raw = readFileSync(join(dir, file), 'utf8');
    const decoded = Buffer.from(
      raw
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    ).toString('utf8');
    return {
      to: /^To: (.*)$/m.exec(raw)?.[1] ?? '',
      dossier: /^X-Motcua-Dossier: (.*)$/m.exec(raw)?.[1] ?? null,
      text: decoded,
    };
  });
}

for (const { name, env } of testServerDatabases()) {
  describe(`the dossier workers through the engine on ${name}`, function () {
    this.timeout(180_000);
    let server: TestServer;
    let citizen: string;
    let desk: string;
    let specialist: string;
    let leader: string;
    before(async () => {
      server = await startTestServer(env);
      [citizen, desk, specialist, leader] = await Promise.all([
        server.login('citizen.an'),
        server.login('kinhbac.desk'),
        server.login('kinhbac.specialist'),
        server.login('kinhbac.leader'),
      ]);
    });
    after(async () => {
      if (!server) return;
      await closeEngineClient(server);
      await server.close();
    });

    const submit = async (serviceCode: string, form: Record<string, unknown>, agency = KINH_BAC): Promise<string> => {
      const response = await server.request('POST', '/api/dossiers', {
        token: citizen,
        body: { serviceCode, receivingAgencyCode: agency, form },
      });
      expect(response.status, JSON.stringify(response.body)).to.equal(201);
      return response.body.id as string;
    };

    it('motcua.intake gives 50 dossiers submitted at once to one commune the codes 0001..0050 of their day', async () => {
      // when
      const ids = await Promise.all(
        Array.from({ length: 50 }, () => submit(HOUSEHOLD_BUSINESS, householdBusinessForm(), VO_CUONG)),
      );

      // then
      const codes = await Promise.all(
        ids.map(
          async (id) =>
            (await dossierWhen(server, citizen, id, `code of ${id}`, (dossier) => dossier.code)).code as string,
        ),
      );
      const byDay = new Map<string, number[]>();
      for (const code of codes) {
        const match = /^000\.00\.13\.H10-(\d{6})-(\d{4})$/.exec(code);
        expect(match, code).not.to.equal(null);
        byDay.set(match![1]!, [...(byDay.get(match![1]!) ?? []), Number(match![2])]);
      }
      for (const numbers of byDay.values()) {
        expect(numbers.sort((a, b) => a - b)).to.deep.equal(Array.from({ length: numbers.length }, (_, i) => i + 1));
      }
      expect(new Set(codes).size).to.equal(50);
    });

    it('motcua.refuse ends the dossier with status 3 and tells the citizen why', async () => {
      const id = await submit(HOUSEHOLD_BUSINESS, householdBusinessForm({ email: 'an.nguyen@example.com' }));
      await completeTask(server, desk, id, 'desk-receipt', {
        decision: 'refuse',
        refusalReason: 'Ngành nghề thuộc diện phải thành lập doanh nghiệp',
      });

      const refused = await dossierWhen(server, citizen, id, 'status 3', (dossier) => dossier.status === 3);
      expect(refused.finishedAt).to.be.a('string');
      expect(refused.history.at(-1)).to.include({ type: 'refused', status: 3 });
      const mail = await eventually('the refusal e-mail', async () =>
        mailsOf(server).find((mail) => mail.dossier === id && mail.text.includes('Ngành nghề thuộc diện')),
      );
      expect(mail.to).to.equal('an.nguyen@example.com');
      expect(mail.text.indexOf('Lý do')).to.be.lessThan(mail.text.indexOf('Reason'));
    });

    it('motcua.sign signs the refusal notice when the leader does not approve, and motcua.return returns it', async () => {
      const id = await submit(HOUSEHOLD_BUSINESS, householdBusinessForm());
      await completeTask(server, desk, id, 'desk-receipt', { decision: 'accept' });
      await completeTask(server, specialist, id, 'appraisal', {
        recommendation: 'approve',
        nameAvailable: true,
        appraisalNote: 'Đủ điều kiện',
      });
      await completeTask(server, leader, id, 'approval', {
        approved: false,
        refusalReason: 'Tên hộ kinh doanh trùng với hộ đã đăng ký trên địa bàn',
      });

      const returned = await dossierWhen(server, citizen, id, 'status 10', (dossier) => dossier.status === 10);
      const signed = (returned.history as Json[]).find((event) => event.type === 'signed');
      expect(signed.messageVi).to.match(/số \d+\/TB-UBND/);
      const pdf = await server.request('GET', `/api/dossiers/${id}/result`, { token: citizen });
      expect(pdf.status).to.equal(200);
      expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    });

    it('pauses the legal clock while the citizen supplements after acceptance, and moves the due date by the pause', async () => {
      // given: a construction permit accepted at the desk
      const id = await submit(
        CONSTRUCTION_PERMIT,
        structuredClone(SUBMISSIONS['construction-permit-individual-house']!),
      );
      await completeTask(server, desk, id, 'desk-receipt', { decision: 'accept' });
      const accepted = await dossierWhen(server, citizen, id, 'acceptance', (dossier) => dossier.dueAt);
      const receivedAt = new Date(accepted.receivedAt);
      const calendar = new WorkingCalendar();
      expect(new Date(accepted.dueAt).getTime()).to.equal(
        calendar.dueDate({ receivedAt, duration: { workingDays: 15 } }).getTime(),
      );

      // when: the appraisal asks for a supplement
      await completeTask(server, specialist, id, 'appraisal', {
        recommendation: 'supplement',
        appraisalNote: 'Thiếu bản vẽ mặt bằng móng',
        supplementNote: 'Bổ sung bản vẽ mặt bằng móng',
        consultationNeeded: false,
      });

      // then: status 5 with an open pause
      const waiting = await dossierWhen(server, citizen, id, 'status 5', (dossier) => dossier.status === 5);
      expect(waiting.pauses).to.have.length(1);
      expect(waiting.pauses[0].to).to.equal(null);

      // when: the citizen supplements
      const answered = await server.request('POST', `/api/dossiers/${id}/supplement`, {
        token: citizen,
        body: { form: { building: { floors: 3 } }, note: 'Đã bổ sung bản vẽ' },
      });
      expect(answered.status, JSON.stringify(answered.body)).to.equal(200);

      // then: processing again (status 4), the pause closed, the due date moved by exactly the paused working time
      const resumed = await dossierWhen(server, citizen, id, 'status 4', (dossier) => dossier.status === 4);
      expect(resumed.pauses[0].to).to.be.a('string');
      const pause = { from: new Date(resumed.pauses[0].from), to: new Date(resumed.pauses[0].to) };
      const expected = calendar.dueDate({ receivedAt, duration: { workingDays: 15 }, pauses: [pause] });
      expect(new Date(resumed.dueAt).getTime()).to.equal(expected.getTime());
      // and the appraisal is back in the specialists' inbox with the moved due date
      const task = await eventually('the new appraisal task', async () => {
        const inbox = await server.request('GET', '/api/inbox?assigned=all', { token: specialist });
        return (inbox.body.items as Json[]).find((item) => item.dossierId === id && item.formKey === 'appraisal');
      });
      expect(new Date(task.dueAt).getTime()).to.equal(expected.getTime());
    });

    it('motcua.accept gives each agency of a liên thông its own due date, counted from the same acceptance', async () => {
      const id = await submit(BIRTH_REGISTRATION, structuredClone(SUBMISSIONS['birth-residence-health-insurance']!));
      await completeTask(server, desk, id, 'desk-receipt', { decision: 'accept' });
      const accepted = await dossierWhen(server, citizen, id, 'acceptance', (dossier) => dossier.dueAt);
      const receivedAt = new Date(accepted.receivedAt);
      const calendar = new WorkingCalendar();

      // the justice branch first: its task is due one working day after acceptance, the dossier three
      const justice = await eventually('the justice task', async () => {
        const inbox = await server.request('GET', '/api/inbox?assigned=all', { token: specialist });
        return (inbox.body.items as Json[]).find((item) => item.dossierId === id);
      });
      expect(justice.formKey).to.equal('justice-birth-registration');
      expect(new Date(justice.dueAt).getTime()).to.equal(
        calendar.dueDate({ receivedAt, duration: { workingDays: 1 } }).getTime(),
      );
      expect(new Date(accepted.dueAt).getTime()).to.equal(
        calendar.dueDate({ receivedAt, duration: { workingDays: 3 } }).getTime(),
      );
    });

    it("motcua.overdue flags the dossier when an agency's timer fires and tells that agency's leaders", async () => {
      // given: a dossier, and a timed branch of the social insurance agency due in a moment (fixture beside this spec)
      const id = await submit(HOUSEHOLD_BUSINESS, householdBusinessForm());
      await dossierWhen(server, citizen, id, 'its code', (dossier) => dossier.code);
      const zeebe = engineClient(server);
      await zeebe.deployResource({ processFilename: join(import.meta.dirname, 'dossier-workers.spec.bpmn') });

      // when
      const due = isoInVietnam(new Date(Date.now() + 1_000));
      await zeebe.createProcessInstance({
        bpmnProcessId: 'dossier-workers-spec-overdue',
        variables: {
          dossierId: id,
          agencyCode: KINH_BAC,
          socialInsuranceAgencyCode: SOCIAL_INSURANCE,
          dueDate: isoInVietnam(new Date(Date.now() + 86_400_000)),
          dueDates: { socialInsurance: due },
        },
      });

      // then
      const flagged = await dossierWhen(server, citizen, id, 'the overdue flag', (dossier) => dossier.overdue);
      expect(flagged.history.at(-1)).to.include({ type: 'overdue' });
      const mail = await eventually('the e-mail to the social insurance leader', async () =>
        mailsOf(server).find((mail) => mail.dossier === id && mail.to === 'bhxh.leader@motcua.local'),
      );
      expect(mail.text).to.contain(flagged.code);
      expect(mailsOf(server).some((mail) => mail.dossier === id && mail.to === 'kinhbac.leader@motcua.local')).to.equal(
        false,
      );
    });

    const BRANCHES = join(import.meta.dirname, 'dossier-workers-branches.spec.bpmn');

    it('motcua.financial-obligation asks for the payment (status 6), and the dossier-fee-paid message puts it back to 4', async () => {
      // given: a dossier with its code, and a diagram that asks for a payment (fixture beside this spec)
      const id = await submit(HOUSEHOLD_BUSINESS, householdBusinessForm({ email: 'an.nguyen@example.com' }));
      const { code } = await dossierWhen(server, citizen, id, 'its code', (dossier) => dossier.code);
      const zeebe = engineClient(server);
      await zeebe.deployResource({ processFilename: BRANCHES });

      // when
      await zeebe.createProcessInstance({
        bpmnProcessId: 'dossier-workers-spec-financial-obligation',
        variables: { dossierId: id, dossierCode: code, financialObligationAmount: 1_250_000 },
      });

      // then: status 6, on the citizen's timeline, and the e-mail names the amount and how to pay
      const owing = await dossierWhen(server, citizen, id, 'status 6', (dossier) => dossier.status === 6);
      expect(owing.history.at(-1)).to.include({ type: 'financial-obligation', status: 6 });
      expect(owing.history.at(-1).messageVi).to.contain('1.250.000 đồng');
      const mail = await eventually('the payment e-mail', async () =>
        mailsOf(server).find((mail) => mail.dossier === id && mail.text.includes('nghĩa vụ tài chính')),
      );
      expect(mail.to).to.equal('an.nguyen@example.com');
      expect(mail.text).to.contain('1.250.000 đồng').and.to.contain('1,250,000 VND').and.to.contain(code);
      expect(mail.text.indexOf('Cách nộp')).to.be.lessThan(mail.text.indexOf('How to pay'));

      // when: the payment is recorded (any integrator may publish the message)
      await zeebe.publishMessage({
        name: 'dossier-fee-paid',
        correlationKey: code,
        messageId: `${code}:fee-paid:test`,
        timeToLive: 60_000,
        variables: { feeReceiptNumber: 'BL-0001234' },
      });

      // then: processing again, the receipt in the history, and the clock was never paused
      const resumed = await dossierWhen(server, citizen, id, 'status 4', (dossier) => dossier.status === 4);
      expect(resumed.history.at(-1)).to.include({ type: 'financial-obligation-met', status: 4 });
      expect(resumed.history.at(-1).messageVi).to.contain('BL-0001234');
      expect(resumed.pauses).to.deep.equal([]);
      expect((resumed.history as Json[]).filter((event) => event.type === 'financial-obligation')).to.have.length(1);
    });

    it('motcua.stop ends the dossier with status 8 after motcua.sign signed form 05, and e-mails the reason once', async () => {
      // given
      const id = await submit(HOUSEHOLD_BUSINESS, householdBusinessForm({ email: 'an.nguyen@example.com' }));
      const { code } = await dossierWhen(server, citizen, id, 'its code', (dossier) => dossier.code);
      const zeebe = engineClient(server);
      await zeebe.deployResource({ processFilename: BRANCHES });

      // when: form 05 is signed, then motcua.stop runs twice (the fixture's second task stands for a redelivery)
      await zeebe.createProcessInstanceWithResult({
        bpmnProcessId: 'dossier-workers-spec-stop',
        variables: { dossierId: id, dossierCode: code, stopReason: 'Tòa án đang thụ lý vụ tranh chấp về thửa đất' },
        requestTimeout: 60_000,
      });

      // then: status 8, final, one 'stopped' entry after the signed notice, which the citizen can download
      const stopped = await dossierWhen(server, citizen, id, 'status 8', (dossier) => dossier.status === 8);
      expect(stopped.finishedAt).to.be.a('string');
      expect(stopped.resultAvailable).to.equal(true);
      const types = (stopped.history as Json[]).map((event) => event.type);
      expect(types.filter((type) => type === 'stopped')).to.have.length(1);
      expect(types.indexOf('stop-notice-signed')).to.be.lessThan(types.indexOf('stopped'));
      const notice = (stopped.history as Json[]).find((event) => event.type === 'stop-notice-signed');
      expect(notice.messageVi).to.match(/số \d+\/TB-DGQ/);
      expect(notice.status).to.not.equal(9);
      expect(stopped.history.at(-1)).to.include({ type: 'stopped', status: 8 });
      const pdf = await server.request('GET', `/api/dossiers/${id}/result`, { token: citizen });
      expect(pdf.status).to.equal(200);
      expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).to.equal('%PDF-');
      const mail = await eventually('the stop e-mail', async () =>
        mailsOf(server).find((mail) => mail.dossier === id && mail.text.includes('Tòa án đang thụ lý')),
      );
      expect(mail.to).to.equal('an.nguyen@example.com');
      expect(mail.text).to.contain(`/api/dossiers/${id}/result`);
      expect(mail.text.indexOf('Lý do')).to.be.lessThan(mail.text.indexOf('Reason'));
      expect(mailsOf(server).filter((mail) => mail.dossier === id && mail.text.includes('Tòa án'))).to.have.length(1);
    });

    it('the construction permit waits for the permit fee after the approval; an official records it with POST /fee-paid', async () => {
      // given: a construction permit accepted, appraised, inspected and approved
      const id = await submit(
        CONSTRUCTION_PERMIT,
        structuredClone(SUBMISSIONS['construction-permit-individual-house']!),
      );
      const feePaid = (token: string, body: unknown, dossierId = id) =>
        server.request('POST', `/api/dossiers/${dossierId}/fee-paid`, { token, body });
      await completeTask(server, desk, id, 'desk-receipt', { decision: 'accept' });
      const accepted = await dossierWhen(server, citizen, id, 'acceptance', (dossier) => dossier.dueAt);
      // nothing to pay yet: 409
      expect((await feePaid(desk, { receiptNumber: 'BL-1' })).status).to.equal(409);
      await completeTask(server, specialist, id, 'appraisal', {
        recommendation: 'approve',
        appraisalNote: 'Phù hợp quy hoạch',
        consultationNeeded: false,
      });
      await completeTask(server, specialist, id, 'site-inspection', {
        siteInspection: {
          inspectedOn: '2026-01-08',
          inspectors: ['Lê Văn Nam'],
          boundariesMatch: true,
          conformsToPlanning: true,
          findings: 'Đúng hồ sơ',
        },
      });
      await completeTask(server, leader, id, 'approval', { approved: true });

      // then: status 6 with the permit fee of the catalogue, the due date unchanged
      const owing = await dossierWhen(server, citizen, id, 'status 6', (dossier) => dossier.status === 6);
      expect(owing.history.at(-1).messageVi).to.contain('75.000 đồng');
      expect(owing.dueAt).to.equal(accepted.dueAt);

      // bad inputs and the wrong people are refused, and nothing moves
      expect((await feePaid(citizen, { receiptNumber: 'BL-1' })).status).to.equal(403);
      expect((await feePaid(leader, { receiptNumber: 'BL-1' })).status).to.equal(403);
      const otherWard = await server.login('vocuong.desk');
      expect((await feePaid(otherWard, { receiptNumber: 'BL-1' })).status).to.equal(404);
      expect((await feePaid(desk, { receiptNumber: 'BL-1' }, 'not-a-dossier')).status).to.equal(404);
      const invalid = await feePaid(desk, { receiptNumber: ' ', amountVnd: -5 });
      expect(invalid.status).to.equal(400);
      expect((invalid.body.details.errors as Json[]).map((error) => error.field).sort()).to.deep.equal([
        'amountVnd',
        'receiptNumber',
      ]);
      expect((await server.request('GET', `/api/dossiers/${id}`, { token: citizen })).body.status).to.equal(6);

      // when: the desk records the receipt, twice (a double click)
      const recorded = await feePaid(desk, { receiptNumber: 'BL-0004567', amountVnd: 75_000 });
      expect(recorded.status, JSON.stringify(recorded.body)).to.equal(200);
      expect(recorded.body).to.include({ dossierId: id, receiptNumber: 'BL-0004567', amountVnd: 75_000 });
      const again = await feePaid(desk, { receiptNumber: 'BL-0004567', amountVnd: 75_000 });
      expect(again.status).to.equal(200);
      expect(again.body).to.deep.equal(recorded.body);

      // then: processing goes on to the signed permit and its return, with one payment entry each
      const returned = await dossierWhen(server, citizen, id, 'status 10', (dossier) => dossier.status === 10);
      const official = await server.request('GET', `/api/dossiers/${id}`, { token: desk });
      const types = (official.body.history as Json[]).map((event) => event.type);
      expect(types.filter((type) => type === 'fee-paid-recorded')).to.have.length(1);
      expect(types.filter((type) => type === 'financial-obligation-met')).to.have.length(1);
      const met = (returned.history as Json[]).find((event) => event.type === 'financial-obligation-met');
      expect(met).to.include({ status: 4 });
      expect(met.messageVi).to.contain('BL-0004567');
      expect(types.indexOf('financial-obligation-met')).to.be.lessThan(types.indexOf('signed'));
      expect(returned.dueAt).to.equal(accepted.dueAt);
    });
  });
}
