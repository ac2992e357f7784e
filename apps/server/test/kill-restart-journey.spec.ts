import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD } from '../src/seed/demo-data.ts';
import { HOUSEHOLD_BUSINESS, KINH_BAC, eventually, householdBusinessForm } from './support/dossier-journey.ts';
import { dropAllTables, testServerDatabases } from './support/test-server.ts';

// Response bodies are whatever JSON the endpoint returns: tests index into them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** The steps of the household business registration, in order, and who does them. */
const STEPS = [
  {
    formKey: 'desk-receipt',
    user: 'kinhbac.desk',
    data: { decision: 'accept', checkedDocuments: ['application-form'] },
  },
  {
    formKey: 'appraisal',
    user: 'kinhbac.specialist',
    data: { recommendation: 'approve', nameAvailable: true, appraisalNote: 'Hồ sơ hợp lệ' },
  },
  { formKey: 'approval', user: 'kinhbac.leader', data: { approved: true, approvalNote: 'Đồng ý' } },
] as const;
type FormKey = (typeof STEPS)[number]['formKey'];

/** A port nobody listens on right now (bound to 0, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `npm start` as a child process, reachable over HTTP once GET /api/health answers 200. */
interface ServerProcess {
  child: ChildProcess;
  exited: Promise<number | string>;
  output: () => string;
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown },
  ): Promise<{ status: number; body: Json }>;
  login(username: string): Promise<string>;
}

