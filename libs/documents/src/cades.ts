// CMS SignedData (RFC 5652) in the CAdES form that PAdES baseline-B requires (ETSI EN 319 142-1 §6.3): detached
// content, SHA-256, signed attributes content-type, message-digest and signing-certificate-v2 (RFC 5035), and no
// signing-time attribute (the time goes in the signature dictionary's /M). Signed with Node's native crypto.

import { createHash, createPrivateKey, sign, type KeyObject } from 'node:crypto';

import {
  explicit,
  implicitConstructed,
  integer,
  nullValue,
  octetString,
  oid,
  sequence,
  setOf,
  tlv,
  type Der,
} from './der.ts';
import { assertKeyMatchesCertificate, type SigningIdentity } from './signing-identity.ts';
import { certificateFromPem, certificatesFromPem, parseCertificate } from './x509.ts';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

/** A signing identity parsed once: the key object and every constant part of the SignedData, pre-encoded. */
export interface CadesSigner {
  readonly key: KeyObject;
  /** The signer's certificate followed by its chain, DER. */
  readonly certificates: readonly Uint8Array[];
  /** Upper bound of the DER SignedData length, for sizing the PDF placeholder. */
  readonly maxSignatureLength: number;
  readonly parts: {
    sid: Der;
    signatureAlgorithm: Der;
    contentTypeAttribute: Der;
    signingCertificateV2Attribute: Der;
    certificateSet: Der;
  };
}

export function prepareCadesSigner(identity: SigningIdentity): CadesSigner {
  const key = createPrivateKey(identity.privateKeyPem);
  assertKeyMatchesCertificate(key, identity.certificatePem);
  const leaf = parseCertificate(certificateFromPem(identity.certificatePem));
  const chain = identity.chainPem.flatMap((pem) => certificatesFromPem(pem));
  const certificates = [leaf.der, ...chain];

  const essCertIdV2 = sequence(
    // hashAlgorithm DEFAULT sha256 is omitted, as DER requires
    octetString(createHash('sha256').update(leaf.der).digest()),
    // IssuerSerial: issuer GeneralNames = [ directoryName [4] EXPLICIT Name ]
    sequence(sequence(explicit(4, leaf.issuer)), leaf.serialNumber),
  );
  const parts: CadesSigner['parts'] = {
    sid: sequence(leaf.issuer, leaf.serialNumber),
    signatureAlgorithm: signerInfoAlgorithm(key),
    contentTypeAttribute: sequence(oid(OID.contentType), setOf([oid(OID.data)])),
    signingCertificateV2Attribute: sequence(oid(OID.signingCertificateV2), setOf([sequence(sequence(essCertIdV2))])),
    // CMS is BER: the signer's certificate first helps simple verifiers; DER order is only required for signedAttrs
    certificateSet: implicitConstructed(0, certificates),
  };
  const signer = { key, certificates, parts, maxSignatureLength: 0 };
  const longest = assemble(signer, new Uint8Array(32), new Uint8Array(maxRawSignatureLength(key)));
  return { ...signer, maxSignatureLength: longest.length };
}

/**
 * A detached CAdES SignedData over content whose SHA-256 is `contentDigest`, DER-encoded (the /Contents of a PDF
 * signature with /SubFilter /ETSI.CAdES.detached).
 */
export function cadesDetachedSignature(signer: CadesSigner, contentDigest: Uint8Array): Uint8Array {
  if (contentDigest.length !== 32) throw new Error('CAdES: the content digest must be a SHA-256 digest');
  const signedAttributes = signedAttributesSet(signer, contentDigest);
  // RSA: PKCS#1 v1.5; ECDSA: DER-encoded (r, s), as CMS wants
  const signature = sign('sha256', signedAttributes, signer.key);
  return assemble(signer, contentDigest, signature);
}

function signedAttributesSet(signer: Pick<CadesSigner, 'parts'>, contentDigest: Uint8Array): Der {
  const messageDigest = sequence(oid(OID.messageDigest), setOf([octetString(contentDigest)]));
  // The signature covers the attributes as a DER SET OF (tag 0x31); in SignerInfo they sit under [0] IMPLICIT.
  return setOf([signer.parts.contentTypeAttribute, messageDigest, signer.parts.signingCertificateV2Attribute]);
}

function assemble(signer: Pick<CadesSigner, 'parts'>, contentDigest: Uint8Array, signature: Uint8Array): Der {
  const { parts } = signer;
  const signedAttributes = signedAttributesSet(signer, contentDigest);
  const signerInfo = sequence(
    integer(1), // version 1: sid is issuerAndSerialNumber
    parts.sid,
    digestAlgorithm(),
    tlv(0xa0, signedAttributes.subarray(headerLength(signedAttributes))),
    parts.signatureAlgorithm,
    octetString(signature),
  );
  const signedData = sequence(
    integer(1),
    setOf([digestAlgorithm()]),
    sequence(oid(OID.data)), // detached: no eContent
    parts.certificateSet,
    setOf([signerInfo]),
  );
  return sequence(oid(OID.signedData), explicit(0, signedData));
}

// RFC 5754: parameters absent for SHA-2 digest algorithm identifiers.
const digestAlgorithm = (): Der => sequence(oid(OID.sha256));

function headerLength(element: Uint8Array): number {
  const first = element[1]!;
  return first & 0x80 ? 2 + (first & 0x7f) : 2;
}

function signerInfoAlgorithm(key: KeyObject): Der {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return sequence(oid(OID.rsaEncryption), nullValue());
    case 'ec':
      return sequence(oid(OID.ecdsaWithSha256));
    default:
      throw new Error(`CAdES: unsupported key type ${key.asymmetricKeyType} (RSA or ECDSA expected)`);
  }
}

function maxRawSignatureLength(key: KeyObject): number {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return Math.ceil((details.modulusLength ?? 4096) / 8);
  // ECDSA DER: SEQUENCE { INTEGER r, INTEGER s }, each at most the field size plus a sign byte
  const fieldBytes = { prime256v1: 32, secp384r1: 48, secp521r1: 66 }[details.namedCurve ?? ''] ?? 66;
  const integerLength = fieldBytes + 1 + 2;
  return 2 * integerLength + (2 * integerLength >= 128 ? 3 : 2);
}
