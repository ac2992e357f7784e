import type { Readable } from 'node:stream';

export interface StoredFile {
  /** The file's storage path (object key in S3, relative to `<data dir>/files` on the filesystem), forward slashes. */
  path: string;
  size: number;
  sha256: string;
}

/** A stored file opened for a download: its size (for Content-Length) and its bytes as a stream. */
export interface StoredFileStream {
  size: number;
  stream: Readable;
}

/** The store has no file at that path (the row that names it outlived it): the download endpoints answer 404. */
export class StoredFileMissingError extends Error {
  constructor(readonly path: string) {
    super(`stored file ${path} is missing`);
    this.name = 'StoredFileMissingError';
  }
}

/**
 * Where dossier files live — citizens' attachments and signed result PDFs: under `<data dir>/files` by default
 * (FilesystemStorage), or in an S3-compatible bucket with MOTCUA_FILES_S3_ENDPOINT (S3Storage), so that separate api
 * and workers containers share them. Nothing else touches dossier files. Paths are made by the server, never taken
 * from a request, and are the same in both stores (`dossiers/<dossier id>/<attachment id>`). A write is whole or
 * absent, and durable once it resolves: the row naming the file is committed after it.
 *
 * Also the Nest injection token (`@Inject(AttachmentStorage)`); openAttachmentStorage() (storage-backends.ts) makes
 * the configured one.
 */
export abstract class AttachmentStorage {
  /** What and where, for logs and errors (never a credential). */
  abstract readonly description: string;

  abstract write(path: string, bytes: Uint8Array): Promise<StoredFile>;

  /** The whole file; StoredFileMissingError when there is none. */
  abstract read(path: string): Promise<Buffer>;

  /** The file as a stream, for a download; StoredFileMissingError (before any byte) when there is none. */
  abstract open(path: string): Promise<StoredFileStream>;

  /** Removes the file; no error when it is already gone. */
  abstract remove(path: string): Promise<void>;

  /** Readiness: whether the store answers (the bucket exists and the credentials are accepted). */
  abstract check(): Promise<boolean>;

  abstract close(): Promise<void>;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Refuses a path that is not `segment/segment/...` of safe characters (no `..`, no leading slash, no backslash). */
export function checkStoragePath(path: string): string {
  const segments = path.split('/');
  if (path.length > 500 || !segments.every((segment) => SEGMENT.test(segment) && !segment.includes('..'))) {
    throw new Error(`invalid storage path: ${JSON.stringify(path)}`);
  }
  return path;
}