async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', main], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let ended: number | string | undefined;
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve((ended = code ?? signal ?? -1))),
  );
  const baseUrl = `http://127.0.0.1:${env.MOTCUA_HTTP_PORT}`;
  const request: ServerProcess['request'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
    return { status: response.status, body: json };
  };
  const server: ServerProcess = {
    child,
    exited,
    output: () => output,
    request,
    async login(username) {
      const response = await request('POST', '/api/auth/login', {
        body: { username, password: DEMO_PASSWORD, token: true },
      });
      expect(response.status, `login as ${username}: ${JSON.stringify(response.body)}`).to.equal(200);
      return response.body.token as string;
    },
  };
  try {
    await eventually(
      'GET /api/health 200',
      async () => {
        if (ended !== undefined) throw new Error(`the server exited (${ended}) before it was ready:\n${output}`);
        try {
          return (await request('GET', '/api/health')).status === 200;
        } catch {
          return false; // not listening yet
        }
      },
      60_000,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return server;
}

/** The open inbox item of `formKey` for the dossier, as `token` sees it (undefined when there is none). */
async function openTask(server: ServerProcess, token: string, dossierId: string, formKey: string): Promise<Json> {
  const inbox = await server.request('GET', '/api/inbox?assigned=all&limit=100', { token });
  expect(inbox.status, JSON.stringify(inbox.body)).to.equal(200);
  return (inbox.body.items as Json[]).find((item) => item.dossierId === dossierId && item.formKey === formKey);
}

for (const { name, env: databaseEnv } of testServerDatabases()) {
  describe(`kill -9 of npm start mid-journey, then a restart, on ${name}`, function () {
    // ~15 s on a 2-core machine with MOTCUA_WORKER_JOB_TIMEOUT_MS=3000 below (~70 s with the default 60 s)
    this.timeout(75_000);
    let dataDir: string;
    let env: Record<string, string>;
    const processes: ServerProcess[] = [];

    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'motcua-kill-'));
      if (databaseEnv.DATABASE_URL) await dropAllTables(databaseEnv.DATABASE_URL);
      env = {
        MOTCUA_DATA_DIR: dataDir,
        MOTCUA_HTTP_PORT: String(await freePort()),
        MOTCUA_ENGINE_PORT: String(await freePort()),
        MOTCUA_TEST_PASSWORD_HASH_COST: '4',
        MOTCUA_TASK_BACKFILL_MS: '500',
        MOTCUA_TASK_KEEPALIVE_MS: '1000',
        // the motcua.* jobs the killed process held come back only after this (60 s by default)
        MOTCUA_WORKER_JOB_TIMEOUT_MS: '3000',
        ZEEBE_CLIENT_LOG_LEVEL: 'NONE',
        ...databaseEnv,
      };
    });

    after(async () => {
      for (const server of processes) {
        if (server.child.exitCode === null && server.child.signalCode === null) {
          server.child.kill('SIGTERM');
          await server.exited;
        }
      }
      if (databaseEnv.DATABASE_URL) await dropAllTables(databaseEnv.DATABASE_URL);
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('loses no acknowledged dossier and no completed task, and every dossier still reaches status 10', async () => {
      // given: the server running as `npm start` does, a citizen and the commune's officials
      const first = await startServerProcess(env);
      processes.push(first);
      const citizen = await first.login('citizen.an');
      const tokens = new Map<string, string>();
      for (const step of STEPS) tokens.set(step.user, await first.login(step.user));

      // when: six dossiers are submitted and driven part-way, every acknowledgement recorded
      const acknowledged: string[] = [];
      const completed: { dossierId: string; formKey: FormKey; taskId: string }[] = [];
      const submit = async (): Promise<string> => {
        const response = await first.request('POST', '/api/dossiers', {
          token: citizen,
          body: { serviceCode: HOUSEHOLD_BUSINESS, receivingAgencyCode: KINH_BAC, form: householdBusinessForm() },
        });
        expect(response.status, JSON.stringify(response.body)).to.equal(201);
        acknowledged.push(response.body.id as string);
        return response.body.id as string;
      };
      const work = async (dossierId: string, formKey: FormKey, complete: boolean): Promise<void> => {
        const step = STEPS.find((candidate) => candidate.formKey === formKey)!;
        const token = tokens.get(step.user)!;
        const task = await eventually(`task ${formKey} of ${dossierId}`, () =>
          openTask(first, token, dossierId, formKey),
        );
        const claimed = await first.request('POST', `/api/tasks/${task.id}/claim`, { token });
        expect(claimed.status, JSON.stringify(claimed.body)).to.equal(200);
        if (!complete) return;
        const done = await first.request('POST', `/api/tasks/${task.id}/complete`, {
          token,
          body: { data: step.data },
        });
        expect(done.status, JSON.stringify(done.body)).to.equal(200);
        completed.push({ dossierId, formKey, taskId: task.id as string });
      };
      for (let i = 0; i < 6; i++) await submit();
      const [d0, d1, d2, d3, d4] = acknowledged as [string, string, string, string, string, string];
      // d5 waits at the desk untouched; d4 is only claimed at the desk
      await work(d4, 'desk-receipt', false);
      for (const id of [d0, d1, d2, d3]) await work(id, 'desk-receipt', true);
      await work(d3, 'appraisal', false);
      for (const id of [d0, d1, d2]) await work(id, 'appraisal', true);
      await work(d0, 'approval', true); // d0 is now on its way to signing and return
      await work(d1, 'approval', false);
      // and one more submission, acknowledged the moment before the kill
      await submit();
      first.child.kill('SIGKILL');
      expect(await first.exited).to.equal('SIGKILL');

      // then: after a restart on the same data dir and database, every acknowledged dossier is there, once
      const second = await startServerProcess(env);
      processes.push(second);
      const citizenAgain = await second.login('citizen.an');
      for (const step of STEPS) tokens.set(step.user, await second.login(step.user));
      const mine = await second.request('GET', '/api/dossiers/mine', { token: citizenAgain });
      expect(mine.status, JSON.stringify(mine.body)).to.equal(200);
      const ids = (mine.body as Json[]).map((dossier) => dossier.id as string);
      expect(ids).to.have.members(acknowledged);
      expect(new Set(ids).size).to.equal(ids.length);

      // and: every completed task is still completed
      for (const { dossierId, formKey, taskId } of completed) {
        const user = STEPS.find((step) => step.formKey === formKey)!.user;
        const task = await second.request('GET', `/api/tasks/${taskId}`, { token: tokens.get(user)! });
        expect(task.status, JSON.stringify(task.body)).to.equal(200);
        expect(task.body, `${formKey} of ${dossierId}`).to.include({ status: 'completed', dossierId, formKey });
      }

      // when: the officials finish every dossier over HTTP on the restarted server
      const done = new Set(completed.map(({ dossierId, formKey }) => `${dossierId} ${formKey}`));
      const reopened = async (): Promise<string[]> => {
        const found: string[] = [];
        for (const step of STEPS) {
          for (const dossierId of acknowledged) {
            if (!done.has(`${dossierId} ${step.formKey}`)) continue;
            const task = await openTask(second, tokens.get(step.user)!, dossierId, step.formKey);
            if (task) found.push(`${step.formKey} of ${dossierId} (task ${task.id})`);
          }
        }
        return found;
      };
      const deadline = Date.now() + 45_000;
      for (const dossierId of acknowledged) {
        for (const step of STEPS) {
          if (done.has(`${dossierId} ${step.formKey}`)) continue;
          const token = tokens.get(step.user)!;
          const task = await eventually(
            `task ${step.formKey} of ${dossierId} after the restart`,
            () => openTask(second, token, dossierId, step.formKey),
            Math.max(1_000, deadline - Date.now()),
          );
          if (!task.assignedToMe) {
            const claimed = await second.request('POST', `/api/tasks/${task.id}/claim`, { token });
            expect(claimed.status, JSON.stringify(claimed.body)).to.equal(200);
          }
          const finished = await second.request('POST', `/api/tasks/${task.id}/complete`, {
            token,
            body: { data: step.data },
          });
          expect(finished.status, JSON.stringify(finished.body)).to.equal(200);
          done.add(`${dossierId} ${step.formKey}`);
        }
      }

      // then: all of them are returned (status 10), with unique codes, and no finished step came back
      const returned = await eventually(
        'every dossier at status 10',
        async () => {
          const list = await second.request('GET', '/api/dossiers/mine', { token: citizenAgain });
          expect(list.status).to.equal(200);
          return (list.body as Json[]).every((dossier) => dossier.status === 10) ? (list.body as Json[]) : undefined;
        },
        Math.max(1_000, deadline - Date.now()),
      );
      expect(returned.map((dossier) => dossier.id)).to.have.members(acknowledged);
      const codes = returned.map((dossier) => dossier.code as string);
      expect(codes.every((code) => typeof code === 'string')).to.equal(true);
      expect(new Set(codes).size).to.equal(codes.length);
      expect(await reopened()).to.deep.equal([]);
    });
  });
}
