// The full dossier journey, driven only over HTTP, in its own process (the server runs in another):
// a citizen submits household business registrations (bearer token), three demo officials of UBND phường Kinh Bắc
// work their inboxes (desk receipt → appraisal → approval: claim + complete with valid form data), and the
// citizen polls each approved dossier until the workers have signed and returned it (status 10).
// Closed loop: `--concurrency` journeys in flight, a finished one starts the next. After `--warmup` seconds,
// journeys finishing within the next `--seconds` are counted → journeys/s, and their submit → status 10 times.
// `--base-url` may list several api processes (comma-separated): the requests go to them in turn. The driver prints
// `BENCH_MARK measure-start` and `BENCH_MARK measure-end` on stdout when the measured window opens and closes, so
// that the caller can read the server processes' CPU over exactly that window.
//
// `node --import @swc-node/register/esm-register apps/server/bench/journey-driver.ts --base-url http://127.0.0.1:PORT[,…]
//   [--concurrency 20 --warmup 10 --seconds 30 --journey-timeout 60 --poll-ms 25 --status-poll-ms 100]`
import { SUBMISSIONS } from '../../../processes/reference-procedures.fixtures.ts';
import type { Json } from './support.ts';
import {
  HOUSEHOLD_BUSINESS,
  KINH_BAC,
  RESULT_PREFIX,
  login,
  numberFlag,
  parseFlags,
  percentile,
  request,
  round,
  sleep,
} from './support.ts';

interface Journey {
  id?: string;
  startedAt: number;
  /** when each step's task was completed, and when status 10 was seen */
  marks: Record<string, number>;
  approved: boolean;
  finished: boolean;
  /** when the citizen last read the dossier's status */
  polledAt?: number;
}

