// PAdES baseline-B signatures (ETSI EN 319 142-1), each added as an incremental update: the bytes of the input are
// kept as they are and the new objects, a cross-reference section and a trailer are appended after them, so an
// earlier signature (the organisation's, then the signer's own, or the other way round) stays valid.
//
// @signpdf 3.3 was not used for the placeholder: placeholder-pdf-lib re-saves the whole file (breaking an earlier
// signature) and placeholder-plain finds objects by string search (no cross-reference streams, an existing
// AcroForm found by the text "/Type /AcroForm", first-page lookup by the first /Kids entry) and pulls in pdfkit.
// Here pdf-lib's parser reads the object graph (classic or stream cross-references, object streams) and this module
// writes the update itself.

import { createHash } from 'node:crypto';

import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFObject, PDFRef, PDFString } from 'pdf-lib';

import { cadesDetachedSignature, prepareCadesSigner, type CadesSigner } from './cades.ts';
import { lookupArray, lookupDict, withPdfStructure, type PdfStructure } from './pdf-reader.ts';
import type { SigningIdentity } from './signing-identity.ts';
import { pdfDate } from './zoned-time.ts';

/** What a verifier shows about a signature. The time goes in the signature dictionary's /M, as PAdES wants. */
export interface SignatureInfo {
  reason: string;
  location: string;
  /** The signer's name as shown by viewers (the certificate's subject is what verifiers trust). */
  name: string;
  contactInfo?: string;
  signingTime: Date;
  /** Name of the new signature field; default `SignatureN`, the first free N. Must not exist yet. */
  fieldName?: string;
}

/** A signing identity with its key and certificates parsed once, to sign many documents. */
export interface PdfSigner {
  sign(pdf: Uint8Array, info: SignatureInfo): Promise<Uint8Array>;
}

export function createPdfSigner(identity: SigningIdentity): PdfSigner {
  const cades = prepareCadesSigner(identity);
  return { sign: (pdf, info) => addSignature(pdf, cades, info) };
}

const signersByIdentity = new WeakMap<SigningIdentity, PdfSigner>();
const signersByPem = new Map<string, PdfSigner>();

/**
 * Signs `pdf` with a PAdES baseline-B signature (/SubFilter /ETSI.CAdES.detached) in a new invisible signature field
 * on the first page, appended as an incremental update, so earlier signatures stay valid. The parsed key and
 * certificates are kept per identity (by object, and by PEM text for a few identities): signing again with the same
 * identity does not parse them again.
 */
export async function signPdf(pdf: Uint8Array, signer: SigningIdentity, info: SignatureInfo): Promise<Uint8Array> {
  let prepared = signersByIdentity.get(signer);
  if (!prepared) {
    const pem = [signer.privateKeyPem, signer.certificatePem, ...signer.chainPem].join('\n');
    prepared = signersByPem.get(pem);
    if (!prepared) {
      prepared = createPdfSigner(signer);
      if (signersByPem.size >= 16) signersByPem.clear();
      signersByPem.set(pem, prepared);
    }
    signersByIdentity.set(signer, prepared);
  }
  return prepared.sign(pdf, info);
}

const ANNOTATION_PRINT_LOCKED = 4 | 128;
const SIG_FLAGS_SIGNATURES_EXIST_APPEND_ONLY = 3;
const BYTE_RANGE_PLACEHOLDER = '[0 0000000000 0000000000 0000000000]';

interface UpdatedObject {
  ref: PDFRef;
  bytes: Uint8Array;
}

async function addSignature(pdf: Uint8Array, cades: CadesSigner, info: SignatureInfo): Promise<Uint8Array> {
  const update = await withPdfStructure(pdf, (structure) => prepareUpdate(structure, info, cades.maxSignatureLength));
  return writeUpdate(pdf, update, cades);
}

interface PreparedUpdate {
  objects: UpdatedObject[];
  signatureRef: PDFRef;
  signatureText: string;
  reservedBytes: number;
  nextObjectNumber: number;
  lastXref: { offset: number; isStream: boolean };
  trailer: TrailerEntries;
}

