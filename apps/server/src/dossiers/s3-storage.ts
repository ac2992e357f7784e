import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3FilesConfig } from '../config/config.ts';
import { AttachmentStorage, checkStoragePath, StoredFileMissingError } from './attachment-storage.ts';
import type { StoredFile, StoredFileStream } from './attachment-storage.ts';

type Sdk = typeof import('@aws-sdk/client-s3');

/** How long the readiness check waits for the store. */
const CHECK_TIMEOUT_MS = 5_000;

/** A GetObject that found no object (not a missing bucket, which is a configuration problem: 500, not 404). */
function isMissingObject(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NoSuchKey' || (name !== 'NoSuchBucket' && $metadata?.httpStatusCode === 404);
}

/**
 * Dossier files in an S3-compatible bucket (MOTCUA_FILES_S3_*), under the same keys as the filesystem paths. The AWS
 * SDK is imported only here, and this module only when S3 is configured (openAttachmentStorage), so the embedded
 * default loads none of it. A PUT is whole or absent (S3 semantics) and carries Content-MD5, so the store refuses a
 * body damaged on the way; the object is durable once the store answered.
 */
export class S3Storage extends AttachmentStorage {
  readonly description: string;

  private constructor(
    private readonly sdk: Sdk,
    private readonly client: S3Client,
    private readonly bucket: string,
    endpoint: string,
  ) {
    super();
    this.description = `S3 bucket ${bucket} at ${endpoint}`;
  }

  static async open(config: S3FilesConfig): Promise<S3Storage> {
    const sdk = await import('@aws-sdk/client-s3');
    const client = new sdk.S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      ...(config.credentials
        ? {
            credentials: {
              accessKeyId: config.credentials.accessKeyId,
              secretAccessKey: config.credentials.secretAccessKey,
            },
          }
        : {}),
      // Checksums only where the S3 API requires them: the SDK's default (CRC32 on every request and response since
      // 2025) is refused by older MinIO and by other S3-compatible stores; integrity comes from Content-MD5 here.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // The SDK waits forever by default: give up on a store that does not connect or stops sending.
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    });
    return new S3Storage(sdk, client, config.bucket, config.endpoint);
  }

  async write(path: string, bytes: Uint8Array): Promise<StoredFile> {
    await this.client.send(
      new this.sdk.PutObjectCommand({
        Bucket: this.bucket,
        Key: checkStoragePath(path),
        Body: bytes,
        ContentLength: bytes.byteLength,
        ContentMD5: createHash('md5').update(bytes).digest('base64'),
      }),
    );
    return { path, size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  async read(path: string): Promise<Buffer> {
    const object = await this.get(path);
    return Buffer.from(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  }

  async open(path: string): Promise<StoredFileStream> {
    const object = await this.get(path);
    return { size: Number(object.ContentLength ?? 0), stream: object.Body as Readable };
  }

  async remove(path: string): Promise<void> {
    await this.client.send(new this.sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: checkStoragePath(path) }));
  }

  async check(): Promise<boolean> {
    await this.client.send(new this.sdk.HeadBucketCommand({ Bucket: this.bucket }), {
      abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    return true;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async get(path: string) {
    try {
      return await this.client.send(
        new this.sdk.GetObjectCommand({ Bucket: this.bucket, Key: checkStoragePath(path) }),
      );
    } catch (error) {
      throw isMissingObject(error) ? new StoredFileMissingError(path) : error;
    }
  }
}
