import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import type { S3FilesConfig } from '../src/config/config.ts';
import { StoredFileMissingError } from '../src/dossiers/attachment-storage.ts';
import type { AttachmentStorage } from '../src/dossiers/attachment-storage.ts';
import { FilesystemStorage } from '../src/dossiers/filesystem-storage.ts';
import { S3Storage } from '../src/dossiers/s3-storage.ts';
import { openAttachmentStorage } from '../src/dossiers/storage-backends.ts';
import { HOUSEHOLD_BUSINESS, KINH_BAC, householdBusinessForm } from './support/dossier-journey.ts';
import { startS3Server } from './support/s3-server.ts';
import type { TestS3Server } from './support/s3-server.ts';
import { startTestServer, testServerDatabases } from './support/test-server.ts';
import type { TestServer } from './support/test-server.ts';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The error a promise rejects with (the test fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  expect.fail('expected a rejection');
}

async function streamed(storage: AttachmentStorage, path: string): Promise<{ size: number; bytes: Buffer }> {
  const { size, stream } = await storage.open(path);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return { size, bytes: Buffer.concat(chunks) };
}

/** What both stores promise, through the one interface the server uses. */
function behavesAsAFilesStore(open: () => Promise<AttachmentStorage>): void {
  let storage: AttachmentStorage;
  before(async () => (storage = await open()));
  after(() => storage?.close());

  it('writes, reads (whole and streamed) and removes a file, reporting its size and SHA-256', async () => {
    const bytes = randomBytes(300_000);
    const path = `dossiers/${randomBytes(8).toString('hex')}/result-1.pdf`;
    const stored = await storage.write(path, bytes);
    expect(stored).to.deep.equal({ path, size: bytes.length, sha256: sha256(bytes) });
    expect(Buffer.compare(await storage.read(path), bytes)).to.equal(0);
    const { size, bytes: again } = await streamed(storage, path);
    expect(size).to.equal(bytes.length);
    expect(Buffer.compare(again, bytes)).to.equal(0);
    await storage.remove(path);
    await storage.remove(path); // already gone: no error
    expect(await rejection(storage.read(path))).to.be.instanceOf(StoredFileMissingError);
  });

  it('replaces a file written again under the same path', async () => {
    const path = `dossiers/${randomBytes(8).toString('hex')}/a`;
    await storage.write(path, Buffer.from('first'));
    await storage.write(path, Buffer.from('second, longer'));
    expect((await storage.read(path)).toString()).to.equal('second, longer');
  });

  it('reports a missing file as StoredFileMissingError, before any byte of a download', async () => {
    for (const attempt of [() => storage.read('dossiers/none/x'), () => storage.open('dossiers/none/x')]) {
      const error = await rejection(attempt());
      expect(error).to.be.instanceOf(StoredFileMissingError);
      expect((error as StoredFileMissingError).path).to.equal('dossiers/none/x');
    }
  });

  it('refuses paths that are not plain server-made ones', async () => {
    for (const path of ['../x', 'dossiers/../../x', '/etc/passwd', 'dossiers//x', 'a\\b', '']) {
      expect((await rejection(storage.write(path, PDF))).message, path).to.match(/invalid storage path|escapes/);
    }
  });

  it('answers its readiness check', async () => {
    expect(await storage.check()).to.equal(true);
  });
}

