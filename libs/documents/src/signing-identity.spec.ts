import { createPrivateKey } from 'node:crypto';

import { expect } from 'chai';

import { renderDocumentPdf } from './render-pdf.ts';
import { signPdf } from './sign-pdf.ts';
import { loadSigningIdentity, type SigningIdentity } from './signing-identity.ts';
import { createTestCa, issueCertificate, type CertificateAuthority } from './test-ca.ts';
import { pdfsig, scratch, type Scratch } from '../test/support/poppler.ts';
import { sampleDocument } from '../test/support/sample-document.ts';

describe('loadSigningIdentity', () => {
  let files: Scratch;
  let root: CertificateAuthority;
  let identity: SigningIdentity;

  before(async () => {
    files = await scratch();
    root = await createTestCa('motcua Test Root', { keyAlgorithm: 'ecdsa-p256' });
    identity = await issueCertificate(root, {
      commonName: 'Ủy ban nhân dân xã Đại Đồng',
      organization: 'Ủy ban nhân dân xã Đại Đồng',
      kind: 'organisation',
      validDays: 30,
      keyAlgorithm: 'ecdsa-p256',
    });
  });
  after(() => files.dispose());

  it('reads a key, a certificate and its chain from PEM files, ready to sign', async () => {
    // given
    const keyPath = await files.write('agency.key', identity.privateKeyPem);
    const certPath = await files.write('agency.crt', identity.certificatePem);
    const chainPath = await files.write('root.crt', root.certificatePem);

    // when
    const loaded = await loadSigningIdentity({ keyPath, certPath, chainPaths: [chainPath] });

    // then
    expect(loaded.certificatePem).to.equal(identity.certificatePem);
    expect(loaded.chainPem).to.deep.equal([root.certificatePem]);
    const signed = await signPdf(await renderDocumentPdf(sampleDocument()), loaded, {
      reason: 'Phát hành',
      location: 'Đại Đồng',
      name: 'Ủy ban nhân dân xã Đại Đồng',
      signingTime: new Date(),
    });
    expect((await pdfsig(await files.write('signed.pdf', signed)))[0]!.validation).to.equal('Signature is Valid.');
  });

  it('takes further certificates in the certificate file as the chain', async () => {
    // given
    const keyPath = await files.write('bundle.key', identity.privateKeyPem);
    const certPath = await files.write('bundle.crt', identity.certificatePem + root.certificatePem);

    // when
    const loaded = await loadSigningIdentity({ keyPath, certPath });

    // then
    expect(loaded.certificatePem).to.equal(identity.certificatePem);
    expect(loaded.chainPem).to.deep.equal([root.certificatePem]);
  });

  it('decrypts an encrypted private key with its passphrase', async () => {
    // given
    const encrypted = createPrivateKey(identity.privateKeyPem).export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'bí mật',
    });
    const keyPath = await files.write('encrypted.key', encrypted);
    const certPath = await files.write('encrypted.crt', identity.certificatePem);

    // when
    const loaded = await loadSigningIdentity({ keyPath, certPath, passphrase: 'bí mật' });

    // then
    expect(loaded.privateKeyPem).to.include('BEGIN PRIVATE KEY');
  });

  it('refuses a key that does not belong to the certificate', async () => {
    // given
    const other = await issueCertificate(root, {
      commonName: 'Khác',
      organization: 'Khác',
      kind: 'person',
      validDays: 1,
      keyAlgorithm: 'ecdsa-p256',
    });
    const keyPath = await files.write('other.key', other.privateKeyPem);
    const certPath = await files.write('mismatch.crt', identity.certificatePem);

    // when
    const error = await loadSigningIdentity({ keyPath, certPath }).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    // then
    expect(String(error)).to.include('the private key does not belong to the certificate');
  });

  it('refuses a certificate file without a certificate', async () => {
    // given
    const keyPath = await files.write('lonely.key', identity.privateKeyPem);
    const certPath = await files.write('empty.crt', 'not a certificate\n');

    // when
    const error = await loadSigningIdentity({ keyPath, certPath }).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    // then
    expect(String(error)).to.include(`no PEM certificate in ${certPath}`);
  });
});
