import { createHash } from 'node:crypto';
import { join } from 'node:path';

import { expect } from 'chai';
import { PDFDocument, StandardFonts } from 'pdf-lib';

import { childrenOf, decodeOid, readElement, type Element } from './der.ts';
import { renderDocumentPdf } from './render-pdf.ts';
import { createPdfSigner, signPdf, type SignatureInfo } from './sign-pdf.ts';
import type { SigningIdentity } from './signing-identity.ts';
import { createTestCa, issueCertificate, type CertificateAuthority } from './test-ca.ts';
import { certificateFromPem } from './x509.ts';
import { nssDatabaseTrusting, pdfsig, scratch, type Scratch } from '../test/support/poppler.ts';
import { sampleDocument } from '../test/support/sample-document.ts';

const VALID = 'Signature is Valid.';

const organisationSignature: SignatureInfo = {
  reason: 'Phát hành kết quả giải quyết thủ tục hành chính',
  location: 'Xã Đại Đồng, tỉnh Bắc Ninh',
  name: 'Ủy ban nhân dân xã Đại Đồng',
  contactInfo: 'motcua@daidong.example.vn',
  signingTime: new Date('2025-02-05T03:30:00Z'),
};
const personSignature: SignatureInfo = {
  reason: 'Ký duyệt',
  location: 'Đại Đồng',
  name: 'Trần Thị Bích Ngọc',
  signingTime: new Date('2025-02-05T03:31:00Z'),
};