/** The objects of the update, the signature dictionary last with placeholders for /ByteRange and /Contents. */
function prepareUpdate(structure: PdfStructure, info: SignatureInfo, reservedBytes: number): PreparedUpdate {
  const { context } = structure;
  if (structure.encrypted) throw new Error('signPdf: encrypted PDFs are not supported');
  const rootRef = structure.root;
  const catalog = lookupDict(structure, rootRef);
  if (!catalog) throw new Error('signPdf: the document has no catalog');
  const pageRef = firstPageRef(structure, catalog);

  let nextObjectNumber = structure.nextObjectNumber;
  const signatureRef = PDFRef.of(nextObjectNumber++);
  const widgetRef = PDFRef.of(nextObjectNumber++);
  const updates: UpdatedObject[] = [];

  // The AcroForm lists the new field; a direct AcroForm dictionary moves into its own object.
  const acroFormEntry = catalog.get(PDFName.of('AcroForm'));
  const existingAcroForm = acroFormEntry instanceof PDFRef ? lookupDict(structure, acroFormEntry) : undefined;
  let acroFormRef: PDFRef;
  let acroForm: PDFDict;
  if (acroFormEntry instanceof PDFRef && existingAcroForm) {
    acroFormRef = acroFormEntry;
    acroForm = existingAcroForm.clone(context);
  } else {
    acroFormRef = PDFRef.of(nextObjectNumber++);
    acroForm = acroFormEntry instanceof PDFDict ? acroFormEntry.clone(context) : PDFDict.withContext(context);
    const newCatalog = catalog.clone(context);
    newCatalog.set(PDFName.of('AcroForm'), acroFormRef);
    updates.push({ ref: rootRef, bytes: bytesOf(newCatalog) });
  }
  const existingFields = lookupArray(structure, acroForm.get(PDFName.of('Fields')));
  const fields = existingFields ? existingFields.clone(context) : PDFArray.withContext(context);
  const fieldName = chooseFieldName(structure, fields, info.fieldName);
  fields.push(widgetRef);
  acroForm.set(PDFName.of('Fields'), fields);
  acroForm.set(PDFName.of('SigFlags'), PDFNumber.of(SIG_FLAGS_SIGNATURES_EXIST_APPEND_ONLY));
  updates.push({ ref: acroFormRef, bytes: bytesOf(acroForm) });

  // The page lists the widget among its annotations.
  const page = lookupDict(structure, pageRef)!;
  const annotsEntry = page.get(PDFName.of('Annots'));
  const existingAnnots = lookupArray(structure, annotsEntry);
  if (annotsEntry instanceof PDFRef && existingAnnots) {
    const annots = existingAnnots.clone(context);
    annots.push(widgetRef);
    updates.push({ ref: annotsEntry, bytes: bytesOf(annots) });
  } else {
    const annots = existingAnnots ? existingAnnots.clone(context) : PDFArray.withContext(context);
    annots.push(widgetRef);
    const newPage = page.clone(context);
    newPage.set(PDFName.of('Annots'), annots);
    updates.push({ ref: pageRef, bytes: bytesOf(newPage) });
  }

  // An invisible signature field: a widget with an empty rectangle, merged with its field.
  const widget = PDFDict.withContext(context);
  widget.set(PDFName.of('Type'), PDFName.of('Annot'));
  widget.set(PDFName.of('Subtype'), PDFName.of('Widget'));
  widget.set(PDFName.of('FT'), PDFName.of('Sig'));
  widget.set(PDFName.of('T'), PDFHexString.fromText(fieldName));
  widget.set(PDFName.of('V'), signatureRef);
  widget.set(PDFName.of('F'), PDFNumber.of(ANNOTATION_PRINT_LOCKED));
  widget.set(PDFName.of('Rect'), context.obj([0, 0, 0, 0]));
  widget.set(PDFName.of('P'), pageRef);
  updates.push({ ref: widgetRef, bytes: bytesOf(widget) });

  const signatureText = signatureDictionary(info, reservedBytes);
  updates.push({ ref: signatureRef, bytes: Buffer.from(signatureText, 'latin1') });
  return {
    objects: updates,
    signatureRef,
    signatureText,
    reservedBytes,
    nextObjectNumber,
    lastXref: structure.lastXref,
    trailer: { root: rootRef, info: structure.info, id: structure.id, prev: structure.lastXref.offset },
  };
}

