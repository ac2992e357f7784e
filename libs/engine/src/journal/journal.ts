/**
 * The engine's durable journal: an append-only log of event batches plus snapshots of the state.
 *
 * Appends are group-committed: while one write + fdatasync is in flight, further appends queue, and the next
 * write covers all of them (one `write` of the concatenated records, one `fdatasync`). The on-disk format is in
 * format.ts; what open does with a directory after a crash is in recovery.ts.
 */
import { type FileHandle, mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

import {
  encodeGroup,
  encodeSegmentHeader,
  encodeSnapshot,
  parseSegmentFileName,
  parseSnapshotFileName,
  type RecordToWrite,
  SEGMENT_HEADER_BYTES,
  segmentFileName,
  snapshotFileName,
} from './format.ts';
import { recover } from './recovery.ts';

export { JournalCorruptError } from './journal-corrupt-error.ts';

export interface JournalOptions {
  /** Data directory, created if missing; the journal lives in its `journal/` subdirectory. */
  dir: string;
  /** Default true. False only for benchmarks that measure without disk sync: a crash may then lose entries. */
  fsync?: boolean;
  /** Warnings, e.g. a torn tail cut back at open. Default: console.warn. */
  log?: (message: string) => void;
  /** Roll to a new segment file once the current one reaches this size. Default 64 MiB. */
  segmentBytes?: number;
}

export interface Recovered {
  /** The newest valid snapshot, if any. */
  snapshot?: { position: number; state: unknown };
  /** Every entry after the snapshot's position, in order. */
  entries: { position: number; entry: unknown }[];
  /** Position of the last entry, whether in `entries` or in the snapshot (0 if none). */
  lastPosition: number;
}

export interface JournalStats {
  readonly appends: number;
  /** Write calls for append groups: one per group. */
  readonly writes: number;
  /** fdatasync calls for append groups: one per group when fsync is on. */
  readonly syncs: number;
  readonly snapshots: number;
}

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

interface PendingAppend extends RecordToWrite {
  resolve(position: number): void;
  reject(error: Error): void;
}

interface Waiter {
  readonly position: number;
  resolve(): void;
  reject(error: Error): void;
}

interface Task {
  run(): Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

interface Segment {
  readonly first: number;
  readonly file: string;
  readonly handle: FileHandle;
  size: number;
}

export class Journal {
  /** Opens (or creates) the journal in `options.dir` and returns what it recovered. */
  static async open(options: JournalOptions): Promise<{ journal: Journal; recovered: Recovered }> {
    const dir = path.resolve(options.dir, 'journal');
    const fsync = options.fsync ?? true;
    const log = options.log ?? ((message: string) => console.warn(message));
    const created = await mkdir(dir, { recursive: true });
    if (created !== undefined && fsync) await fsyncParents(dir, path.resolve(created));

    const { recovered, snapshotPosition, tail } = await recover(dir, log);
    // Resume in the last segment, unless a snapshot is ahead of it (only possible after a crash with fsync off).
    const segment =
      tail && tail.nextPosition === recovered.lastPosition + 1
        ? { first: tail.first, file: tail.file, handle: await open(tail.file, 'r+'), size: tail.size }
        : await createSegment(dir, recovered.lastPosition + 1, fsync);
    const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    const journal = new Journal(dir, fsync, segmentBytes, segment, recovered.lastPosition, snapshotPosition);
    return { journal, recovered };
  }

  private readonly dir: string;
  private readonly fsync: boolean;
  private readonly segmentBytes: number;
  private segment: Segment;
  /** Last position handed out by append. */
  private last: number;
  /** Last position written (and fsync'd, when fsync is on). */
  private written: number;
  /** Position of the latest snapshot written or requested; snapshots never go backwards. */
  private snapshotPosition: number;
  private pending: PendingAppend[] = [];
  private tasks: Task[] = [];
  private waiters: Waiter[] = [];
  private idleWaiters: (() => void)[] = [];
  private draining = false;
  private failure?: Error;
  private closing?: Promise<void>;
  private snapshotting: Promise<void> = Promise.resolve();
  private readonly counters = { appends: 0, writes: 0, syncs: 0, snapshots: 0 };

  private constructor(
    dir: string,
    fsync: boolean,
    segmentBytes: number,
    segment: Segment,
    lastPosition: number,
    snapshotPosition: number,
  ) {
    this.dir = dir;
    this.fsync = fsync;
    this.segmentBytes = segmentBytes;
    this.segment = segment;
    this.last = lastPosition;
    this.written = lastPosition;
    this.snapshotPosition = snapshotPosition;
  }

  get lastPosition(): number {
    return this.last;
  }

  get stats(): JournalStats {
    return { ...this.counters };
  }

  /**
   * Appends one entry (a batch of records); resolves with its position once it is on disk (fsync'd).
   * The position (lastPosition + 1) is assigned synchronously, in call order.
   */
  append(entry: unknown): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('journal: append after close'));
    const json = serialise(entry);
    if (json instanceof Error) return Promise.reject(json);

    const position = ++this.last;
    this.counters.appends++;
    return new Promise<number>((resolve, reject) => {
      this.pending.push({ position, json, resolve, reject });
      this.scheduleDrain();
    });
  }

  /**
   * Writes a snapshot of the state as of `position` (every entry <= position is included in it) atomically,
   * then compacts: deletes segment files holding only entries <= position, and older snapshots.
   * The state is serialised during the call, so the caller may change it as soon as this returns.
   */
  snapshot(position: number, state: unknown): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('journal: snapshot after close'));
    if (!Number.isSafeInteger(position) || position < this.snapshotPosition || position > this.last) {
      return Promise.reject(
        new RangeError(
          `journal: cannot snapshot at position ${position}: it must lie between the latest snapshot ` +
            `(${this.snapshotPosition}) and the last appended position (${this.last})`,
        ),
      );
    }
    const json = serialise(state);
    if (json instanceof Error) return Promise.reject(json);
    const payload = Buffer.from(json, 'utf8');

    this.snapshotPosition = position;
    const done = this.snapshotting.then(() => this.writeSnapshot(position, payload));
    this.snapshotting = done.catch(() => undefined);
    return done;
  }

  /** Flushes pending appends, fsyncs, closes files. Further appends reject. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await this.snapshotting;
    await this.whenIdle();
    await this.segment.handle.close();
  }

  private scheduleDrain(): void {
    if (this.draining) return;
    this.draining = true;
    // Start a microtask later, so every append made in the current synchronous run joins the first write.
    queueMicrotask(() => void this.drain());
  }

  /** The single writer: runs queued tasks and append groups one at a time until nothing is queued. */
  private async drain(): Promise<void> {
    for (;;) {
      const task = this.tasks.shift();
      if (task) {
        await this.runTask(task);
        continue;
      }
      if (this.pending.length === 0) break;
      const group = this.pending;
      this.pending = [];
      await this.writeGroup(group);
    }
    this.draining = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async writeGroup(group: PendingAppend[]): Promise<void> {
    if (this.failure) return rejectAll(group, this.failure);
    try {
      if (this.segment.size >= this.segmentBytes && this.segment.size > SEGMENT_HEADER_BYTES) await this.roll();
      const segment = this.segment;
      const buffer = encodeGroup(group);
      await writeFully(segment.handle, buffer, segment.size);
      segment.size += buffer.length;
      this.counters.writes++;
      if (this.fsync) {
        await segment.handle.datasync();
        this.counters.syncs++;
      }
    } catch (error) {
      this.fail(error, group);
      return;
    }
    this.written = group[group.length - 1].position;
    for (const append of group) append.resolve(append.position);
    if (this.waiters.length > 0) {
      const ready = this.waiters.filter((waiter) => waiter.position <= this.written);
      this.waiters = this.waiters.filter((waiter) => waiter.position > this.written);
      for (const waiter of ready) waiter.resolve();
    }
  }

  private async runTask(task: Task): Promise<void> {
    if (this.failure) return task.reject(this.failure);
    try {
      await task.run();
    } catch (error) {
      // Tasks change which segment is active; after a half-done change, writing on is not safe.
      return task.reject(this.fail(error, []));
    }
    task.resolve();
  }

  /** A write error leaves the file in an unknown state: reject everything queued and refuse further work. */
  private fail(error: unknown, group: PendingAppend[]): Error {
    const failure = (this.failure ??= new Error(
      `journal: writing to ${this.dir} failed (${toError(error).message}); ` +
        'the journal accepts no more appends: reopen it to recover',
      { cause: error },
    ));
    rejectAll(group, failure);
    rejectAll(this.pending.splice(0), failure);
    for (const waiter of this.waiters.splice(0)) waiter.reject(failure);
    for (const task of this.tasks.splice(0)) task.reject(failure);
    return failure;
  }

  /** Runs `run` on the writer, between two append groups. */
  private exclusive(run: () => Promise<void>): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.tasks.push({ run, resolve, reject });
      this.scheduleDrain();
    });
  }

  private whenIdle(): Promise<void> {
    if (!this.draining) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private whenWritten(position: number): Promise<void> {
    if (position <= this.written) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ position, resolve, reject }));
  }

  /** Starts a new segment after the last written entry; called on the writer only. */
  private async roll(): Promise<void> {
    const previous = this.segment;
    this.segment = await createSegment(this.dir, this.written + 1, this.fsync);
    await previous.handle.close();
  }

  private async writeSnapshot(position: number, payload: Buffer): Promise<void> {
    // A snapshot must never hold state whose entries could still be lost in a crash.
    await this.whenWritten(position);
    const file = path.join(this.dir, snapshotFileName(position));
    await writeFileAtomically(file, encodeSnapshot(position, payload), this.fsync);
    this.counters.snapshots++;
    // A fresh segment lets the ones before it, holding only entries <= position, be deleted whole.
    await this.exclusive(async () => {
      if (this.segment.size > SEGMENT_HEADER_BYTES) await this.roll();
    });
    await this.compact(position);
  }

  /**
   * Deletes segments whose entries all lie at or before `position` (the next segment starts at or before
   * position + 1), oldest first, then every other snapshot. Safe to stop anywhere: recovery skips covered
   * segments, and the new snapshot was made durable before anything is deleted.
   */
  private async compact(position: number): Promise<void> {
    const names = await readdir(this.dir);
    const firsts = names
      .map(parseSegmentFileName)
      .filter((first): first is number => first !== undefined)
      .sort((a, b) => a - b);
    const doomed = firsts
      .filter((first, i) => i + 1 < firsts.length && firsts[i + 1] <= position + 1 && first !== this.segment.first)
      .map(segmentFileName);
    // Other snapshots are older, or newer but damaged (recovery fell back past them).
    doomed.push(
      ...names.filter((name) => parseSnapshotFileName(name) !== undefined && name !== snapshotFileName(position)),
    );
    for (const name of doomed) await unlink(path.join(this.dir, name));
    if (this.fsync && doomed.length > 0) await fsyncDir(this.dir);
  }
}

