export { cadesDetachedSignature, prepareCadesSigner, type CadesSigner } from './cades.ts';
export { loadBundledFonts, type DocumentFonts } from './fonts.ts';
export {
  createDocumentRenderer,
  renderDocumentPdf,
  type DocumentField,
  type DocumentRenderer,
  type OfficialDocument,
} from './render-pdf.ts';
export { createPdfSigner, signPdf, type PdfSigner, type SignatureInfo } from './sign-pdf.ts';
export { loadSigningIdentity, type SigningIdentity, type SigningIdentityFiles } from './signing-identity.ts';
export {
  createTestCa,
  issueCertificate,
  type CertificateAuthority,
  type CertificateRequest,
  type KeyAlgorithm,
  type TestCaOptions,
} from './test-ca.ts';
export { pdfDate, vietnameseDocumentDate, VIETNAM_TIME_ZONE, zonedParts } from './zoned-time.ts';
