import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { AttachmentStorage, checkStoragePath, StoredFileMissingError } from './attachment-storage.ts';
import type { StoredFile, StoredFileStream } from './attachment-storage.ts';

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** fsync of a directory, so that the entries created or renamed in it survive a machine crash. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Dossier files under `<data dir>/files` (the embedded default). A write goes to a temporary file in the target's
 * directory, which is fsynced, renamed over the target, and the directory fsynced (and the parents of directories it
 * had to create): once write() resolves the file is whole and durable, as durable as the row that will name it (SQLite
 * commits with synchronous FULL). A crash before the rename leaves at most a `*.tmp` file, never a partial file.
 */
export class FilesystemStorage extends AttachmentStorage {
  readonly description: string;

  readonly root: string;

  constructor(root: string) {
    super();
    this.root = resolve(root);
    this.description = `files under ${this.root}`;
  }

  async write(path: string, bytes: Uint8Array): Promise<StoredFile> {
    const target = this.absolute(path);
    const directory = dirname(target);
    const firstCreated = await mkdir(directory, { recursive: true, mode: 0o750 });
    if (firstCreated !== undefined) {
      // Each directory made here is an entry of its parent: sync the parents, from the one that already existed down.
      const parents: string[] = [];
      for (let made = directory; made !== dirname(firstCreated); made = dirname(made)) parents.unshift(dirname(made));
      for (const parent of parents) await syncDirectory(parent);
    }
    const temporary = `${target}.${randomUUID()}.tmp`;
    const handle = await open(temporary, 'wx', 0o640);
    try {
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    await syncDirectory(directory);
    return { path, size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  async read(path: string): Promise<Buffer> {
    try {
      return await readFile(this.absolute(path));
    } catch (error) {
      throw isMissing(error) ? new StoredFileMissingError(path) : error;
    }
  }

  async open(path: string): Promise<StoredFileStream> {
    let handle;
    try {
      handle = await open(this.absolute(path), 'r');
    } catch (error) {
      throw isMissing(error) ? new StoredFileMissingError(path) : error;
    }
    try {
      const { size } = await handle.stat();
      return { size, stream: handle.createReadStream({ autoClose: true }) };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async remove(path: string): Promise<void> {
    await rm(this.absolute(path), { force: true });
  }

  /** The files directory exists (or can be made) and is writable. */
  async check(): Promise<boolean> {
    await mkdir(this.root, { recursive: true, mode: 0o750 });
    await access(this.root, constants.W_OK);
    return true;
  }

  async close(): Promise<void> {}

  /** The absolute path of a storage path, refusing any that would leave the files directory. */
  absolute(path: string): string {
    const target = resolve(join(this.root, checkStoragePath(path)));
    if (!target.startsWith(this.root + sep)) throw new Error(`storage path escapes the files directory: ${path}`);
    return target;
  }
}