/** Valid data for each step's form (forms/household-business-registration/*.json), as the journey spec sends it. */
const STEPS: { username: string; formKey: string; data: Record<string, unknown> }[] = [
  {
    username: 'kinhbac.desk',
    formKey: 'desk-receipt',
    data: { decision: 'accept', checkedDocuments: ['application-form'] },
  },
  {
    username: 'kinhbac.specialist',
    formKey: 'appraisal',
    data: { recommendation: 'approve', nameAvailable: true, appraisalNote: 'Hồ sơ hợp lệ' },
  },
  { username: 'kinhbac.leader', formKey: 'approval', data: { approved: true, approvalNote: 'Đồng ý' } },
];

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const baseUrls = (flags['base-url'] ?? '').split(',').filter(Boolean);
  if (baseUrls.length === 0) throw new Error('--base-url is required');
  const baseUrl = baseUrls[0];
  const concurrency = numberFlag(flags, 'concurrency', 20);
  if (concurrency < 1 || concurrency > 100)
    throw new Error('--concurrency: 1 to 100 (one inbox page holds every open task)');
  const warmupMs = numberFlag(flags, 'warmup', 10) * 1000;
  const measureMs = numberFlag(flags, 'seconds', 30) * 1000;
  const journeyTimeoutMs = numberFlag(flags, 'journey-timeout', 60) * 1000;
  const pollMs = numberFlag(flags, 'poll-ms', 25);
  // Each approved dossier's status is read at most this often: signing and return take a few hundred ms, so a
  // faster poll mostly measures the server answering the citizen's polls.
  const statusPollMs = numberFlag(flags, 'status-poll-ms', 100);

  const citizen = await login(baseUrl, 'citizen.an');
  const officials = await Promise.all(STEPS.map((step) => login(baseUrl, step.username)));

  const journeys = new Map<string, Journey>(); // by dossier id
  const finished: Journey[] = [];
  const errors: string[] = [];
  let errorCount = 0;
  let timedOut = 0;
  let started = 0;
  let requests = 0;
  const fail = (what: string): void => {
    errorCount++;
    if (errors.length < 10) errors.push(what);
  };
  const call = (method: string, path: string, token: string, body?: unknown): ReturnType<typeof request> => {
    requests++;
    return request(baseUrls[requests % baseUrls.length], method, path, token, body);
  };

  const t0 = performance.now();
  const measureFrom = t0 + warmupMs;
  const stopAt = measureFrom + measureMs;
  let running = true;
  let inFlight = 0;

  const submitOne = async (): Promise<void> => {
    inFlight++;
    started++;
    const journey: Journey = { startedAt: performance.now(), marks: {}, approved: false, finished: false };
    const response = await call('POST', '/api/dossiers', citizen, {
      serviceCode: HOUSEHOLD_BUSINESS,
      receivingAgencyCode: KINH_BAC,
      form: SUBMISSIONS['household-business-registration'],
    }).catch((error: Error) => ({ status: 0, body: error.message }));
    if (response.status !== 201) {
      fail(`submit: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
      inFlight--;
      return;
    }
    journey.id = response.body.id as string;
    journey.marks.submitted = performance.now();
    journeys.set(journey.id, journey);
  };
  const end = (journey: Journey, ok: boolean): void => {
    if (journey.finished) return;
    journey.finished = true;
    journeys.delete(journey.id!);
    inFlight--;
    if (ok) finished.push(journey);
  };

  // The citizen keeps `concurrency` journeys in flight while the run lasts.
  const citizenLoop = async (): Promise<void> => {
    while (running) {
      const missing = concurrency - inFlight;
      if (missing > 0) await Promise.all(Array.from({ length: missing }, () => submitOne()));
      else await sleep(2);
    }
  };

  // Each official takes the unassigned tasks of the run's dossiers from their inbox, claims and completes them.
  const handled = new Set<string>();
  const officialLoop = async (stepIndex: number): Promise<void> => {
    const step = STEPS[stepIndex];
    const token = officials[stepIndex];
    while (running) {
      const inbox = await call('GET', '/api/inbox?assigned=unassigned&limit=100', token).catch((error: Error) => ({
        status: 0,
        body: error.message,
      }));
      if (inbox.status !== 200) {
        fail(`inbox of ${step.username}: ${inbox.status} ${JSON.stringify(inbox.body).slice(0, 300)}`);
        await sleep(pollMs);
        continue;
      }
      const items = (inbox.body.items as Json[]).filter(
        (item) => item.formKey === step.formKey && journeys.has(item.dossierId) && !handled.has(item.id),
      );
      if (items.length === 0) {
        await sleep(pollMs);
        continue;
      }
      await Promise.all(
        items.map(async (item) => {
          handled.add(item.id);
          const journey = journeys.get(item.dossierId)!;
          const claimed = await call('POST', `/api/tasks/${item.id}/claim`, token);
          if (claimed.status !== 200) {
            fail(`claim ${step.formKey}: ${claimed.status} ${JSON.stringify(claimed.body).slice(0, 300)}`);
            end(journey, false);
            return;
          }
          const completed = await call('POST', `/api/tasks/${item.id}/complete`, token, { data: step.data });
          if (completed.status !== 200) {
            fail(`complete ${step.formKey}: ${completed.status} ${JSON.stringify(completed.body).slice(0, 300)}`);
            end(journey, false);
            return;
          }
          journey.marks[step.formKey] = performance.now();
          if (stepIndex === STEPS.length - 1) journey.approved = true;
        }),
      );
    }
  };

  // The citizen watches the approved dossiers until the workers have signed and returned them (status 10).
  const returnLoop = async (): Promise<void> => {
    while (running) {
      const now = performance.now();
      for (const journey of journeys.values()) {
        if (now - journey.startedAt > journeyTimeoutMs) {
          timedOut++;
          fail(`journey of dossier ${journey.id} not returned within ${journeyTimeoutMs / 1000} s`);
          end(journey, false);
        }
      }
      const due = [...journeys.values()].filter(
        (journey) => journey.approved && now - (journey.polledAt ?? journey.marks.approval) >= statusPollMs,
      );
      await Promise.all(
        due.map(async (journey) => {
          journey.polledAt = performance.now();
          const response = await call('GET', `/api/dossiers/${journey.id}`, citizen);
          if (response.status !== 200) {
            fail(`dossier: ${response.status}`);
            return;
          }
          if (response.body.status === 10) {
            journey.marks.returned = performance.now();
            end(journey, true);
          } else if (response.body.status !== 9 && response.body.status !== 4 && response.body.status !== 2) {
            fail(`dossier ${journey.id} in status ${response.body.status}`);
            end(journey, false);
          }
        }),
      );
      await sleep(pollMs);
    }
  };

  const mark = (what: string): void => void process.stdout.write(`BENCH_MARK ${what}\n`);
  const opening = setTimeout(() => mark('measure-start'), Math.max(0, measureFrom - performance.now()));
  const loops = [citizenLoop(), ...STEPS.map((_, index) => officialLoop(index)), returnLoop()];
  while (performance.now() < stopAt) await sleep(Math.min(50, Math.max(1, stopAt - performance.now())));
  mark('measure-end');
  clearTimeout(opening);
  running = false;
  await Promise.all(loops);

  const measured = finished.filter((j) => j.marks.returned >= measureFrom && j.marks.returned < stopAt);
  const durations = measured.map((j) => j.marks.returned - j.startedAt).sort((a, b) => a - b);
  const stage = (from: (j: Journey) => number, to: (j: Journey) => number): number =>
    round(
      percentile(
        measured.map((j) => to(j) - from(j)).sort((a, b) => a - b),
        50,
      ),
      1,
    );
  const result = {
    concurrency,
    warmupSeconds: warmupMs / 1000,
    seconds: measureMs / 1000,
    started,
    completed: measured.length,
    completedTotal: finished.length,
    journeysPerSecond: round(measured.length / (measureMs / 1000)),
    p50Ms: round(percentile(durations, 50), 1),
    p95Ms: round(percentile(durations, 95), 1),
    p99Ms: round(percentile(durations, 99), 1),
    maxMs: round(durations[durations.length - 1] ?? NaN, 1),
    // median time of each stage, for where the journey time goes
    stagesP50Ms: {
      submit: stage(
        (j) => j.startedAt,
        (j) => j.marks.submitted,
      ),
      toDeskDone: stage(
        (j) => j.marks.submitted,
        (j) => j.marks['desk-receipt'],
      ),
      toAppraisalDone: stage(
        (j) => j.marks['desk-receipt'],
        (j) => j.marks.appraisal,
      ),
      toApprovalDone: stage(
        (j) => j.marks.appraisal,
        (j) => j.marks.approval,
      ),
      toReturned: stage(
        (j) => j.marks.approval,
        (j) => j.marks.returned,
      ),
    },
    httpRequests: requests,
    errors: errorCount,
    timedOut,
    firstErrors: errors,
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`journey driver failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