/** Appends the update to `pdf`, then hashes the signed ranges and puts the CMS in /Contents. */
function writeUpdate(pdf: Uint8Array, update: PreparedUpdate, cades: CadesSigner): Uint8Array {
  const { signatureRef, signatureText, reservedBytes } = update;
  let nextObjectNumber = update.nextObjectNumber;
  // Lay out the update after the original bytes.
  const chunks: Uint8Array[] = [pdf];
  let length = pdf.length;
  const push = (chunk: Uint8Array) => {
    chunks.push(chunk);
    length += chunk.length;
  };
  const last = pdf[pdf.length - 1];
  if (last !== 0x0a && last !== 0x0d) push(Buffer.from('\n'));
  const offsets = new Map<number, { offset: number; generation: number }>();
  let signatureBodyOffset = -1;
  for (const { ref, bytes } of update.objects) {
    offsets.set(ref.objectNumber, { offset: length, generation: ref.generationNumber });
    push(Buffer.from(`${ref.objectNumber} ${ref.generationNumber} obj\n`, 'latin1'));
    if (ref === signatureRef) signatureBodyOffset = length;
    push(bytes);
    push(Buffer.from('\nendobj\n', 'latin1'));
  }
  const trailerEntries = update.trailer;
  if (update.lastXref.isStream) {
    const xrefRef = PDFRef.of(nextObjectNumber++);
    offsets.set(xrefRef.objectNumber, { offset: length, generation: 0 });
    push(xrefStream(xrefRef, offsets, nextObjectNumber, trailerEntries));
  } else {
    push(xrefTable(offsets, length, nextObjectNumber, trailerEntries));
  }
  const output = Buffer.concat(chunks, length);

  // Fill in /ByteRange, hash everything but the /Contents hex string, then put the CMS there.
  const contentsStart = signatureBodyOffset + signatureText.indexOf('/Contents <') + '/Contents '.length;
  const contentsEnd = contentsStart + 2 + 2 * reservedBytes;
  const byteRange = [0, contentsStart, contentsEnd, output.length - contentsEnd];
  const byteRangeText = `[${byteRange.join(' ')}]`.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' ');
  output.write(byteRangeText, signatureBodyOffset + signatureText.indexOf(BYTE_RANGE_PLACEHOLDER), 'latin1');
  const digest = createHash('sha256')
    .update(output.subarray(0, contentsStart))
    .update(output.subarray(contentsEnd))
    .digest();
  const cms = cadesDetachedSignature(cades, digest);
  if (cms.length > reservedBytes) throw new Error('signPdf: the signature is larger than its placeholder');
  output.write(Buffer.from(cms).toString('hex'), contentsStart + 1, 'latin1');
  return new Uint8Array(output.buffer, output.byteOffset, output.length);
}

function signatureDictionary(info: SignatureInfo, reservedBytes: number): string {
  const text = (value: string) => hexText(value.normalize('NFC'));
  const entries = [
    '/Type /Sig',
    '/Filter /Adobe.PPKLite',
    '/SubFilter /ETSI.CAdES.detached',
    `/ByteRange ${BYTE_RANGE_PLACEHOLDER}`,
    `/Contents <${'0'.repeat(2 * reservedBytes)}>`,
    `/M (${pdfDate(info.signingTime)})`,
    `/Name ${text(info.name)}`,
    `/Reason ${text(info.reason)}`,
    `/Location ${text(info.location)}`,
  ];
  if (info.contactInfo !== undefined) entries.push(`/ContactInfo ${text(info.contactInfo)}`);
  entries.push('/Prop_Build << /App << /Name /motcua >> >>');
  return `<<\n${entries.join('\n')}\n>>`;
}

/** A PDF text string: UTF-16BE with a byte order mark, as a hex string (Vietnamese is outside PDFDocEncoding). */
function hexText(value: string): string {
  return PDFHexString.fromText(value).toString();
}

function chooseFieldName(structure: PdfStructure, fields: PDFArray, requested: string | undefined): string {
  const taken = new Set<string>();
  for (const entry of fields.asArray()) {
    const field = lookupDict(structure, entry);
    const name = field?.get(PDFName.of('T'));
    if (name instanceof PDFString || name instanceof PDFHexString) taken.add(name.decodeText());
  }
  if (requested !== undefined) {
    if (taken.has(requested)) throw new Error(`signPdf: a field named ${requested} already exists`);
    return requested;
  }
  for (let n = 1; ; n += 1) if (!taken.has(`Signature${n}`)) return `Signature${n}`;
}

