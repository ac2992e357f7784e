import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Another live process holds the directory. */
export class DataDirLockedError extends Error {}

/**
 * One owner per directory: a lock file holding the owner's pid. A lock whose owner is dead
 * (after kill -9) is taken over. Returns the function that releases it.
 */
export function lockDirectory(dir: string, fileName: string, owner: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, fileName);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(path, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new DataDirLockedError(
          `data dir ${dir} is in use by another ${owner} (pid ${pid}); stop it first or choose another data dir`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new DataDirLockedError(`could not lock data dir ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
