import { createPrivateKey, X509Certificate } from 'node:crypto';

import { expect } from 'chai';

import { childrenOf, decodeOid, readElement } from './der.ts';
import { createTestCa, issueCertificate, type CertificateAuthority, type KeyAlgorithm } from './test-ca.ts';
import { certificateFromPem } from './x509.ts';

const DAY_MS = 86_400_000;

/** The extensions of a certificate by OID: whether critical, and the DER value. */
function extensionsOf(pem: string): Map<string, { critical: boolean; value: Uint8Array }> {
  const [tbs] = childrenOf(readElement(certificateFromPem(pem)));
  const wrapper = childrenOf(tbs!).find((element) => element.tag === 0xa3)!;
  const extensions = childrenOf(childrenOf(wrapper)[0]!);
  return new Map(
    extensions.map((extension) => {
      const parts = childrenOf(extension);
      const critical = parts.length === 3 && parts[1]!.content[0] === 0xff;
      return [decodeOid(parts[0]!), { critical, value: parts[parts.length - 1]!.content }];
    }),
  );
}

/** KeyUsage named bits that are set (0 digitalSignature, 1 nonRepudiation, 5 keyCertSign, 6 cRLSign). */
function keyUsageBits(value: Uint8Array): number[] {
  const bits = readElement(value).content;
  const set: number[] = [];
  for (let bit = 0; bit < (bits.length - 1) * 8; bit += 1) {
    if (bits[1 + (bit >> 3)]! & (0x80 >> (bit & 7))) set.push(bit);
  }
  return set;
}

describe('test CA', () => {
  for (const keyAlgorithm of ['rsa-2048', 'ecdsa-p256'] as KeyAlgorithm[]) {
    describe(`with ${keyAlgorithm} keys`, () => {
      let ca: CertificateAuthority;
      before(async () => (ca = await createTestCa('motcua Test CA — Sở Khoa học và Công nghệ', { keyAlgorithm })));

      it('createTestCa makes a self-signed CA certificate that may sign certificates', () => {
        // when
        const certificate = new X509Certificate(ca.certificatePem);

        // then
        expect(certificate.ca).to.equal(true);
        expect(certificate.subject).to.include('CN=motcua Test CA — Sở Khoa học và Công nghệ');
        expect(certificate.checkIssued(certificate)).to.equal(true);
        expect(certificate.verify(certificate.publicKey)).to.equal(true);
        expect(certificate.checkPrivateKey(createPrivateKey(ca.privateKeyPem))).to.equal(true);
        const extensions = extensionsOf(ca.certificatePem);
        expect(extensions.get('2.5.29.19')!.critical).to.equal(true); // basicConstraints
        expect(keyUsageBits(extensions.get('2.5.29.15')!.value)).to.include.members([5, 6]);
      });

      it('issueCertificate issues a person a document-signing certificate under the CA', async () => {
        // when
        const identity = await issueCertificate(ca, {
          commonName: 'Trần Thị Bích Ngọc',
          organization: 'Ủy ban nhân dân xã Đại Đồng',
          kind: 'person',
          validDays: 365,
          identifier: '001199001234',
          email: 'ngoc@daidong.example.vn',
          keyAlgorithm,
        });

        // then
        const certificate = new X509Certificate(identity.certificatePem);
        const issuer = new X509Certificate(ca.certificatePem);
        expect(certificate.checkIssued(issuer)).to.equal(true);
        expect(certificate.verify(issuer.publicKey)).to.equal(true);
        expect(certificate.checkPrivateKey(createPrivateKey(identity.privateKeyPem))).to.equal(true);
        expect(certificate.ca).to.equal(false);
        expect(certificate.subject.split('\n')).to.include.members([
          'C=VN',
          'O=Ủy ban nhân dân xã Đại Đồng',
          'CN=Trần Thị Bích Ngọc',
          'UID=CCCD:001199001234',
        ]);
        expect(certificate.subjectAltName).to.equal('email:ngoc@daidong.example.vn');
        expect(certificate.keyUsage).to.have.members(['1.3.6.1.5.5.7.3.4', '1.3.6.1.5.5.7.3.36']);
        const extensions = extensionsOf(identity.certificatePem);
        expect(extensions.get('2.5.29.15')!.critical).to.equal(true);
        expect(keyUsageBits(extensions.get('2.5.29.15')!.value)).to.deep.equal([0, 1]);
        const days = (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / DAY_MS;
        expect(days).to.be.closeTo(365, 1 / 24);
        expect(identity.chainPem).to.deep.equal([ca.certificatePem]);
      });

      it("issueCertificate writes an organisation's tax code as MST", async () => {
        // when
        const identity = await issueCertificate(ca, {
          commonName: 'Ủy ban nhân dân xã Đại Đồng',
          organization: 'Ủy ban nhân dân xã Đại Đồng',
          kind: 'organisation',
          validDays: 30,
          identifier: '2300123456',
          keyAlgorithm,
        });

        // then
        expect(new X509Certificate(identity.certificatePem).subject).to.include('UID=MST:2300123456');
      });
    });
  }

  it('issues certificates with distinct serial numbers', async () => {
    // given
    const ca = await createTestCa('motcua Test CA', { keyAlgorithm: 'ecdsa-p256' });
    const request = {
      commonName: 'A',
      organization: 'B',
      kind: 'person',
      validDays: 1,
      keyAlgorithm: 'ecdsa-p256',
    } as const;

    // when
    const identities = await Promise.all([1, 2, 3].map(() => issueCertificate(ca, request)));

    // then
    const serials = identities.map((identity) => new X509Certificate(identity.certificatePem).serialNumber);
    expect(new Set(serials).size).to.equal(3);
  });
});
