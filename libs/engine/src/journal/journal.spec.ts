import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect } from 'chai';

import { RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES, segmentFileName, snapshotFileName } from './format.ts';
import { Journal, JournalCorruptError, type JournalOptions, type Recovered } from './journal.ts';

// Entries `{"n":1}` .. `{"n":9}` are 7 bytes of JSON, so their records sit at known offsets.
const SMALL_RECORD = RECORD_HEADER_BYTES + 7;
const recordAt = (position: number, first = 1) => SEGMENT_HEADER_BYTES + (position - first) * SMALL_RECORD;

describe('Journal', () => {
  const dirs: string[] = [];
  const journals: Journal[] = [];

  async function newDir(): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'motcua-journal-'));
    dirs.push(dir);
    return dir;
  }

  async function openJournal(dir: string, options: Partial<JournalOptions> = {}) {
    const logs: string[] = [];
    const opened = await Journal.open({ dir, log: (message) => logs.push(message), ...options });
    journals.push(opened.journal);
    return { ...opened, logs };
  }

  /** Appends `{n: from}` .. `{n: to}` one after another: each in its own write group. */
  async function appendOneByOne(journal: Journal, from: number, to: number): Promise<void> {
    for (let n = from; n <= to; n++) expect(await journal.append({ n })).to.equal(n);
  }

  async function journalFiles(dir: string, suffix: string): Promise<string[]> {
    return (await readdir(path.join(dir, 'journal'))).filter((name) => name.endsWith(suffix)).sort();
  }

  const segmentPath = (dir: string, first: number) => path.join(dir, 'journal', segmentFileName(first));
  const snapshotPath = (dir: string, position: number) => path.join(dir, 'journal', snapshotFileName(position));
  const ns = (recovered: Recovered) => recovered.entries.map(({ entry }) => (entry as { n: unknown }).n);

  async function flipByte(file: string, offset: number): Promise<void> {
    const content = await readFile(file);
    content[offset] ^= 0x40;
    await writeFile(file, content);
  }

  async function openFails(dir: string, options: Partial<JournalOptions> = {}): Promise<JournalCorruptError> {
    try {
      await openJournal(dir, options);
    } catch (error) {
      expect(error).to.be.instanceOf(JournalCorruptError);
      return error as JournalCorruptError;
    }
    expect.fail('open should have failed');
  }

  async function rejection(promise: Promise<unknown>): Promise<Error> {
    const outcome = await Promise.allSettled([promise]);
    if (outcome[0].status === 'fulfilled') expect.fail('expected a rejection');
    return outcome[0].reason as Error;
  }

  function expectRejection(error: Error, type: typeof Error, message: RegExp): void {
    expect(error).to.be.instanceOf(type);
    expect(error.message).to.match(message);
  }

  afterEach(async () => {
    await Promise.all(journals.splice(0).map((journal) => journal.close()));
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  describe('append and reopen', () => {
    it('creates a missing directory and starts empty', async () => {
      // given
      const dir = path.join(await newDir(), 'not', 'yet');

      // when
      const { journal, recovered } = await openJournal(dir);

      // then
      expect(recovered).to.deep.equal({ snapshot: undefined, entries: [], lastPosition: 0 });
      expect(journal.lastPosition).to.equal(0);
      expect(await journalFiles(dir, '.log')).to.deep.equal([segmentFileName(1)]);
    });

    it('gives back appended entries in order, with their positions, after close and reopen', async () => {
      // given
      const dir = await newDir();
      const { journal } = await openJournal(dir);
      const batches = [[{ intent: 'CREATED' }], [{ intent: 'ACTIVATED' }, { intent: 'COMPLETED' }], []];
      for (const batch of batches) await journal.append(batch);
      await journal.close();

      // when
      const { journal: reopened, recovered } = await openJournal(dir);

      // then
      expect(recovered.entries).to.deep.equal(batches.map((entry, i) => ({ position: i + 1, entry })));
      expect(recovered.lastPosition).to.equal(3);
      expect(reopened.lastPosition).to.equal(3);
      expect(await reopened.append(['next'])).to.equal(4);
    });

    it('rolls to new segments at segmentBytes and reads back across them', async () => {
      // given: three 31-byte records fill a 100-byte segment
      const dir = await newDir();
      const { journal } = await openJournal(dir, { segmentBytes: 100 });
      await appendOneByOne(journal, 1, 8);
      await journal.close();

      // when
      const { recovered } = await openJournal(dir, { segmentBytes: 100 });

      // then
      expect(await journalFiles(dir, '.log')).to.deep.equal([1, 4, 7].map(segmentFileName));
      expect(ns(recovered)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
    });

    it('rejects appends after close, and an entry that is not JSON without using a position', async () => {
      // given
      const { journal } = await openJournal(await newDir());

      // when
      const notJson = journal.append(10n);

      // then
      expectRejection(await rejection(notJson), TypeError, /BigInt/);
      expect(journal.lastPosition).to.equal(0);
      await journal.close();
      expectRejection(await rejection(journal.append({ n: 1 })), Error, /append after close/);
    });
  });

  describe('group commit', () => {
    it('makes 2,000 concurrent appends durable with far fewer fsyncs than appends', async () => {
      // given
      const dir = await newDir();
      const { journal } = await openJournal(dir);
      const payload = 'p'.repeat(1000);

      // when: positions are handed out synchronously, in call order
      const appends = Array.from({ length: 2000 }, (_, i) => {
        const promise = journal.append({ i, payload });
        expect(journal.lastPosition).to.equal(i + 1);
        return promise;
      });
      const positions = await Promise.all(appends);

      // then
      expect(positions).to.deep.equal(Array.from({ length: 2000 }, (_, i) => i + 1));
      expect(journal.stats.appends).to.equal(2000);
      expect(journal.stats.syncs).to.be.greaterThan(0).and.at.most(20);
      await journal.close();
      const { recovered } = await openJournal(dir);
      expect(recovered.entries.map(({ entry }) => (entry as { i: number }).i)).to.deep.equal(
        Array.from({ length: 2000 }, (_, i) => i),
      );
    });

    it('rejects every append of a failed write, and every append after it', async () => {
      // given: tiny segments, so the next write must create a file in a directory that has vanished
      const dir = await newDir();
      const { journal } = await openJournal(dir, { segmentBytes: 1 });
      await journal.append({ n: 1 });
      await rm(path.join(dir, 'journal'), { recursive: true });

      // when
      const group = [journal.append({ n: 2 }), journal.append({ n: 3 })];
      const outcomes = await Promise.allSettled(group);

      // then
      for (const outcome of outcomes) {
        expect(outcome.status).to.equal('rejected');
        expect((outcome as PromiseRejectedResult).reason.message).to.match(/journal: writing to .* failed \(ENOENT/);
      }
      expectRejection(await rejection(journal.append({ n: 4 })), Error, /accepts no more appends/);
      expectRejection(await rejection(journal.snapshot(1, {})), Error, /accepts no more appends/);
    });
  });

  describe('torn tail', () => {
    const variants: { name: string; damage: (file: string) => Promise<void>; intact: number; cutAt: number }[] = [
      {
        name: 'a last record cut short by 3 bytes',
        damage: async (file) => truncate(file, recordAt(7) - 3),
        intact: 5,
        cutAt: recordAt(6),
      },
      {
        name: 'half a record header',
        damage: async (file) => truncate(file, recordAt(6) + RECORD_HEADER_BYTES / 2),
        intact: 5,
        cutAt: recordAt(6),
      },
      {
        name: 'garbage after the last record',
        damage: async (file) => appendFile(file, Buffer.from('\u0000garbage of a crashed write\u00ff')),
        intact: 6,
        cutAt: recordAt(7),
      },
      {
        name: 'zeros after the last record (file size grown, data never written)',
        damage: async (file) => appendFile(file, Buffer.alloc(4096)),
        intact: 6,
        cutAt: recordAt(7),
      },
      {
        name: 'a checksum mismatch in the last record',
        damage: async (file) => flipByte(file, recordAt(6) + RECORD_HEADER_BYTES + 2),
        intact: 5,
        cutAt: recordAt(6),
      },
    ];

    for (const variant of variants) {
      it(`cuts back ${variant.name}, logs it, keeps earlier entries and appends after it`, async () => {
        // given
        const dir = await newDir();
        const { journal } = await openJournal(dir);
        await appendOneByOne(journal, 1, 6);
        await journal.close();
        const file = segmentPath(dir, 1);
        await variant.damage(file);
        const damagedSize = (await stat(file)).size;

        // when
        const { journal: reopened, recovered, logs } = await openJournal(dir);

        // then
        expect(ns(recovered)).to.deep.equal([1, 2, 3, 4, 5, 6].slice(0, variant.intact));
        expect(logs).to.deep.equal([
          `journal: cut torn tail at ${file}:${variant.cutAt} (${damagedSize - variant.cutAt} bytes)`,
        ]);
        expect((await stat(file)).size).to.equal(variant.cutAt);

        // and when: appending goes on after the cut
        expect(await reopened.append({ n: 'after' })).to.equal(variant.intact + 1);
        await reopened.close();

        // then: it survives another reopen, with nothing more to cut
        const { recovered: again, logs: againLogs } = await openJournal(dir);
        expect(ns(again)).to.deep.equal([...ns(recovered), 'after']);
        expect(againLogs).to.deep.equal([]);
      });
    }

    it('cuts back the whole last write from its damaged record, as its fsync may not have completed', async () => {
      // given: 1..3 written one by one, then 4..8 in one group; record 5 damaged, 6..8 intact after it
      const dir = await newDir();
      const { journal } = await openJournal(dir);
      await appendOneByOne(journal, 1, 3);
      await Promise.all([4, 5, 6, 7, 8].map((n) => journal.append({ n })));
      expect(journal.stats.syncs).to.equal(4);
      await journal.close();
      const file = segmentPath(dir, 1);
      await flipByte(file, recordAt(5) + RECORD_HEADER_BYTES + 2);

      // when
      const { recovered, logs } = await openJournal(dir);

      // then
      expect(ns(recovered)).to.deep.equal([1, 2, 3, 4]);
      expect(logs).to.deep.equal([`journal: cut torn tail at ${file}:${recordAt(5)} (${4 * SMALL_RECORD} bytes)`]);
    });
  });

  describe('corruption', () => {
    const damages = [
      { name: 'payload', at: RECORD_HEADER_BYTES + 2, problem: 'payload checksum mismatch' },
      { name: 'header', at: 6, problem: 'record header checksum mismatch' },
    ];
    for (const damage of damages) {
      it(`fails the open on a flipped byte in a middle record's ${damage.name}, naming file and offset`, async () => {
        // given
        const dir = await newDir();
        const { journal } = await openJournal(dir);
        await appendOneByOne(journal, 1, 9);
        await journal.close();
        const file = segmentPath(dir, 1);
        await flipByte(file, recordAt(5) + damage.at);
        const size = (await stat(file)).size;

        // when
        const error = await openFails(dir);

        // then
        expect(error.file).to.equal(file);
        expect(error.offset).to.equal(recordAt(5));
        expect(error.message).to.contain(`journal: ${file} at byte ${recordAt(5)}: ${damage.problem}`);
        expect(error.message).to.contain(`an intact record of a later write follows at byte ${recordAt(6)}`);
        expect(error.message).to.contain('Acknowledged entries from position 5 on cannot be read');
        expect((await stat(file)).size, 'nothing cut').to.equal(size);
      });
    }

    it('treats a short record at the end of a segment that is not the last as corruption', async () => {
      // given: segments 1..3, 4..6, 7..9; the first one loses its last 3 bytes
      const dir = await newDir();
      const { journal } = await openJournal(dir, { segmentBytes: 100 });
      await appendOneByOne(journal, 1, 9);
      await journal.close();
      const file = segmentPath(dir, 1);
      await truncate(file, recordAt(4) - 3);

      // when
      const error = await openFails(dir);

      // then
      expect(error.message).to.contain(`${file} at byte ${recordAt(3)}: payload of 7 bytes, only 4 present`);
      expect(error.message).to.contain('later segments follow it');
    });

    it('reports entries missing between segments', async () => {
      // given
      const dir = await newDir();
      const { journal } = await openJournal(dir, { segmentBytes: 100 });
      await appendOneByOne(journal, 1, 9);
      await journal.close();
      await rm(segmentPath(dir, 4));

      // when
      const error = await openFails(dir);

      // then
      expect(error.file).to.equal(segmentPath(dir, 7));
      expect(error.message).to.contain('segment starts at position 7, but the previous segment ends at 3');
    });
  });

  describe('snapshot', () => {
    it('recovers the snapshot and only the entries after it, and deletes the segments it covers', async () => {
      // given: segments 1..3, 4..6, 7
      const dir = await newDir();
      const { journal } = await openJournal(dir, { segmentBytes: 100 });
      await appendOneByOne(journal, 1, 7);

      // when
      await journal.snapshot(5, { sum: 15 });
      await appendOneByOne(journal, 8, 9);
      await journal.close();
      const { recovered } = await openJournal(dir, { segmentBytes: 100 });

      // then: segment 1..3 is gone; 4..6 still holds 6; the snapshot started segment 8
      expect(recovered.snapshot).to.deep.equal({ position: 5, state: { sum: 15 } });
      expect(recovered.entries.map(({ position }) => position)).to.deep.equal([6, 7, 8, 9]);
      expect(recovered.lastPosition).to.equal(9);
      expect(await journalFiles(dir, '.log')).to.deep.equal([4, 7, 8].map(segmentFileName));
      expect(await journalFiles(dir, '.snap')).to.deep.equal([snapshotFileName(5)]);
    });

    it('deletes the previous snapshot and every segment before the new one', async () => {
      // given
      const dir = await newDir();
      const { journal } = await openJournal(dir, { segmentBytes: 100 });
      await appendOneByOne(journal, 1, 7);
      await journal.snapshot(5, { sum: 15 });
      await appendOneByOne(journal, 8, 9);

      // when
      await journal.snapshot(9, { sum: 45 });
      await journal.close();
      const { journal: reopened, recovered } = await openJournal(dir, { segmentBytes: 100 });

      // then
      expect(recovered).to.deep.equal({ snapshot: { position: 9, state: { sum: 45 } }, entries: [], lastPosition: 9 });
      expect(await journalFiles(dir, '.log')).to.deep.equal([segmentFileName(10)]);
      expect(await journalFiles(dir, '.snap')).to.deep.equal([snapshotFileName(9)]);
      expect(await reopened.append({ n: 10 })).to.equal(10);
    });

    it('waits for the entries it covers to be on disk, and captures the state at call time', async () => {
      // given: appends not yet written
      const dir = await newDir();
      const { journal } = await openJournal(dir);
      const appends = [1, 2, 3].map((n) => journal.append({ n }));
      const state = { count: 3 };

      // when
      const snapshot = journal.snapshot(3, state);
      state.count = 99;
      await snapshot;

      // then
      expect(await Promise.all(appends)).to.deep.equal([1, 2, 3]);
      await journal.close();
      const { recovered } = await openJournal(dir);
      expect(recovered.snapshot).to.deep.equal({ position: 3, state: { count: 3 } });
    });

    it('rejects a position after the last append or before the latest snapshot', async () => {
      // given
      const { journal } = await openJournal(await newDir());
      await appendOneByOne(journal, 1, 5);
      await journal.snapshot(4, {});

      // then
      expectRejection(await rejection(journal.snapshot(6, {})), RangeError, /last appended position \(5\)/);
      expectRejection(await rejection(journal.snapshot(3, {})), RangeError, /latest snapshot \(4\)/);
    });

    it('falls back to the older snapshot when the newest is damaged, if a crash left its entries', async () => {
      // given: the directory as a crash right after writing snapshot 5 leaves it (nothing compacted yet)
      const dir = await newDir();
      const { journal } = await openJournal(dir);
      await appendOneByOne(journal, 1, 3);
      await journal.snapshot(3, { upTo: 3 });
      await appendOneByOne(journal, 4, 5);
      const names = await readdir(path.join(dir, 'journal'));
      const before = await Promise.all(names.map((name) => readFile(path.join(dir, 'journal', name))));
      await journal.snapshot(5, { upTo: 5 });
      await journal.close();
      await Promise.all(names.map((name, i) => writeFile(path.join(dir, 'journal', name), before[i])));
      await flipByte(snapshotPath(dir, 5), 30);

      // when
      const { recovered, logs } = await openJournal(dir);

      // then
      expect(logs).to.deep.equal([
        `journal: snapshot ${snapshotPath(dir, 5)} is damaged (checksum mismatch); falling back to an older one`,
      ]);
      expect(recovered.snapshot).to.deep.equal({ position: 3, state: { upTo: 3 } });
      expect(ns(recovered)).to.deep.equal([4, 5]);
    });

    it('fails the open when the only snapshot is damaged and the entries it held were compacted away', async () => {
      // given
      const dir = await newDir();
      const { journal } = await openJournal(dir);
      await appendOneByOne(journal, 1, 3);
      await journal.snapshot(3, { upTo: 3 });
      await journal.close();
      await flipByte(snapshotPath(dir, 3), 30);

      // when
      const error = await openFails(dir);

      // then
      expect(error.message).to.contain(
        'entries 1..3 are missing: the oldest segment starts at 4 and no valid snapshot',
      );
    });

    it('removes temporary files a crash left while writing a snapshot or creating a segment', async () => {
      // given
      const dir = await newDir();
      const { journal } = await openJournal(dir);
      await appendOneByOne(journal, 1, 2);
      await journal.close();
      await writeFile(`${snapshotPath(dir, 2)}.tmp`, 'half a snap');
      await writeFile(`${segmentPath(dir, 3)}.tmp`, 'MCJ');

      // when
      const { recovered } = await openJournal(dir);

      // then
      expect(ns(recovered)).to.deep.equal([1, 2]);
      expect(await journalFiles(dir, '.tmp')).to.deep.equal([]);
    });
  });

  describe('format version', () => {
    it('stops the open on a segment of an unknown format version', async () => {
      // given
      const dir = await newDir();
      const { journal } = await openJournal(dir);
      await journal.append({ n: 1 });
      await journal.close();
      const content = await readFile(segmentPath(dir, 1));
      content.writeUInt32LE(99, 4);
      await writeFile(segmentPath(dir, 1), content);

      // when
      const error = await openFails(dir);

      // then
      expect(error.message).to.contain(`${segmentPath(dir, 1)} at byte 4: segment has unknown format version 99`);
      expect(error.message).to.contain('This build reads journal format version 1 only');
    });

    it('stops the open on a snapshot of an unknown format version', async () => {
      // given
      const dir = await newDir();
      const { journal } = await openJournal(dir);
      await journal.append({ n: 1 });
      await journal.snapshot(1, {});
      await journal.close();
      const content = await readFile(snapshotPath(dir, 1));
      content.writeUInt32LE(2, 4);
      await writeFile(snapshotPath(dir, 1), content);

      // when
      const error = await openFails(dir);

      // then
      expect(error.message).to.contain('snapshot has unknown format version 2');
    });
  });

  describe('crash', () => {
    it('keeps every acknowledged position when the process is killed with SIGKILL', async function () {
      this.timeout(60_000);
      // given: a child process appending (with rolls and snapshots) and printing what was acknowledged
      const dir = await newDir();
      const root = fileURLToPath(new URL('../../../../', import.meta.url));
      const script = fileURLToPath(new URL('./journal-crash-child.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', script, dir], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

      // when: killed once it has acknowledged some hundreds
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('close', (_code, signal) => resolve(signal)),
      );
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.split('\n').length > 800) child.kill('SIGKILL');
      });
      expect(await exited, `child ended by itself: ${stderr}`).to.equal('SIGKILL');
      const acknowledged = stdout.split('\n').slice(0, -1).map(Number); // the part after the last newline is cut

      // then
      const { recovered } = await openJournal(dir);
      expect(acknowledged.length).to.be.at.least(800);
      const upTo = recovered.snapshot?.position ?? 0;
      expect(recovered.snapshot?.state).to.deep.equal(upTo === 0 ? undefined : { upTo });
      const positions = recovered.entries.map(({ position }) => position);
      expect(positions).to.deep.equal(Array.from({ length: positions.length }, (_, i) => upTo + 1 + i));
      for (const { position, entry } of recovered.entries) expect(entry).to.include({ expected: position });
      const missing = acknowledged.filter((position) => position > recovered.lastPosition);
      expect(missing, 'acknowledged but lost').to.deep.equal([]);
    });
  });
});
