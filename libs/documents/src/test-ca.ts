import { createHash, createPrivateKey, generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

import {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  integer,
  namedBits,
  nullValue,
  octetString,
  oid,
  printableString,
  sequence,
  setOf,
  toPem,
  utf8String,
  x509Time,
  type Der,
} from './der.ts';
import type { SigningIdentity } from './signing-identity.ts';
import { certificateFromPem, parseCertificate, subjectPublicKeyBits } from './x509.ts';

const generateKeyPairAsync = promisify(generateKeyPair);

/** A certification authority's own certificate and key, as PEM. */
export interface CertificateAuthority {
  certificatePem: string;
  privateKeyPem: string;
}

/** RSA 2048 (what Vietnamese public CAs issue; the default) or ECDSA P-256 (smaller, faster signatures). */
export type KeyAlgorithm = 'rsa-2048' | 'ecdsa-p256';

export interface TestCaOptions {
  /** Default 3650 days. */
  validDays?: number;
  keyAlgorithm?: KeyAlgorithm;
  organization?: string;
  /** Start of validity; default now (less an hour, for clock skew). */
  notBefore?: Date;
}

export interface CertificateRequest {
  commonName: string;
  organization: string;
  /** An organisation's seal certificate or a person's own. */
  kind: 'organisation' | 'person';
  validDays: number;
  keyAlgorithm?: KeyAlgorithm;
  /**
   * Tax code of an organisation or citizen ID number of a person: written as the subject's UID the way Vietnamese CAs
   * do (`MST:…` for an organisation, `CCCD:…` for a person).
   */
  identifier?: string;
  email?: string;
  /** Start of validity; default now (less an hour, for clock skew). */
  notBefore?: Date;
}

const OID = {
  commonName: '2.5.4.3',
  country: '2.5.4.6',
  organization: '2.5.4.10',
  uid: '0.9.2342.19200300.100.1.1',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  // id-kp-documentSigning, RFC 9336
  documentSigning: '1.3.6.1.5.5.7.3.36',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

const KeyUsageBit = { digitalSignature: 0, nonRepudiation: 1, keyCertSign: 5, cRLSign: 6 } as const;

const DAY_MS = 86_400_000;

/**
 * Creates a self-signed certification authority for development and tests (never for production: production keys
 * come from a public CA through configuration, see loadSigningIdentity).
 */
export async function createTestCa(commonName: string, options: TestCaOptions = {}): Promise<CertificateAuthority> {
  const keys = await generateKeys(options.keyAlgorithm ?? 'rsa-2048');
  const spki = new Uint8Array(keys.publicKey.export({ type: 'spki', format: 'der' }));
  const name = distinguishedName({ commonName, organization: options.organization ?? commonName });
  const keyId = keyIdentifier(spki);
  const certificate = signCertificate({
    issuerKey: keys.privateKey,
    issuer: name,
    subject: name,
    subjectPublicKeyInfo: spki,
    ...validity(options.notBefore, options.validDays ?? 3650),
    extensions: [
      extension(OID.basicConstraints, true, sequence(boolean(true))),
      extension(
        OID.keyUsage,
        true,
        namedBits([KeyUsageBit.digitalSignature, KeyUsageBit.keyCertSign, KeyUsageBit.cRLSign]),
      ),
      extension(OID.subjectKeyIdentifier, false, octetString(keyId)),
      extension(OID.authorityKeyIdentifier, false, sequence(implicitPrimitive(0, keyId))),
    ],
  });
  return {
    certificatePem: toPem('CERTIFICATE', certificate),
    privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/**
 * Issues a signing certificate under `ca`: keyUsage digitalSignature + nonRepudiation, extendedKeyUsage
 * emailProtection + documentSigning — what PDF verifiers (NSS in poppler, Adobe) accept for document signatures.
 */
export async function issueCertificate(
  ca: CertificateAuthority,
  request: CertificateRequest,
): Promise<SigningIdentity> {
  const caCertificate = parseCertificate(certificateFromPem(ca.certificatePem));
  const caKey = createPrivateKey(ca.privateKeyPem);
  const keys = await generateKeys(request.keyAlgorithm ?? 'rsa-2048');
  const spki = new Uint8Array(keys.publicKey.export({ type: 'spki', format: 'der' }));
  const extensions = [
    extension(OID.basicConstraints, true, sequence()),
    extension(OID.keyUsage, true, namedBits([KeyUsageBit.digitalSignature, KeyUsageBit.nonRepudiation])),
    extension(OID.extKeyUsage, false, sequence(oid(OID.emailProtection), oid(OID.documentSigning))),
    extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spki))),
    extension(
      OID.authorityKeyIdentifier,
      false,
      sequence(implicitPrimitive(0, keyIdentifier(caCertificate.subjectPublicKeyInfo))),
    ),
  ];
  if (request.email) {
    // rfc822Name [1] IMPLICIT IA5String
    extensions.push(
      extension(OID.subjectAltName, false, sequence(implicitPrimitive(1, Buffer.from(request.email, 'latin1')))),
    );
  }
  const certificate = signCertificate({
    issuerKey: caKey,
    issuer: caCertificate.subject,
    subject: distinguishedName({
      commonName: request.commonName,
      organization: request.organization,
      uid: request.identifier && `${request.kind === 'person' ? 'CCCD' : 'MST'}:${request.identifier}`,
    }),
    subjectPublicKeyInfo: spki,
    ...validity(request.notBefore, request.validDays),
    extensions,
  });
  return {
    privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: toPem('CERTIFICATE', certificate),
    chainPem: [ca.certificatePem],
  };
}

async function generateKeys(algorithm: KeyAlgorithm): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  switch (algorithm) {
    case 'rsa-2048':
      return generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
    case 'ecdsa-p256':
      return generateKeyPairAsync('ec', { namedCurve: 'prime256v1' });
  }
}

