import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Camunda8 } from '@camunda8/sdk';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { HOUSEHOLD_BUSINESS, householdBusinessForm } from './support/dossier-journey.ts';
import { startTestServer, testServerDatabases } from './support/test-server.ts';
import type { TestServer } from './support/test-server.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const KINH_BAC = '000.00.12.H10';
const VO_CUONG = '000.00.13.H10';

const DESK_FORM = {
  type: 'object',
  additionalProperties: false,
  required: ['decision'],
  properties: {
    decision: { type: 'string', enum: ['accept', 'supplement', 'refuse'] },
    supplementNote: { type: 'string', maxLength: 2000 },
  },
};
const APPRAISAL_FORM = {
  type: 'object',
  additionalProperties: false,
  required: ['recommendation', 'appraisalNote'],
  properties: {
    recommendation: { type: 'string', enum: ['approve', 'refuse'] },
    appraisalNote: { type: 'string', minLength: 1, maxLength: 2000 },
  },
};

/** A bundle of two user tasks (desk receipt, appraisal), published through the administrator's API. */
function inboxBundle(): unknown {
  const metadata = JSON.parse(
    readFileSync(join(ROOT, 'processes', 'household-business-registration', 'metadata.json'), 'utf8'),
  ) as Record<string, unknown>;
  return {
    bpmn: readFileSync(join(import.meta.dirname, 'tasks.spec.bpmn'), 'utf8'),
    metadata: {
      ...metadata,
      slug: 'inbox-spec',
      code: 'MC.TEST.001',
      codeScheme: 'motcua',
      bpmnProcessId: 'inbox-spec',
      names: { vi: 'Thủ tục kiểm thử hộp việc', en: 'Inbox test procedure' },
      forms: {
        submission: 'submission.json',
        tasks: { 'desk-receipt': 'desk-receipt.json', appraisal: 'appraisal.json' },
      },
    },
    forms: { submission: { type: 'object' }, tasks: { 'desk-receipt': DESK_FORM, appraisal: APPRAISAL_FORM } },
  };
}

interface InboxItem {
  id: string;
  dossierId: string | null;
  name: string;
  formKey: string;
  serviceCode: string;
  agencyCode: string;
  assigneeId: string | null;
  assignedToMe: boolean;
  dueAt: string | null;
  overdue: boolean;
}

