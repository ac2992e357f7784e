import { childrenOf, fromPem, readElement, Tag } from './der.ts';

/** The parts of an X.509 certificate that CMS and certificate issuance need, as raw DER. */
export interface ParsedCertificate {
  der: Uint8Array;
  /** The serialNumber INTEGER element, whole. */
  serialNumber: Uint8Array;
  /** The issuer Name element, whole. */
  issuer: Uint8Array;
  /** The subject Name element, whole. */
  subject: Uint8Array;
  /** The SubjectPublicKeyInfo element, whole. */
  subjectPublicKeyInfo: Uint8Array;
}

export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const certificate = readElement(der);
  if (certificate.tag !== Tag.sequence || certificate.bytes.length !== der.length) {
    throw new Error('certificate: not a DER X.509 certificate');
  }
  const [tbs] = childrenOf(certificate);
  if (!tbs || tbs.tag !== Tag.sequence) throw new Error('certificate: no TBSCertificate');
  const fields = childrenOf(tbs);
  // version is [0] EXPLICIT and optional (absent means v1)
  const at = fields[0]?.tag === 0xa0 ? 1 : 0;
  const [serialNumber, , issuer, , subject, subjectPublicKeyInfo] = fields.slice(at);
  if (serialNumber?.tag !== Tag.integer || issuer?.tag !== Tag.sequence || subject?.tag !== Tag.sequence) {
    throw new Error('certificate: malformed TBSCertificate');
  }
  if (subjectPublicKeyInfo?.tag !== Tag.sequence) throw new Error('certificate: no SubjectPublicKeyInfo');
  return {
    der,
    serialNumber: serialNumber.bytes,
    issuer: issuer.bytes,
    subject: subject.bytes,
    subjectPublicKeyInfo: subjectPublicKeyInfo.bytes,
  };
}

/** The DER of every CERTIFICATE block in a PEM text, in order. */
export function certificatesFromPem(pem: string): Uint8Array[] {
  return fromPem('CERTIFICATE', pem);
}

/** The DER of the single certificate in a PEM text. */
export function certificateFromPem(pem: string): Uint8Array {
  const [der, ...rest] = certificatesFromPem(pem);
  if (!der) throw new Error('certificate: no PEM CERTIFICATE block');
  if (rest.length) throw new Error('certificate: expected one certificate, found several');
  return der;
}

/** The subjectPublicKey bits (without the unused-bits byte) of a SubjectPublicKeyInfo. */
export function subjectPublicKeyBits(subjectPublicKeyInfo: Uint8Array): Uint8Array {
  const [, key] = childrenOf(readElement(subjectPublicKeyInfo));
  if (key?.tag !== Tag.bitString) throw new Error('certificate: malformed SubjectPublicKeyInfo');
  return key.content.subarray(1);
}