function distinguishedName(parts: { commonName: string; organization: string; uid?: string }): Der {
  const rdn = (type: string, value: Der) => setOf([sequence(oid(type), value)]);
  const rdns = [rdn(OID.country, printableString('VN')), rdn(OID.organization, utf8String(parts.organization))];
  rdns.push(rdn(OID.commonName, utf8String(parts.commonName)));
  if (parts.uid) rdns.push(rdn(OID.uid, utf8String(parts.uid)));
  return sequence(...rdns);
}

function extension(id: string, critical: boolean, value: Der): Der {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

// RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits.
function keyIdentifier(subjectPublicKeyInfo: Uint8Array): Uint8Array {
  return createHash('sha1').update(subjectPublicKeyBits(subjectPublicKeyInfo)).digest();
}

function validity(notBefore: Date | undefined, validDays: number): { notBefore: Date; notAfter: Date } {
  if (!(validDays > 0)) throw new RangeError(`certificate: validDays must be positive, got ${validDays}`);
  const start = notBefore ?? new Date(Date.now() - 3_600_000);
  return { notBefore: start, notAfter: new Date(start.getTime() + validDays * DAY_MS) };
}

function signatureAlgorithm(key: KeyObject): Der {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return sequence(oid(OID.sha256WithRSAEncryption), nullValue());
    case 'ec':
      return sequence(oid(OID.ecdsaWithSha256));
    default:
      throw new Error(`certificate: unsupported issuer key type ${key.asymmetricKeyType}`);
  }
}

function signCertificate(parts: {
  issuerKey: KeyObject;
  issuer: Der;
  subject: Der;
  subjectPublicKeyInfo: Der;
  notBefore: Date;
  notAfter: Date;
  extensions: Der[];
}): Uint8Array {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40; // positive and exactly 16 bytes
  const algorithm = signatureAlgorithm(parts.issuerKey);
  const tbs = sequence(
    explicit(0, integer(2)), // v3
    integer(serial),
    algorithm,
    parts.issuer,
    sequence(x509Time(parts.notBefore), x509Time(parts.notAfter)),
    parts.subject,
    parts.subjectPublicKeyInfo,
    explicit(3, sequence(...parts.extensions)),
  );
  const signature = sign('sha256', tbs, parts.issuerKey);
  return sequence(tbs, algorithm, bitString(signature));
}
