import { Inject, Injectable } from '@nestjs/common';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTestCa, issueCertificate, loadSigningIdentity } from '@motcua/documents';
import type { SigningIdentity } from '@motcua/documents';
import { CONFIG } from '../config/config.module.ts';
import type { MotcuaConfig } from '../config/config.ts';

/** File names of the local test CA and the organisation's key under `<data dir>/keys`. */
export const KEY_FILES = {
  caCertificate: 'test-ca.pem',
  caKey: 'test-ca-key.pem',
  certificate: 'organisation.pem',
  key: 'organisation-key.pem',
} as const;

/**
 * The organisation's signing identity (its seal certificate and key). Production: MOTCUA_SIGNING_KEY / _CERT /
 * _CHAIN (PEM files). Otherwise, on first start, a local test CA and an organisation key issued by it are generated
 * under `<data dir>/keys` (PEM, mode 0600) and reused afterwards; import `test-ca.pem` into a verifier (e.g. an NSS
 * database for poppler's pdfsig) to see the signatures as trusted.
 */
@Injectable()
export class SigningIdentityService {
  private identity?: Promise<SigningIdentity>;

  constructor(@Inject(CONFIG) private readonly config: MotcuaConfig) {}

  get keysDir(): string {
    return join(this.config.dataDir, 'keys');
  }

  /** Loads (or, the first time, creates) the identity; later calls share the first. */
  get(): Promise<SigningIdentity> {
    this.identity ??= this.load();
    this.identity.catch(() => (this.identity = undefined));
    return this.identity;
  }

  private async load(): Promise<SigningIdentity> {
    const { keyPath, certPath, chainPaths } = this.config.signing;
    if (keyPath && certPath) return loadSigningIdentity({ keyPath, certPath, chainPaths });
    const dir = this.keysDir;
    const path = (name: string): string => join(dir, name);
    if (!existsSync(path(KEY_FILES.key)) || !existsSync(path(KEY_FILES.certificate))) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      let ca: { certificatePem: string; privateKeyPem: string };
      if (existsSync(path(KEY_FILES.caCertificate)) && existsSync(path(KEY_FILES.caKey))) {
        ca = {
          certificatePem: await readFile(path(KEY_FILES.caCertificate), 'utf8'),
          privateKeyPem: await readFile(path(KEY_FILES.caKey), 'utf8'),
        };
      } else {
        ca = await createTestCa('motcua Test CA (không dùng cho sản xuất / not for production)', {
          organization: 'motcua',
        });
        await writePrivate(path(KEY_FILES.caKey), ca.privateKeyPem);
        await writePrivate(path(KEY_FILES.caCertificate), ca.certificatePem);
      }
      const issued = await issueCertificate(ca, {
        commonName: 'motcua - con dấu cơ quan (thử nghiệm) / organisation seal (test)',
        organization: 'motcua',
        kind: 'organisation',
        validDays: 3650,
      });
      // The key first: a certificate without its key is never left behind as "present".
      await writePrivate(path(KEY_FILES.key), issued.privateKeyPem);
      await writePrivate(path(KEY_FILES.certificate), issued.certificatePem);
    }
    return loadSigningIdentity({
      keyPath: path(KEY_FILES.key),
      certPath: path(KEY_FILES.certificate),
      chainPaths: [path(KEY_FILES.caCertificate)],
    });
  }
}

async function writePrivate(target: string, text: string): Promise<void> {
  const temporary = `${target}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, target);
}