describe('signPdf', () => {
  let files: Scratch;
  let ca: CertificateAuthority;
  let organisation: SigningIdentity;
  let person: SigningIdentity;
  let document: Uint8Array;

  before(async () => {
    files = await scratch();
    ca = await createTestCa('motcua Test CA');
    organisation = await issueCertificate(ca, {
      commonName: 'Ủy ban nhân dân xã Đại Đồng',
      organization: 'Ủy ban nhân dân xã Đại Đồng',
      kind: 'organisation',
      validDays: 30,
    });
    person = await issueCertificate(ca, {
      commonName: 'Trần Thị Bích Ngọc',
      organization: 'Ủy ban nhân dân xã Đại Đồng',
      kind: 'person',
      validDays: 30,
      keyAlgorithm: 'ecdsa-p256',
    });
    document = await renderDocumentPdf(sampleDocument());
  });
  after(() => files.dispose());

  it('adds a PAdES signature (ETSI.CAdES.detached) over the whole file that pdfsig finds valid', async () => {
    // when
    const signed = await signPdf(document, organisation, organisationSignature);

    // then
    const [signature, ...others] = await pdfsig(await files.write('signed.pdf', signed));
    expect(others).to.deep.equal([]);
    expect(signature).to.deep.include({
      fieldName: 'Signature1',
      signerCommonName: 'Ủy ban nhân dân xã Đại Đồng',
      signatureType: 'ETSI.CAdES.detached',
      validation: VALID,
      totalDocumentSigned: true,
    });
  });

  it('appends to the document: the signed file begins with the original bytes', async () => {
    // when
    const signed = await signPdf(document, organisation, organisationSignature);

    // then
    expect(signed.length).to.be.greaterThan(document.length);
    expect(Buffer.from(signed.subarray(0, document.length)).equals(Buffer.from(document))).to.equal(true);
  });

  it("adds a second signature (the signer's after the organisation's) without breaking the first", async () => {
    // given
    const once = await signPdf(document, organisation, organisationSignature);

    // when
    const twice = await signPdf(once, person, personSignature);

    // then
    expect(Buffer.from(twice.subarray(0, once.length)).equals(Buffer.from(once))).to.equal(true);
    const signatures = await pdfsig(await files.write('twice.pdf', twice));
    expect(
      signatures.map(({ fieldName, signerCommonName, validation, totalDocumentSigned }) => ({
        fieldName,
        signerCommonName,
        validation,
        totalDocumentSigned,
      })),
    ).to.deep.equal([
      {
        fieldName: 'Signature1',
        signerCommonName: 'Ủy ban nhân dân xã Đại Đồng',
        validation: VALID,
        totalDocumentSigned: false,
      },
      { fieldName: 'Signature2', signerCommonName: 'Trần Thị Bích Ngọc', validation: VALID, totalDocumentSigned: true },
    ]);
    expect(signatures.map((signature) => signature.signatureType)).to.deep.equal([
      'ETSI.CAdES.detached',
      'ETSI.CAdES.detached',
    ]);
  });

  it('has both certificates trusted by pdfsig once the test CA is a trusted root in its NSS database', async () => {
    // given
    const nssDir = await nssDatabaseTrusting(join(files.dir, 'nss'), ca.certificatePem);
    const twice = await signPdf(await signPdf(document, organisation, organisationSignature), person, personSignature);

    // when
    const signatures = await pdfsig(await files.write('trusted.pdf', twice), nssDir);

    // then
    expect(signatures.map((signature) => signature.certificateValidation)).to.deep.equal([
      'Certificate is Trusted.',
      'Certificate is Trusted.',
    ]);
    expect(signatures.map((signature) => signature.validation)).to.deep.equal([VALID, VALID]);
  });

  it('is invalid once a byte of the signed content changes', async () => {
    // given
    const signed = Buffer.from(await signPdf(document, organisation, organisationSignature));
    const title = signed.indexOf('/Producer');
    expect(title).to.be.greaterThan(0);

    // when
    signed[title + 2] = 'X'.charCodeAt(0); // /Producer → /PrXducer

    // then
    const [signature] = await pdfsig(await files.write('tampered.pdf', signed));
    expect(signature!.validation).to.not.equal(VALID);
    expect(signature!.validation).to.match(/Digest Mismatch|Invalid/);
  });

  it('signs with signed attributes content-type, message-digest and signing-certificate-v2, and no signing time', async () => {
    // when
    const signed = await signPdf(document, person, personSignature);

    // then: the CMS in /Contents
    const text = Buffer.from(signed).toString('latin1');
    const contents = /\/Contents <([0-9a-f]+)>/.exec(text.slice(document.length))![1]!;
    const cms = readElement(Buffer.from(contents, 'hex'));
    const [contentType, wrapped] = childrenOf(cms);
    expect(decodeOid(contentType!)).to.equal('1.2.840.113549.1.7.2'); // signedData
    const signedData = childrenOf(childrenOf(wrapped!)[0]!);
    const encapsulated = childrenOf(signedData[2]!);
    expect(encapsulated.map(decodeOid)).to.deep.equal(['1.2.840.113549.1.7.1']); // id-data, no eContent: detached
    const signerInfo = childrenOf(signedData[signedData.length - 1]!)[0]!;
    const signedAttributes = childrenOf(signerInfo).find((element) => element.tag === 0xa0)!;
    const attributes = new Map(
      childrenOf(signedAttributes).map((attribute): [string, Element] => {
        const [type, values] = childrenOf(attribute);
        return [decodeOid(type!), childrenOf(values!)[0]!];
      }),
    );
    expect([...attributes.keys()]).to.have.members([
      '1.2.840.113549.1.9.3', // content-type
      '1.2.840.113549.1.9.4', // message-digest
      '1.2.840.113549.1.9.16.2.47', // signing-certificate-v2
    ]);
    expect(decodeOid(attributes.get('1.2.840.113549.1.9.3')!)).to.equal('1.2.840.113549.1.7.1');
    // ESSCertIDv2.certHash is the SHA-256 of the signer's certificate
    const [certs] = childrenOf(attributes.get('1.2.840.113549.1.9.16.2.47')!);
    const [essCertId] = childrenOf(certs!);
    const [certHash] = childrenOf(essCertId!);
    const expected = createHash('sha256').update(certificateFromPem(person.certificatePem)).digest();
    expect(Buffer.from(certHash!.content).equals(expected)).to.equal(true);
    // the time is in the signature dictionary, in Vietnam's offset
    expect(text.slice(document.length)).to.include("/M (D:20250205103100+07'00')");
  });

  it('signs a PDF with cross-reference and object streams, as other tools write them, twice', async () => {
    // given
    const pdf = await PDFDocument.create();
    pdf.addPage().drawText('Ban sao chung thuc', { font: await pdf.embedFont(StandardFonts.TimesRoman) });
    const compressed = await pdf.save({ useObjectStreams: true });
    expect(Buffer.from(compressed).toString('latin1')).to.include('/Type /XRef');

    // when
    const twice = await signPdf(
      await signPdf(compressed, organisation, organisationSignature),
      person,
      personSignature,
    );

    // then
    const signatures = await pdfsig(await files.write('xref-stream.pdf', twice));
    expect(signatures.map((signature) => signature.validation)).to.deep.equal([VALID, VALID]);
  });

  it('keeps the annotations and form fields a document already has', async () => {
    // given a document with a text field (an AcroForm and a page annotation)
    const pdf = await PDFDocument.create();
    const page = pdf.addPage();
    pdf.getForm().createTextField('applicant').addToPage(page, { x: 50, y: 700 });
    const withForm = await pdf.save();

    // when
    const signed = await signPdf(withForm, organisation, organisationSignature);

    // then
    const reloaded = await PDFDocument.load(signed);
    expect(
      reloaded
        .getForm()
        .getFields()
        .map((field) => field.getName()),
    ).to.have.members(['applicant', 'Signature1']);
    expect((await pdfsig(await files.write('form.pdf', signed)))[0]!.validation).to.equal(VALID);
  });

  it('refuses a field name that the document already has', async () => {
    // given
    const signed = await signPdf(document, organisation, { ...organisationSignature, fieldName: 'Tổ chức' });

    // when
    const error = await signPdf(signed, person, { ...personSignature, fieldName: 'Tổ chức' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    // then
    expect(String(error)).to.include('a field named Tổ chức already exists');
  });

  it('signs many documents with one prepared signer', async () => {
    // given
    const signer = createPdfSigner(organisation);
    const documents = await Promise.all(
      ['HS-1', 'HS-2', 'HS-3'].map((code) => renderDocumentPdf(sampleDocument({ documentNumber: code }))),
    );

    // when
    const signed = await Promise.all(documents.map((pdf) => signer.sign(pdf, organisationSignature)));

    // then
    for (const [i, pdf] of signed.entries()) {
      expect((await pdfsig(await files.write(`many-${i}.pdf`, pdf)))[0]!.validation).to.equal(VALID);
    }
  });
});
