// MariaDB's InnoDB buffer pool for the tracking benchmark. The machine's MariaDB keeps its 128 MiB default, while
// 1M dossiers with their timeline take ~3 GB: random lookups would then read pages from disk (O_DIRECT, so not even
// from the page cache) and measure the disk. A production database server holds its working set in memory, so the
// tracking scenario raises the pool for its run (innodb_buffer_pool_size is dynamic in MariaDB 10.11 and MySQL 8),
// before seeding so that the inserted pages stay in it, and puts the old size back afterwards.
import os from 'node:os';
import mysql from 'mysql2/promise';
import { sleep } from './support.ts';

const GiB = 2 ** 30;

/** What a seeded dossier takes with its two timeline events and every index (measured: ~2.9 kB each at 1M). */
const BYTES_PER_DOSSIER = 4096;

/** The pool that holds `dossiers` seeded dossiers: whole GiB, at least 1, at most half of the machine's memory. */
export function bufferPoolFor(dossiers: number): number {
  const wanted = Math.max(1, Math.ceil((dossiers * BYTES_PER_DOSSIER) / GiB)) * GiB;
  return Math.min(wanted, Math.floor(os.totalmem() / 2 / GiB) * GiB);
}

export interface BufferPool {
  /** innodb_buffer_pool_size before, and during the run (bytes; the server rounds to its chunk size). */
  before: number;
  during: number;
  /** Puts the old size back (nothing when the pool was not changed). */
  restore(): Promise<void>;
}

/** Raises the buffer pool of the MariaDB/MySQL server at `rootUrl` to at least `bytes`; never shrinks it. */
export async function raiseBufferPool(rootUrl: string, bytes: number): Promise<BufferPool> {
  const before = await setPool(rootUrl, undefined);
  if (bytes <= before) return { before, during: before, restore: async () => undefined };
  const during = await setPool(rootUrl, bytes);
  return { before, during, restore: async () => void (await setPool(rootUrl, before)) };
}

/** Sets the pool size (when `bytes` is given), waits until a resize is over (bounded) and returns the size. */
async function setPool(rootUrl: string, bytes: number | undefined): Promise<number> {
  const connection = await mysql.createConnection({ uri: rootUrl });
  try {
    if (bytes !== undefined) await connection.query('SET GLOBAL innodb_buffer_pool_size = ?', [bytes]);
    const deadline = performance.now() + 120_000;
    for (;;) {
      const [rows] = (await connection.query("SHOW STATUS LIKE 'Innodb_buffer_pool_resize_status'")) as unknown as [
        { Value: string }[],
      ];
      // Empty, or "Completed resizing buffer pool at …", once no resize runs.
      const status = rows[0]?.Value ?? '';
      if (status === '' || /^completed/i.test(status)) break;
      if (performance.now() > deadline) throw new Error(`the buffer pool resize did not finish: ${status}`);
      await sleep(200);
    }
    const [size] = (await connection.query('SELECT @@innodb_buffer_pool_size AS size')) as unknown as [
      { size: number | string }[],
    ];
    return Number(size[0].size);
  } finally {
    await connection.end();
  }
}
