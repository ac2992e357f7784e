// Bulk data for the lookup benchmarks, written straight into the server's database (multi-row INSERTs in batches,
// never through the API): 1M dossiers with codes, applicant phones and a public timeline in MariaDB, and 100k open
// tasks of one candidate group in SQLite or MariaDB. The dossier codes and phones are functions of the row number,
// so the load generator derives existing (code, phone) pairs without reading the database.
import { createRequire } from 'node:module';
import mysql from 'mysql2/promise';
import { SUBMISSIONS } from '../../../processes/reference-procedures.fixtures.ts';
import { HOUSEHOLD_BUSINESS, KINH_BAC } from './support.ts';

/** The few better-sqlite3 calls used here (the package ships no types; the server reaches it through TypeORM). */
interface SqliteStatement {
  run(params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
}
interface SqliteDatabase {
  pragma(sql: string): unknown;
  prepare(sql: string): SqliteStatement;
  transaction(fn: () => void): () => void;
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => SqliteDatabase;

/** Dossiers per day and agency in the generated codes (real sequences are 4 digits: at most 9999 a day). */
const PER_DAY = 5000;
const FIRST_DAY = Date.UTC(2024, 0, 2);
const DAY_MS = 86_400_000;

/** 32-bit integer hash (lowbias32): a stable pseudo-random value for row `i`. */
export function hash32(i: number): number {
  let x = i >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

function yymmdd(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(date.getUTCFullYear() % 100)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}`;
}

/** Dossier `i`'s code: `<agency>-<YYMMDD>-<NNNN>`, 5000 a day from 2024-01-02 on. */
export function dossierCode(i: number): string {
  const day = Math.floor(i / PER_DAY);
  return `${KINH_BAC}-${yymmdd(FIRST_DAY + day * DAY_MS)}-${String((i % PER_DAY) + 1).padStart(4, '0')}`;
}

/** Dossier `i`'s applicant phone: 09 + 8 pseudo-random digits. */
export function dossierPhone(i: number): string {
  return `09${String(hash32(i) % 100_000_000).padStart(8, '0')}`;
}

/** A UUID-shaped id that grows with `i` (sequential primary keys insert fast into InnoDB's clustered index). */
function sequentialId(prefix: number, i: number): string {
  return `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
}

/** 'YYYY-MM-DD HH:MM:SS.mmm' in UTC, as TypeORM stores dates on both databases (timezone 'Z'). */
export function sqlDate(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export interface DossierSeedContext {
  serviceVersionId: string;
  agencyId: string;
  deskUserId: string;
}

export interface SeedReport {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

/**
 * Inserts `count` dossiers (counter channel, status spread 2–10, the reference form as form data, ~1.3 kB a row)
 * and two public timeline events each (submitted, code issued) into the MariaDB database at `url`.
 */
export async function seedDossiersMysql(
  url: string,
  count: number,
  options: { batch?: number; connections?: number; log?: (message: string) => void } = {},
): Promise<SeedReport & { events: number }> {
  const started = performance.now();
  const batch = options.batch ?? 2000;
  const connections = options.connections ?? 2;
  const admin = await mysql.createConnection({ uri: url });
  let context: DossierSeedContext;
  try {
    const [versions] = (await admin.query(
      'SELECT v.id FROM service_versions v JOIN services s ON s.id = v.serviceId WHERE s.code = ? ORDER BY v.version DESC LIMIT 1',
      [HOUSEHOLD_BUSINESS],
    )) as unknown as [{ id: string }[]];
    const [agencies] = (await admin.query('SELECT id FROM agencies WHERE code = ? LIMIT 1', [KINH_BAC])) as unknown as [
      { id: string }[],
    ];
    const [users] = (await admin.query('SELECT id FROM users WHERE username = ?', ['kinhbac.desk'])) as unknown as [
      { id: string }[],
    ];
    if (!versions[0] || !agencies[0] || !users[0])
      throw new Error('the bench database has no published household business service, Kinh Bắc or kinhbac.desk');
    context = { serviceVersionId: versions[0].id, agencyId: agencies[0].id, deskUserId: users[0].id };
  } finally {
    await admin.end();
  }
  const form = SUBMISSIONS['household-business-registration'] as Record<string, Record<string, unknown>>;
  const processVariables = JSON.stringify({
    serviceCode: HOUSEHOLD_BUSINESS,
    agencyCode: KINH_BAC,
    channel: 'counter',
  });
  let next = 0;
  let done = 0;
  let lastLog = performance.now();
  const worker = async (): Promise<void> => {
    const connection = await mysql.createConnection({ uri: url });
    try {
      await connection.query('SET SESSION unique_checks = 0, foreign_key_checks = 0');
      for (;;) {
        const from = next;
        if (from >= count) break;
        next = Math.min(count, from + batch);
        const dossiers: unknown[][] = [];
        const events: unknown[][] = [];
        for (let i = from; i < next; i++) {
          const id = sequentialId(1, i);
          const code = dossierCode(i);
          const phone = dossierPhone(i);
          const submittedAt = FIRST_DAY + Math.floor(i / PER_DAY) * DAY_MS + 3_600_000 + (i % PER_DAY) * 5000;
          const status = 2 + (hash32(i ^ 0x5bd1e995) % 9);
          const applicant: Record<string, unknown> = { ...form.applicant, phone };
          dossiers.push([
            id,
            code,
            context.serviceVersionId,
            HOUSEHOLD_BUSINESS,
            null,
            context.deskUserId,
            JSON.stringify({ name: applicant.name, phone, email: applicant.email, idNumber: applicant.idNumber }),
            JSON.stringify({ ...form, applicant }),
            'counter',
            status,
            context.agencyId,
            context.agencyId,
            processVariables,
            sqlDate(submittedAt),
            sqlDate(submittedAt + 60_000),
            sqlDate(submittedAt + 5 * DAY_MS),
            status >= 9 ? sqlDate(submittedAt + 3 * DAY_MS) : null,
            status === 10 ? sqlDate(submittedAt + 4 * DAY_MS) : null,
          ]);
          events.push(
            [
              sequentialId(2, 2 * i),
              id,
              'submitted',
              1,
              'official',
              context.deskUserId,
              'Nguyễn Thị Hoa',
              1,
              'Tiếp nhận hồ sơ trực tiếp (0 tệp đính kèm)',
              'Received at the counter (0 attachments)',
              '{"channel":"counter","attachments":[]}',
              null,
              sqlDate(submittedAt),
              1,
            ],
            [
              sequentialId(2, 2 * i + 1),
              id,
              'code-issued',
              1,
              'system',
              null,
              null,
              1,
              `Hồ sơ vào hệ thống, mã hồ sơ ${code}`,
              `The dossier entered the system with the code ${code}`,
              JSON.stringify({ code, outputs: { dossierCode: code } }),
              `motcua.intake:${id}`,
              sqlDate(submittedAt + 1000),
              2,
            ],
          );
        }
        // Two writers into the same secondary indexes can deadlock on InnoDB's gap locks: retry the batch then.
        for (let attempt = 1; ; attempt++) {
          try {
            await connection.beginTransaction();
            await connection.query(
              'INSERT INTO dossiers (id, code, serviceVersionId, serviceCode, applicantUserId, submittedByUserId, applicant, formData, channel, status, agencyId, receivingAgencyId, processVariables, submittedAt, receivedAt, dueAt, finishedAt, returnedAt) VALUES ?',
              [dossiers],
            );
            await connection.query(
              'INSERT INTO dossier_events (id, dossierId, type, status, actorType, actorId, actorName, isPublic, messageVi, messageEn, data, dedupeKey, at, seq) VALUES ?',
              [events],
            );
            await connection.commit();
            break;
          } catch (error) {
            await connection.rollback();
            if ((error as { code?: string }).code !== 'ER_LOCK_DEADLOCK' || attempt >= 5) throw error;
          }
        }
        done += dossiers.length;
        if (options.log && performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          options.log(`  ${done} / ${count} dossiers inserted`);
        }
      }
    } finally {
      await connection.end();
    }
  };
  await Promise.all(Array.from({ length: connections }, () => worker()));
  const seconds = (performance.now() - started) / 1000;
  return { rows: count, events: 2 * count, seconds, rowsPerSecond: count / seconds };
}

export const INBOX_GROUP = `specialist@${KINH_BAC}`;
export const INBOX_MEMBER = 'kinhbac.specialist';

interface TaskRows {
  tasks: unknown[][];
  groups: unknown[][];
}

const TASK_COLUMNS =
  'id, processInstanceKey, processDefinitionKey, bpmnProcessId, elementId, elementInstanceKey, name, formKey, dossierId, dossierCode, serviceCode, agencyCode, candidateGroups, candidateUsers, assigneeId, status, dueAt, createdAt, jobDeadline';
const GROUP_COLUMNS = 'taskId, groupCode, status, assigneeId, dueAt, serviceCode, agencyCode';

/**
 * Open appraisal tasks `from`..`to` of the group: due over the next 60 days, one in a hundred claimed by the member;
 * the job deadline far ahead, so the bridge's keep-alive leaves them alone during the run.
 */
function taskRows(from: number, to: number, memberId: string, now: number): TaskRows {
  const tasks: unknown[][] = [];
  const groups: unknown[][] = [];
  for (let i = from; i < to; i++) {
    const id = String(9_000_000_000_000 + i);
    const dueAt = sqlDate(now + (hash32(i) % (60 * 24 * 60)) * 60_000);
    const assigneeId = i % 100 === 0 ? memberId : null;
    tasks.push([
      id,
      String(8_000_000_000_000 + i),
      '2251799813685249',
      'household-business-registration',
      'appraisal',
      String(7_000_000_000_000 + i),
      'Thẩm định hồ sơ / Appraise the dossier',
      'appraisal',
      null,
      dossierCode(i),
      HOUSEHOLD_BUSINESS,
      KINH_BAC,
      JSON.stringify([INBOX_GROUP]),
      '[]',
      assigneeId,
      'open',
      dueAt,
      sqlDate(now),
      '2099-01-01 00:00:00.000',
    ]);
    groups.push([id, INBOX_GROUP, 'open', assigneeId, dueAt, HOUSEHOLD_BUSINESS, KINH_BAC]);
  }
  return { tasks, groups };
}

/** 100k (`count`) open tasks of the inbox group in the SQLite file (the server must not be running). */
export function seedTasksSqlite(path: string, count: number): SeedReport {
  const started = performance.now();
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    const member = db.prepare('SELECT id FROM users WHERE username = ?').get(INBOX_MEMBER) as
      { id: string } | undefined;
    if (!member) throw new Error(`no ${INBOX_MEMBER} in ${path}`);
    const now = Date.now();
    const insertTask = db.prepare(
      `INSERT INTO tasks (${TASK_COLUMNS}) VALUES (${TASK_COLUMNS.split(',')
        .map(() => '?')
        .join(', ')})`,
    );
    const insertGroup = db.prepare(`INSERT INTO task_candidate_groups (${GROUP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    const batch = 10_000;
    for (let from = 0; from < count; from += batch) {
      const rows = taskRows(from, Math.min(count, from + batch), member.id, now);
      db.transaction(() => {
        for (const row of rows.tasks) insertTask.run(row);
        for (const row of rows.groups) insertGroup.run(row);
      })();
    }
    db.pragma('optimize');
  } finally {
    db.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return { rows: count, seconds, rowsPerSecond: count / seconds };
}

/** The same tasks in MariaDB, as multi-row INSERTs in batches. */
export async function seedTasksMysql(url: string, count: number): Promise<SeedReport> {
  const started = performance.now();
  const connection = await mysql.createConnection({ uri: url });
  try {
    const [users] = (await connection.query('SELECT id FROM users WHERE username = ?', [INBOX_MEMBER])) as unknown as [
      { id: string }[],
    ];
    if (!users[0]) throw new Error(`no ${INBOX_MEMBER} in the bench database`);
    await connection.query('SET SESSION unique_checks = 0, foreign_key_checks = 0');
    const now = Date.now();
    const batch = 2000;
    for (let from = 0; from < count; from += batch) {
      const rows = taskRows(from, Math.min(count, from + batch), users[0].id, now);
      await connection.beginTransaction();
      await connection.query(`INSERT INTO tasks (${TASK_COLUMNS}) VALUES ?`, [rows.tasks]);
      await connection.query(`INSERT INTO task_candidate_groups (${GROUP_COLUMNS}) VALUES ?`, [rows.groups]);
      await connection.commit();
    }
    await connection.query('ANALYZE TABLE tasks, task_candidate_groups');
  } finally {
    await connection.end();
  }
  const seconds = (performance.now() - started) / 1000;
  return { rows: count, seconds, rowsPerSecond: count / seconds };
}

/** Creates the bench database `name` on the server of `rootUrl` (mysql://root@127.0.0.1:3306). */
export async function createDatabase(rootUrl: string, name: string): Promise<void> {
  const connection = await mysql.createConnection({ uri: rootUrl });
  try {
    await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
}

export async function dropDatabase(rootUrl: string, name: string): Promise<void> {
  const connection = await mysql.createConnection({ uri: rootUrl });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await connection.end();
  }
}