describe('the dossier files stores', function () {
  this.timeout(60_000);

  describe('on the filesystem (<data dir>/files, the embedded default)', () => {
    let dataDir: string;
    before(() => (dataDir = mkdtempSync(join(tmpdir(), 'motcua-files-'))));
    after(() => rmSync(dataDir, { recursive: true, force: true }));

    behavesAsAFilesStore(async () => openAttachmentStorage(loadConfig({ MOTCUA_DATA_DIR: dataDir }).files));

    it('is the store when no S3 endpoint is configured', async () => {
      const storage = await openAttachmentStorage(loadConfig({ MOTCUA_DATA_DIR: dataDir }).files);
      expect(storage).to.be.instanceOf(FilesystemStorage);
      expect((storage as FilesystemStorage).root).to.equal(join(dataDir, 'files'));
    });

    it('leaves whole files and no temporary file, even for many writes at once', async () => {
      const storage = new FilesystemStorage(join(dataDir, 'many'));
      const files = Array.from({ length: 40 }, (_, index) => ({
        path: `dossiers/d${index % 4}/f${index}`,
        bytes: randomBytes(1_000 + index * 5_000),
      }));
      await Promise.all(files.map((file) => storage.write(file.path, file.bytes)));
      for (const file of files) {
        expect(sha256(readFileSync(join(dataDir, 'many', file.path))), file.path).to.equal(sha256(file.bytes));
      }
      for (const directory of ['d0', 'd1', 'd2', 'd3']) {
        const names = readdirSync(join(dataDir, 'many', 'dossiers', directory));
        expect(names.filter((name) => name.endsWith('.tmp'))).to.deep.equal([]);
        expect(names).to.have.length(10);
      }
      expect(statSync(join(dataDir, 'many', files[0].path)).mode & 0o777).to.equal(0o640);
    });

    it('removes its temporary file when the rename fails, and leaves the target as it was', async () => {
      const storage = new FilesystemStorage(join(dataDir, 'failing'));
      // a directory where the file should go: the rename over it fails (EISDIR)
      mkdirSync(join(dataDir, 'failing', 'dossiers', 'x', 'taken'), { recursive: true });
      expect((await rejection(storage.write('dossiers/x/taken', PDF))).message).to.match(/EISDIR|EEXIST|ENOTEMPTY/);
      expect(readdirSync(join(dataDir, 'failing', 'dossiers', 'x'))).to.deep.equal(['taken']);
    });
  });

  describe('in S3 (s3rver over HTTP, through the AWS SDK)', () => {
    let s3: TestS3Server;
    before(async () => (s3 = await startS3Server()));
    after(() => s3?.close());

    behavesAsAFilesStore(async () => openAttachmentStorage(loadConfig(s3.env).files));

    it('is the store when MOTCUA_FILES_S3_ENDPOINT is set, and stores nothing under the data dir', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'motcua-files-'));
      try {
        const storage = await openAttachmentStorage(loadConfig({ ...s3.env, MOTCUA_DATA_DIR: dataDir }).files);
        try {
          expect(storage).to.be.instanceOf(S3Storage);
          expect(storage.description).to.equal(`S3 bucket motcua-files at ${s3.endpoint}`);
          await storage.write('dossiers/s/x', PDF);
          expect(existsSync(join(dataDir, 'files'))).to.equal(false);
          const other = await s3.bucketClient();
          expect(Buffer.compare(await other.read('dossiers/s/x'), PDF)).to.equal(0);
          await other.close();
        } finally {
          await storage.close();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('fails its readiness check for a bucket that does not exist or an unknown access key', async () => {
      for (const env of [
        { ...s3.env, MOTCUA_FILES_S3_BUCKET: 'no-such-bucket' },
        { ...s3.env, MOTCUA_FILES_S3_ACCESS_KEY_ID: 'NOT-S3RVER' },
      ]) {
        const storage = await S3Storage.open(loadConfig(env).files as S3FilesConfig);
        try {
          await rejection(storage.check());
          // a missing bucket is not a missing file: a configuration error, not a 404
          expect(await rejection(storage.read('dossiers/a/b'))).not.to.be.instanceOf(StoredFileMissingError);
        } finally {
          await storage.close();
        }
      }
    });
  });
});

for (const { name, env } of testServerDatabases()) {
  describe(`dossier files over HTTP with the files in S3 on ${name}`, function () {
    this.timeout(120_000);
    let s3: TestS3Server;
    let server: TestServer;
    let bucket: S3Storage;
    before(async () => {
      s3 = await startS3Server();
      server = await startTestServer({ ...env, ...s3.env });
      bucket = await s3.bucketClient();
    });
    after(async () => {
      await bucket?.close();
      await server?.close();
      await s3?.close();
    });

    it('stores the uploaded attachments in the bucket under the dossier, and downloads them from there', async () => {
      // given: a citizen's submission with two attachments
      const citizen = await server.login('citizen.an');
      const form = new FormData();
      form.append('serviceCode', HOUSEHOLD_BUSINESS);
      form.append('receivingAgencyCode', KINH_BAC);
      form.append('form', JSON.stringify(householdBusinessForm()));
      const scan = Buffer.concat([PDF, randomBytes(2_000)]);
      form.append('application-form', new Blob([scan], { type: 'application/pdf' }), 'don.pdf');
      const submitted = await server.request('POST', '/api/dossiers', { token: citizen, body: form });
      expect(submitted.status, JSON.stringify(submitted.body)).to.equal(201);
      const id = submitted.body.id as string;
      const [attachment] = submitted.body.attachments as { id: string; sha256: string; size: number }[];
      expect(attachment).to.include({ sha256: sha256(scan), size: scan.length });

      // then: the object is in the bucket under the same key as on the filesystem, nothing under the data dir
      const key = `dossiers/${id}/${attachment.id}`;
      expect(Buffer.compare(await bucket.read(key), scan)).to.equal(0);
      expect(existsSync(join(server.dataDir, 'files'))).to.equal(false);

      // and: the download streams it back
      const download = await server.request('GET', `/api/dossiers/${id}/attachments/${attachment.id}`, {
        token: citizen,
      });
      expect(download.status).to.equal(200);
      expect(download.headers.get('content-length')).to.equal(String(scan.length));
      expect(Buffer.compare(download.body as Buffer, scan)).to.equal(0);

      // when: the object is gone from the bucket (the row outlived it)
      await bucket.remove(key);

      // then: 404, not 500
      const missing = await server.request('GET', `/api/dossiers/${id}/attachments/${attachment.id}`, {
        token: citizen,
      });
      expect(missing.status, JSON.stringify(missing.body)).to.equal(404);
      expect(missing.body.error).to.equal('NOT_FOUND');
    });

    it('reports the store in /api/health, and 503 when it does not answer', async () => {
      const healthy = await server.request('GET', '/api/health');
      expect(healthy.status).to.equal(200);
      expect(healthy.body.checks).to.include({ files: true });

      // (on SQLite: a second server on the shared MySQL test database would drop the first one's tables)
      const other = await startS3Server('other-bucket');
      const stopped = await startTestServer(other.env);
      try {
        await other.close();
        const unavailable = await stopped.request('GET', '/api/health');
        expect(unavailable.status).to.equal(503);
        expect(unavailable.body.checks).to.include({ database: true, files: false });
      } finally {
        await stopped.close();
      }
    });
  });
}
