import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { CONFIG } from '../config/config.module.ts';
import type { MotcuaConfig } from '../config/config.ts';

export interface StoredFile {
  /** Relative to `<data dir>/files`, with forward slashes. */
  path: string;
  size: number;
  sha256: string;
}

/**
 * Dossier files under `<data dir>/files` (production: the same layout on a mounted volume or an object store).
 * Paths are made by the server, never taken from a request; a write goes to a temporary name first, then is renamed,
 * so a file is either whole or absent.
 */
@Injectable()
export class AttachmentStorage {
  readonly root: string;

  constructor(@Inject(CONFIG) config: MotcuaConfig) {
    this.root = resolve(config.dataDir, 'files');
  }

  async write(relativePath: string, bytes: Uint8Array): Promise<StoredFile> {
    const target = this.absolute(relativePath);
    await mkdir(dirname(target), { recursive: true, mode: 0o750 });
    const temporary = `${target}.${randomUUID()}.tmp`;
    await writeFile(temporary, bytes, { mode: 0o640 });
    await rename(temporary, target);
    return { path: relativePath, size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  read(relativePath: string): Promise<Buffer> {
    return readFile(this.absolute(relativePath));
  }

  async remove(relativePath: string): Promise<void> {
    await rm(this.absolute(relativePath), { force: true });
  }

  absolute(relativePath: string): string {
    const target = resolve(join(this.root, relativePath));
    if (!target.startsWith(this.root + sep))
      throw new Error(`storage path escapes the files directory: ${relativePath}`);
    return target;
  }
}