function serialise(value: unknown): string | Error {
  try {
    const json = JSON.stringify(value);
    if (json === undefined) return new TypeError(`journal: ${typeof value} cannot be written as JSON`);
    return json;
  } catch (error) {
    return toError(error);
  }
}

function rejectAll(appends: readonly PendingAppend[], error: Error): void {
  for (const append of appends) append.reject(error);
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Creates a segment under a temporary name and renames it once its header is durable: never half a header. */
async function createSegment(dir: string, first: number, fsync: boolean): Promise<Segment> {
  const file = path.join(dir, segmentFileName(first));
  const temporary = `${file}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await writeFully(handle, encodeSegmentHeader(first), 0);
    if (fsync) await handle.datasync();
    await rename(temporary, file);
    if (fsync) await fsyncDir(dir);
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  return { first, file, handle, size: SEGMENT_HEADER_BYTES };
}

/** tmp file, fsync, rename, fsync dir: after a crash the file is either whole or absent. */
async function writeFileAtomically(file: string, data: Buffer, fsync: boolean): Promise<void> {
  const temporary = `${file}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await writeFully(handle, data, 0);
    if (fsync) await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  if (fsync) await fsyncDir(path.dirname(file));
}

async function writeFully(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  for (let done = 0; done < buffer.length;) {
    const { bytesWritten } = await handle.write(buffer, done, buffer.length - done, position + done);
    if (bytesWritten === 0) throw new Error(`wrote 0 of ${buffer.length - done} bytes`);
    done += bytesWritten;
  }
}

/** Makes the entries of new directories `top` .. `dir` durable in their parents: else a crash could lose them. */
async function fsyncParents(dir: string, top: string): Promise<void> {
  for (let d = dir; ; d = path.dirname(d)) {
    await fsyncDir(path.dirname(d));
    if (d === top || d === path.dirname(d)) return;
  }
}

/** Makes a directory's entries (created, renamed, deleted files) durable. */
async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
