/** Reads a journal directory back at open: newest valid snapshot, then every segment record after it. */
import { open, readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

import {
  FORMAT_VERSION,
  findLaterGroupRecord,
  parseSegmentFileName,
  parseSnapshotFileName,
  readRecord,
  readSegmentHeader,
  readSnapshot,
  SEGMENT_HEADER_BYTES,
  segmentFileName,
  snapshotFileName,
} from './format.ts';
import type { Recovered } from './journal.ts';
import { JournalCorruptError } from './journal-corrupt-error.ts';

/** Where appending resumes: the last segment, cut back to the end of its last complete record. */
export interface Tail {
  readonly first: number;
  readonly file: string;
  readonly size: number;
  readonly nextPosition: number;
}

export interface Recovery {
  readonly recovered: Recovered;
  readonly snapshotPosition: number;
  readonly tail?: Tail;
}

type Snapshot = NonNullable<Recovered['snapshot']>;

const VERSION_REMEDY =
  `This build reads journal format version ${FORMAT_VERSION} only: run the motcua version that wrote the ` +
  'journal, or restore a backup written by this one.';

function lossRemedy(dir: string, file: string, offset: number, position: number): string {
  return (
    `Acknowledged entries from position ${position} on cannot be read, so the engine will not start on them. ` +
    `Restore ${dir} from a backup; or, to accept losing those entries, copy the directory aside, truncate ` +
    `${path.basename(file)} to ${offset} bytes and remove the segment files after it.`
  );
}

export async function recover(dir: string, log: (message: string) => void): Promise<Recovery> {
  const names = await readdir(dir);
  // A *.tmp file is a snapshot or segment whose creation a crash interrupted before its rename made it count.
  await Promise.all(names.filter((name) => name.endsWith('.tmp')).map((name) => unlink(path.join(dir, name))));

  const snapshot = await loadNewestSnapshot(dir, names, log);
  const snapshotPosition = snapshot?.position ?? 0;
  const firsts = names
    .map(parseSegmentFileName)
    .filter((first): first is number => first !== undefined)
    .sort((a, b) => a - b);
  if (firsts.length === 0) {
    return { recovered: { snapshot, entries: [], lastPosition: snapshotPosition }, snapshotPosition };
  }

  // Segments wholly covered by the snapshot (the next one starts at or before snapshot + 1) are skipped unread:
  // a crash interrupted the compaction that was deleting them.
  const start = firsts.findLastIndex((first) => first <= snapshotPosition + 1);
  if (start < 0) {
    const file = path.join(dir, segmentFileName(firsts[0]));
    const covered = snapshot
      ? `the newest valid snapshot holds entries up to ${snapshotPosition}`
      : 'no valid snapshot';
    throw new JournalCorruptError(
      file,
      0,
      `entries ${snapshotPosition + 1}..${firsts[0] - 1} are missing: the oldest segment starts at ${firsts[0]} and ${covered}`,
      lossRemedy(dir, file, 0, snapshotPosition + 1),
    );
  }

  const entries: Recovered['entries'] = [];
  let expected = firsts[start];
  let tail: Tail | undefined;
  for (let i = start; i < firsts.length; i++) {
    const first = firsts[i];
    const file = path.join(dir, segmentFileName(first));
    const last = i === firsts.length - 1;
    const buffer = await readFile(file);

    const header = readSegmentHeader(buffer);
    if (!header.ok) {
      if (header.version !== undefined) {
        throw new JournalCorruptError(file, 4, `segment has ${header.problem}`, VERSION_REMEDY);
      }
      const problem = `segment header unreadable (${header.problem})`;
      throw new JournalCorruptError(file, 0, problem, lossRemedy(dir, file, 0, first));
    }
    if (header.position !== first || first !== expected) {
      const problem =
        header.position !== first
          ? `segment header says first position ${header.position}, its name says ${first}`
          : `segment starts at position ${first}, but the previous segment ends at ${expected - 1}`;
      throw new JournalCorruptError(file, 0, problem, lossRemedy(dir, file, 0, Math.min(first, expected)));
    }

    let offset = SEGMENT_HEADER_BYTES;
    while (offset < buffer.length) {
      const record = readRecord(buffer, offset);
      if (record.ok && record.position === expected) {
        if (expected > snapshotPosition) {
          entries.push({ position: expected, entry: parseEntry(record.payload, dir, file, offset, expected) });
        }
        expected++;
        offset = record.end;
        continue;
      }
      // Only the last write can be torn, and only the last segment holds it: damage anywhere else, or followed
      // by records of a later write, means data that was acknowledged.
      const problem = record.ok ? `record holds position ${record.position} where ${expected} belongs` : record.problem;
      const laterWrite = last && !record.ok ? findLaterGroupRecord(buffer, offset, expected) : undefined;
      const acknowledged = !last
        ? 'later segments follow it'
        : record.ok
          ? 'its checksums are intact, so it is no torn write'
          : laterWrite !== undefined
            ? `an intact record of a later write follows at byte ${laterWrite}`
            : undefined;
      if (acknowledged !== undefined) {
        const remedy = lossRemedy(dir, file, offset, expected);
        throw new JournalCorruptError(file, offset, `${problem}, and ${acknowledged}`, remedy);
      }
      await truncate(file, offset);
      log(`journal: cut torn tail at ${file}:${offset} (${buffer.length - offset} bytes)`);
      break;
    }
    if (last) tail = { first, file, size: offset, nextPosition: expected };
  }
  const lastPosition = Math.max(snapshotPosition, expected - 1);
  return { recovered: { snapshot, entries, lastPosition }, snapshotPosition, tail };
}

function parseEntry(payload: Buffer, dir: string, file: string, offset: number, position: number): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch (error) {
    // The checksums matched, so it was written this way: a bug, not disk damage. Still never skip an entry.
    const problem = `payload of position ${position} is not JSON (${(error as Error).message})`;
    throw new JournalCorruptError(file, offset, problem, lossRemedy(dir, file, offset, position));
  }
}

async function loadNewestSnapshot(
  dir: string,
  names: readonly string[],
  log: (message: string) => void,
): Promise<Snapshot | undefined> {
  const positions = names
    .map(parseSnapshotFileName)
    .filter((position): position is number => position !== undefined)
    .sort((a, b) => b - a);
  for (const position of positions) {
    const file = path.join(dir, snapshotFileName(position));
    const read = readSnapshot(await readFile(file));
    if (!read.ok && read.version !== undefined) {
      throw new JournalCorruptError(file, 4, `snapshot has ${read.problem}`, VERSION_REMEDY);
    }
    let problem = read.ok ? undefined : read.problem;
    let state: unknown;
    if (read.ok && read.position !== position)
      problem = `it holds position ${read.position}, its name says ${position}`;
    else if (read.ok) {
      try {
        state = JSON.parse(read.payload.toString('utf8'));
      } catch (error) {
        problem = `payload is not JSON (${(error as Error).message})`;
      }
    }
    if (problem === undefined) return { position, state };
    log(`journal: snapshot ${file} is damaged (${problem}); falling back to an older one`);
  }
  return undefined;
}

async function truncate(file: string, size: number): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.truncate(size);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
