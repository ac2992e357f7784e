import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { loadConfig } from '../../src/config/config.ts';
import type { S3FilesConfig } from '../../src/config/config.ts';
import { S3Storage } from '../../src/dossiers/s3-storage.ts';

/**
 * s3rver's built-in account: it refuses another access key id (InvalidAccessKeyId), but it does not verify SigV4
 * signatures, so a wrong secret key goes unnoticed here (a real store refuses it: SignatureDoesNotMatch).
 */
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';

export interface TestS3Server {
  endpoint: string;
  bucket: string;
  /** The MOTCUA_FILES_S3_* settings of a server whose files go to this bucket. */
  env: Record<string, string>;
  /** Another client of the same bucket, to see what the server stored (real S3 requests too). */
  bucketClient(): Promise<S3Storage>;
  close(): Promise<void>;
}

/**
 * A real S3-protocol server (s3rver, in this process, its objects in a temporary folder) on a free port, with one
 * bucket: motcua's S3 store talks to it over HTTP with the AWS SDK. No mock.
 */
export async function startS3Server(bucket = 'motcua-files'): Promise<TestS3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'motcua-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const env = {
    MOTCUA_FILES_S3_ENDPOINT: endpoint,
    MOTCUA_FILES_S3_BUCKET: bucket,
    MOTCUA_FILES_S3_ACCESS_KEY_ID: ACCESS_KEY_ID,
    MOTCUA_FILES_S3_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
  };
  return {
    endpoint,
    bucket,
    env,
    bucketClient: () => S3Storage.open(loadConfig(env).files as S3FilesConfig),
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