function firstPageRef(structure: PdfStructure, catalog: PDFDict): PDFRef {
  let node: PDFObject | undefined = catalog.get(PDFName.of('Pages'));
  for (let depth = 0; depth < 64; depth += 1) {
    if (!(node instanceof PDFRef)) break;
    const dict = lookupDict(structure, node);
    if (!dict) break;
    if (dict.get(PDFName.of('Type')) === PDFName.of('Page')) return node;
    node = lookupArray(structure, dict.get(PDFName.of('Kids')))?.get(0);
  }
  throw new Error('signPdf: the document has no page');
}

function bytesOf(object: PDFObject): Uint8Array {
  const bytes = new Uint8Array(object.sizeInBytes());
  object.copyBytesInto(bytes, 0);
  return bytes;
}

interface TrailerEntries {
  root: PDFObject;
  info?: PDFObject;
  id?: PDFObject;
  prev: number;
}

function trailerDictionaryText(size: number, entries: TrailerEntries): string {
  const text = [`/Size ${size}`, `/Root ${entries.root.toString()}`];
  if (entries.info) text.push(`/Info ${entries.info.toString()}`);
  if (entries.id) text.push(`/ID ${entries.id.toString()}`);
  text.push(`/Prev ${entries.prev}`);
  return text.join('\n');
}

/** Runs of consecutive object numbers, as cross-reference subsections. */
function subsections<T>(entries: Map<number, T>): Array<{ first: number; items: T[] }> {
  const numbers = [...entries.keys()].sort((a, b) => a - b);
  const runs: Array<{ first: number; items: T[] }> = [];
  for (const number of numbers) {
    const run = runs[runs.length - 1];
    if (run && run.first + run.items.length === number) run.items.push(entries.get(number)!);
    else runs.push({ first: number, items: [entries.get(number)!] });
  }
  return runs;
}

function xrefTable(
  offsets: Map<number, { offset: number; generation: number }>,
  xrefOffset: number,
  size: number,
  entries: TrailerEntries,
): Uint8Array {
  const lines = ['xref'];
  for (const { first, items } of subsections(offsets)) {
    lines.push(`${first} ${items.length}`);
    // each entry is exactly 20 bytes: 10-digit offset, 5-digit generation, 'n', a two-byte end of line
    for (const { offset, generation } of items) {
      lines.push(`${String(offset).padStart(10, '0')} ${String(generation).padStart(5, '0')} n `);
    }
  }
  lines.push('trailer', `<<\n${trailerDictionaryText(size, entries)}\n>>`, 'startxref', String(xrefOffset), '%%EOF\n');
  return Buffer.from(lines.join('\n'), 'latin1');
}

function xrefStream(
  ref: PDFRef,
  offsets: Map<number, { offset: number; generation: number }>,
  size: number,
  entries: TrailerEntries,
): Uint8Array {
  const xrefOffset = offsets.get(ref.objectNumber)!.offset;
  const runs = subsections(offsets);
  const data = Buffer.alloc(offsets.size * 7);
  let at = 0;
  for (const { items } of runs) {
    for (const { offset, generation } of items) {
      data.writeUInt8(1, at);
      data.writeUInt32BE(offset, at + 1);
      data.writeUInt16BE(generation, at + 5);
      at += 7;
    }
  }
  const index = runs.map(({ first, items }) => `${first} ${items.length}`).join(' ');
  const dictionary = [
    '/Type /XRef',
    trailerDictionaryText(size, entries),
    `/Index [${index}]`,
    '/W [1 4 2]',
    `/Length ${data.length}`,
  ].join('\n');
  return Buffer.concat([
    Buffer.from(`${ref.objectNumber} 0 obj\n<<\n${dictionary}\n>>\nstream\n`, 'latin1'),
    data,
    Buffer.from(`\nendstream\nendobj\nstartxref\n${xrefOffset}\n%%EOF\n`, 'latin1'),
  ]);
}
