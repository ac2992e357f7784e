import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { toPem } from './der.ts';
import { certificatesFromPem } from './x509.ts';

/**
 * A signer's key and certificate, as PEM text: `certificatePem` is the signer's own certificate, `chainPem` the
 * certificates above it (intermediates, optionally the root), nearest first. These go into every signature so that a
 * verifier can build the path to a trusted root.
 */
export interface SigningIdentity {
  privateKeyPem: string;
  certificatePem: string;
  chainPem: string[];
}

export interface SigningIdentityFiles {
  /** PEM private key (PKCS#8, PKCS#1 or SEC1). */
  keyPath: string;
  /** PEM certificate of the signer; further certificates in the same file are taken as its chain. */
  certPath: string;
  /** PEM files with the chain (intermediates, optionally the root), nearest first. */
  chainPaths?: string[];
  /** Passphrase of an encrypted private key. */
  passphrase?: string;
}

/**
 * Reads a signing identity from PEM files — how production keys come from configuration. Checks that the key belongs
 * to the certificate, so a mismatched pair fails here rather than as an invalid signature later.
 */
export async function loadSigningIdentity(files: SigningIdentityFiles): Promise<SigningIdentity> {
  const [keyPem, certPem, ...chainPems] = await Promise.all(
    [files.keyPath, files.certPath, ...(files.chainPaths ?? [])].map((path) => readFile(path, 'utf8')),
  );
  const key = createPrivateKey({ key: keyPem!, format: 'pem', passphrase: files.passphrase });
  const [leaf, ...bundled] = certificatesFromPem(certPem!);
  if (!leaf) throw new Error(`signing identity: no PEM certificate in ${files.certPath}`);
  const chain = [
    ...bundled,
    ...chainPems.flatMap((pem, i) => nonEmpty(certificatesFromPem(pem), files.chainPaths![i]!)),
  ];
  const identity: SigningIdentity = {
    privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: toPem('CERTIFICATE', leaf),
    chainPem: chain.map((der) => toPem('CERTIFICATE', der)),
  };
  assertKeyMatchesCertificate(key, identity.certificatePem);
  return identity;
}

function nonEmpty(certificates: Uint8Array[], path: string): Uint8Array[] {
  if (certificates.length === 0) throw new Error(`signing identity: no PEM certificate in ${path}`);
  return certificates;
}

export function assertKeyMatchesCertificate(key: KeyObject, certificatePem: string): void {
  const fromKey = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const fromCertificate = createPublicKey(certificatePem).export({ type: 'spki', format: 'der' });
  if (!fromKey.equals(fromCertificate)) {
    throw new Error('signing identity: the private key does not belong to the certificate');
  }
}
