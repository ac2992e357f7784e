import type { FilesConfig } from '../config/config.ts';
import type { AttachmentStorage } from './attachment-storage.ts';
import { FilesystemStorage } from './filesystem-storage.ts';

/**
 * The dossier files store the configuration names: `<data dir>/files`, or the S3 bucket of MOTCUA_FILES_S3_ENDPOINT.
 * The S3 store (and with it the AWS SDK) is imported only then, so the embedded default starts no slower.
 */
export async function openAttachmentStorage(config: FilesConfig): Promise<AttachmentStorage> {
  if (config.type === 'filesystem') return new FilesystemStorage(config.root);
  const { S3Storage } = await import('./s3-storage.ts');
  return S3Storage.open(config);
}