for (const { name, env } of testServerDatabases()) {
  describe(`the officials' inbox and tasks API on ${name}`, function () {
    this.timeout(120_000);
    let server: TestServer;
    let zeebe: ZeebeGrpcClient;
    const tokens: Record<string, string> = {};
    const ids: Record<string, string> = {};

    before(async () => {
      // A short keep-alive period, so a cancelled step leaves the inbox within a second.
      server = await startTestServer({
        ...env,
        MOTCUA_TASK_JOB_TIMEOUT_MS: '2000',
        MOTCUA_TASK_KEEPALIVE_MS: '100',
        MOTCUA_TASK_BACKFILL_MS: '1000',
      });
      for (const username of [
        'admin',
        'kinhbac.desk',
        'kinhbac.specialist',
        'kinhbac.leader',
        'vocuong.specialist',
        'vocuong.leader',
      ]) {
        tokens[username] = await server.login(username);
        ids[username] = (await server.request('GET', '/api/auth/me', { token: tokens[username] })).body.user.id;
      }
      const published = await server.request('POST', '/api/admin/bundles', {
        token: tokens.admin,
        body: inboxBundle(),
      });
      expect(published.status, JSON.stringify(published.body)).to.equal(201);
      zeebe = new Camunda8({
        ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${server.server.enginePort}`,
        CAMUNDA_AUTH_STRATEGY: 'NONE',
        CAMUNDA_LOG_LEVEL: 'none',
        zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
      } as never).getZeebeGrpcApiClient();
    });
    after(async () => {
      await zeebe?.close(1_000);
      await server?.close();
    });

    const inbox = async (username: string, query = ''): Promise<{ items: InboxItem[]; nextCursor: string | null }> => {
      const response = await server.request('GET', `/api/inbox${query}`, { token: tokens[username] });
      expect(response.status, JSON.stringify(response.body)).to.equal(200);
      return response.body;
    };

    /** Polls the inbox (the bridge is asynchronous) until `found` holds, for at most 10 s. */
    async function eventually<T>(read: () => Promise<T>, found: (value: T) => boolean, what: string): Promise<T> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const value = await read();
        if (found(value)) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    /** Starts an instance at the appraisal (skipping the desk) and returns its appraisal task as the specialist sees it. */
    async function appraisal(variables: Record<string, unknown> = {}): Promise<{ taskId: string; instance: string }> {
      const before = new Set((await inbox('kinhbac.specialist', '?limit=100')).items.map((item) => item.id));
      const instance = await zeebe.createProcessInstance({
        bpmnProcessId: 'inbox-spec',
        variables: {
          agencyCode: KINH_BAC,
          serviceCode: 'MC.TEST.001',
          dueDate: '2099-01-01T17:00:00+07:00',
          skipDesk: true,
          ...variables,
        },
      });
      const page = await eventually(
        () => inbox('kinhbac.specialist', '?limit=100'),
        (value) => value.items.some((item) => !before.has(item.id)),
        'the appraisal task in the inbox',
      );
      const task = page.items.find((item) => !before.has(item.id))!;
      return { taskId: task.id, instance: instance.processInstanceKey };
    }

    const post = (username: string, path: string, body?: unknown) =>
      server.request('POST', path, { token: tokens[username], body: body ?? {} });

    it('shows the desk its new step; claimed and completed, the process goes on to the appraisal with the output', async () => {
      // given
      const instance = await zeebe.createProcessInstance({
        bpmnProcessId: 'inbox-spec',
        variables: { agencyCode: KINH_BAC, serviceCode: 'MC.TEST.001', dueDate: '2099-02-01T17:00:00+07:00' },
      });
      const desk = await eventually(
        () => inbox('kinhbac.desk'),
        (page) => page.items.length > 0,
        'the desk task',
      );
      const task = desk.items[0];
      expect(task).to.include({
        name: 'Kiểm tra, tiếp nhận hồ sơ / Check and receive the dossier',
        formKey: 'desk-receipt',
        agencyCode: KINH_BAC,
        serviceCode: 'MC.TEST.001',
        assigneeId: null,
        dueAt: null,
        overdue: false,
      });
      const detail = await server.request('GET', `/api/tasks/${task.id}`, { token: tokens['kinhbac.desk'] });
      expect(detail.status).to.equal(200);
      expect(detail.body.formSchema).to.deep.equal(DESK_FORM);
      expect(detail.body.candidateGroups).to.deep.equal([`desk@${KINH_BAC}`]);

      // when
      expect((await post('kinhbac.desk', `/api/tasks/${task.id}/claim`)).status).to.equal(200);
      const completed = await post('kinhbac.desk', `/api/tasks/${task.id}/complete`, { data: { decision: 'accept' } });

      // then
      expect(completed.status, JSON.stringify(completed.body)).to.equal(200);
      expect(completed.body).to.include({ status: 'completed', sentToEngine: true });
      expect(completed.body.output).to.deep.equal({ decision: 'accept' });
      const next = await eventually(
        () => inbox('kinhbac.specialist', '?limit=100'),
        (page) => page.items.some((item) => item.dueAt === '2099-02-01T10:00:00.000Z'),
        'the appraisal after the desk',
      );
      const appraisalTask = next.items.find((item) => item.dueAt === '2099-02-01T10:00:00.000Z')!;
      expect(appraisalTask.name).to.equal('Thẩm định hồ sơ / Appraise the dossier');
      expect((await inbox('kinhbac.desk')).items.map((item) => item.id)).to.not.include(task.id);
      // the desk's decision reached the process as a variable: cancelling proves the instance is still running
      await zeebe.cancelProcessInstance(instance.processInstanceKey);
    });

    it('lists my groups\u2019 open tasks by due date with filters and a cursor', async () => {
      // given three appraisals due on different dates, one overdue, one of another service
      const late = await appraisal({ dueDate: '2020-01-06T17:00:00+07:00' });
      const soon = await appraisal({ dueDate: '2098-03-02T17:00:00+07:00', serviceCode: 'MC.TEST.002' });
      const later = await appraisal({ dueDate: '2098-03-09T17:00:00+07:00' });
      const mine = [late.taskId, soon.taskId, later.taskId];

      // when / then: due first, then paginated with the cursor
      const all = (await inbox('kinhbac.specialist', '?limit=100')).items.filter((item) => mine.includes(item.id));
      expect(all.map((item) => item.id)).to.deep.equal(mine);
      const first = await inbox('kinhbac.specialist', '?limit=1');
      expect(first.items.map((item) => item.id)).to.deep.equal([late.taskId]);
      expect(first.nextCursor).to.be.a('string');
      const second = await inbox('kinhbac.specialist', `?limit=1&cursor=${first.nextCursor}`);
      expect(second.items.map((item) => item.id)).to.deep.equal([soon.taskId]);

      const overdue = await inbox('kinhbac.specialist', '?overdue=true');
      expect(overdue.items.map((item) => item.id)).to.deep.equal([late.taskId]);
      expect(overdue.items[0].overdue).to.equal(true);
      const byService = await inbox('kinhbac.specialist', '?service=MC.TEST.002');
      expect(byService.items.map((item) => item.id)).to.deep.equal([soon.taskId]);
      const dueBefore = (await inbox('kinhbac.specialist', '?dueBefore=2098-03-05&limit=100')).items.map((i) => i.id);
      expect(dueBefore).to.include.members([late.taskId, soon.taskId]).and.not.include(later.taskId);
      expect((await inbox('kinhbac.specialist', `?agency=${VO_CUONG}`)).items).to.deep.equal([]);
      expect((await inbox('kinhbac.specialist', `?agency=${KINH_BAC}&limit=100`)).items.length).to.be.at.least(3);

      // mine and unassigned
      expect((await post('kinhbac.specialist', `/api/tasks/${soon.taskId}/claim`)).status).to.equal(200);
      const assignedToMe = await inbox('kinhbac.specialist', '?assigned=me');
      expect(assignedToMe.items.map((item) => item.id)).to.deep.equal([soon.taskId]);
      expect(assignedToMe.items[0].assignedToMe).to.equal(true);
      const unassigned = (await inbox('kinhbac.specialist', '?assigned=unassigned&limit=100')).items.map((i) => i.id);
      expect(unassigned).to.include(late.taskId).and.not.include(soon.taskId);
      // another agency's officials never see them
      expect((await inbox('vocuong.specialist', '?limit=100')).items.map((item) => item.id)).to.not.include.members(
        mine,
      );
    });

    it('refuses bad inbox queries listing every problem', async () => {
      const response = await server.request(
        'GET',
        '/api/inbox?assigned=them&overdue=yes&limit=0&dueBefore=soon&cursor=x',
        {
          token: tokens['kinhbac.specialist'],
        },
      );
      expect(response.status).to.equal(400);
      expect(response.body.details.errors.map((error: { field: string }) => error.field)).to.have.members([
        'assigned',
        'overdue',
        'limit',
        'dueBefore',
        'cursor',
      ]);
    });

    it('lets only officials in: a citizen and a stranger get 403 and 401', async () => {
      const citizen = await server.login('citizen.an');
      expect((await server.request('GET', '/api/inbox', { token: citizen })).status).to.equal(403);
      expect((await server.request('GET', '/api/inbox')).status).to.equal(401);
    });

    it('claims once: a second claim is 409, a non-candidate 403, another agency 404', async () => {
      // given
      const { taskId } = await appraisal();

      // when / then
      const claimed = await post('kinhbac.specialist', `/api/tasks/${taskId}/claim`);
      expect(claimed.status).to.equal(200);
      expect(claimed.body).to.include({ assigneeId: ids['kinhbac.specialist'], assignedToMe: true });
      expect((await post('kinhbac.specialist', `/api/tasks/${taskId}/claim`)).status).to.equal(409);
      expect((await post('kinhbac.leader', `/api/tasks/${taskId}/claim`)).status).to.equal(403);
      expect((await post('vocuong.specialist', `/api/tasks/${taskId}/claim`)).status).to.equal(404);
      const stranger = await server.request('GET', `/api/tasks/${taskId}`, { token: tokens['vocuong.specialist'] });
      expect(stranger.status).to.equal(404);
      expect(stranger.body.error).to.equal('NOT_FOUND');
    });

    it('unclaims back to the group, and 409 when nobody holds it', async () => {
      const { taskId } = await appraisal();
      await post('kinhbac.specialist', `/api/tasks/${taskId}/claim`);
      const released = await post('kinhbac.specialist', `/api/tasks/${taskId}/unclaim`);
      expect(released.status).to.equal(200);
      expect(released.body.assigneeId).to.equal(null);
      expect((await post('kinhbac.specialist', `/api/tasks/${taskId}/unclaim`)).status).to.equal(409);
    });

    it('completes only with data valid against the step form, listing every field error, and only by the assignee', async () => {
      // given
      const { taskId } = await appraisal();
      expect((await post('kinhbac.specialist', `/api/tasks/${taskId}/complete`, { data: {} })).status).to.equal(409);
      await post('kinhbac.specialist', `/api/tasks/${taskId}/claim`);

      // when
      const invalid = await post('kinhbac.specialist', `/api/tasks/${taskId}/complete`, {
        data: { recommendation: 'maybe', extra: 1 },
      });

      // then
      expect(invalid.status).to.equal(400);
      expect(invalid.body.error).to.equal('VALIDATION_FAILED');
      expect(invalid.body.details.errors.map((error: { field: string }) => error.field)).to.have.members([
        '/data/recommendation',
        '/data/appraisalNote',
        '/data/extra',
      ]);
      expect((await post('kinhbac.specialist', `/api/tasks/${taskId}/complete`, { data: 'approve' })).status).to.equal(
        400,
      );
      expect((await post('kinhbac.leader', `/api/tasks/${taskId}/complete`, { data: {} })).status).to.equal(403);
      const done = await post('kinhbac.specialist', `/api/tasks/${taskId}/complete`, {
        data: { recommendation: 'approve', appraisalNote: 'Hồ sơ đầy đủ' },
      });
      expect(done.status, JSON.stringify(done.body)).to.equal(200);
      expect(done.body).to.include({ status: 'completed', sentToEngine: true, completedBy: ids['kinhbac.specialist'] });
      expect((await post('kinhbac.specialist', `/api/tasks/${taskId}/complete`, { data: {} })).status).to.equal(409);
      const audit = await server.request('GET', `/api/admin/audit?entity=task&entityId=${taskId}`, {
        token: tokens.admin,
      });
      expect(audit.body.entries.map((entry: { action: string }) => entry.action)).to.have.members([
        'task.claimed',
        'task.completed',
      ]);
    });

    it('lets a leader of the agency assign to an official of a candidate group, and nobody else', async () => {
      // given
      const { taskId } = await appraisal();

      // when / then
      const assigned = await post('kinhbac.leader', `/api/tasks/${taskId}/assign`, {
        userId: ids['kinhbac.specialist'],
      });
      expect(assigned.status, JSON.stringify(assigned.body)).to.equal(200);
      expect(assigned.body.assigneeId).to.equal(ids['kinhbac.specialist']);
      expect((await inbox('kinhbac.specialist', '?assigned=me&limit=100')).items.map((i) => i.id)).to.include(taskId);
      const outsider = await post('kinhbac.leader', `/api/tasks/${taskId}/assign`, { userId: ids['kinhbac.desk'] });
      expect(outsider.status).to.equal(400);
      expect(outsider.body.details.errors[0].field).to.equal('userId');
      expect((await post('kinhbac.leader', `/api/tasks/${taskId}/assign`, {})).status).to.equal(400);
      expect(
        (await post('vocuong.leader', `/api/tasks/${taskId}/assign`, { userId: ids['vocuong.specialist'] })).status,
      ).to.equal(404);
      expect(
        (await post('kinhbac.specialist', `/api/tasks/${taskId}/assign`, { userId: ids['kinhbac.specialist'] })).status,
      ).to.equal(403);
    });

    it('closes the task when its instance is cancelled, and a late completion gets 409', async () => {
      // given
      const { taskId, instance } = await appraisal();
      await post('kinhbac.specialist', `/api/tasks/${taskId}/claim`);

      // when
      await zeebe.cancelProcessInstance(instance);

      // then
      const cancelled = await eventually(
        () => server.request('GET', `/api/tasks/${taskId}`, { token: tokens['kinhbac.specialist'] }),
        (response) => response.body.status === 'cancelled',
        'the task cancelled by the keep-alive',
      );
      expect(cancelled.status).to.equal(200);
      expect((await inbox('kinhbac.specialist', '?limit=100')).items.map((item) => item.id)).to.not.include(taskId);
      const late = await post('kinhbac.specialist', `/api/tasks/${taskId}/complete`, {
        data: { recommendation: 'approve', appraisalNote: 'muộn' },
      });
      expect(late.status).to.equal(409);
    });

    it('shows a real dossier with its task, sets status 4 when the appraisal opens, and records each hand-over', async () => {
      // given a dossier submitted online and its desk task
      const citizen = await server.login('citizen.an');
      const submitted = await server.request('POST', '/api/dossiers', {
        token: citizen,
        body: { serviceCode: HOUSEHOLD_BUSINESS, receivingAgencyCode: KINH_BAC, form: householdBusinessForm() },
      });
      expect(submitted.status, JSON.stringify(submitted.body)).to.equal(201);
      const dossierId = submitted.body.id as string;
      const deskTask = await eventually(
        async () => (await inbox('kinhbac.desk', '?limit=100')).items.find((item) => item.dossierId === dossierId),
        (item) => item !== undefined,
        'the desk task of the dossier',
      );
      const detail = await server.request('GET', `/api/tasks/${deskTask!.id}`, { token: tokens['kinhbac.desk'] });
      expect(detail.status).to.equal(200);
      expect(detail.body.dossier).to.include({ id: dossierId, status: 1, serviceCode: HOUSEHOLD_BUSINESS });
      expect(detail.body.dossier.code).to.be.a('string');
      expect(detail.body.dossierCode).to.equal(detail.body.dossier.code);
      expect(detail.body.formSchema.properties).to.have.property('decision');

      // when the desk accepts
      await post('kinhbac.desk', `/api/tasks/${deskTask!.id}/claim`);
      const accepted = await post('kinhbac.desk', `/api/tasks/${deskTask!.id}/complete`, {
        data: { decision: 'accept', checkedDocuments: ['application-form'] },
      });
      expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);

      // then the appraisal opens and the dossier is processing (4), with every hand-over in its history
      const processing = await eventually(
        () => server.request('GET', `/api/dossiers/${dossierId}`, { token: tokens['kinhbac.specialist'] }),
        (response) => response.body.status === 4,
        'status 4 once the appraisal opened',
      );
      const history = (processing.body.history as { type: string; actor?: unknown }[]).map((event) => event.type);
      expect(history).to.include.members(['task-opened', 'task-claimed', 'task-completed', 'processing']);
      expect(history.indexOf('accepted')).to.be.lessThan(history.indexOf('processing'));
      const appraisalTask = (await inbox('kinhbac.specialist', '?limit=100')).items.find(
        (item) => item.formKey === 'appraisal' && item.serviceCode === HOUSEHOLD_BUSINESS,
      );
      expect(appraisalTask, 'the appraisal in the specialist inbox').to.not.equal(undefined);
      expect(appraisalTask!.dueAt).to.equal(new Date(processing.body.dueAt).toISOString());
      // the citizen sees the status, not the officials' hand-overs
      const mine = await server.request('GET', `/api/dossiers/${dossierId}`, { token: citizen });
      expect((mine.body.history as { type: string }[]).map((event) => event.type))
        .to.include('processing')
        .and.not.include('task-claimed');
    });

    it('lists stalled jobs for the administrator only, and a retry of an unknown job is 404', async () => {
      const list = await server.request('GET', '/api/admin/stalled', { token: tokens.admin });
      expect(list.status).to.equal(200);
      expect(list.body.items).to.be.an('array');
      expect((await server.request('GET', '/api/admin/stalled', { token: tokens['kinhbac.leader'] })).status).to.equal(
        403,
      );
      expect((await post('admin', '/api/admin/stalled/2251799813999999/retry')).status).to.equal(404);
      expect((await post('admin', '/api/admin/stalled/not-a-key/retry')).status).to.equal(400);
    });
  });
}
