// Reads what an incremental update needs from a PDF — its trailer and the few objects the update touches — without
// parsing the whole file. With classic cross-reference tables (what motcua and most producers write) objects are
// read on demand at their offsets, so signing costs the same for a 60 kB result as for a 20 MB scan. Cross-reference
// streams, hybrid files and anything unexpected fall back to pdf-lib's full parse.

import {
  PDFArray,
  PDFContext,
  PDFDict,
  PDFName,
  PDFNumber,
  PDFObject,
  PDFObjectParser,
  PDFParser,
  PDFRef,
} from 'pdf-lib';

export interface PdfStructure {
  /** A context to create new objects in (and, after a full parse, holding every object). */
  readonly context: PDFContext;
  readonly root: PDFRef;
  readonly info?: PDFObject;
  readonly id?: PDFObject;
  readonly encrypted: boolean;
  /** The first object number free for new objects. */
  readonly nextObjectNumber: number;
  /** The last cross-reference section, which the update's /Prev points at. */
  readonly lastXref: { offset: number; isStream: boolean };
  /** `object` itself, or the object a reference points at; undefined for a dangling reference. */
  lookup(object: PDFObject | undefined): PDFObject | undefined;
}

/**
 * Reads `pdf` and runs `use` on it: on demand through its cross-reference tables when it has them, or, when those
 * are streams or something does not add up (also while `use` looks objects up), through a full parse.
 */
export async function withPdfStructure<T>(pdf: Uint8Array, use: (structure: PdfStructure) => T): Promise<T> {
  const lastXref = readStartXref(pdf);
  if (!lastXref.isStream) {
    try {
      return use(readByTables(pdf, lastXref.offset));
    } catch (error) {
      if (!(error instanceof UnexpectedStructure)) throw error;
    }
  }
  return use(await readByFullParse(pdf, lastXref));
}

class UnexpectedStructure extends Error {}

const latin1 = (pdf: Uint8Array, start: number, end: number) =>
  Buffer.from(pdf.buffer, pdf.byteOffset).toString('latin1', start, end);

/** The offset of the last cross-reference section and whether it is a stream (PDF 1.5) or a table. */
function readStartXref(pdf: Uint8Array): { offset: number; isStream: boolean } {
  const tail = latin1(pdf, Math.max(0, pdf.length - 1024), pdf.length);
  const match = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail) ?? /startxref\s+(\d+)/.exec(tail);
  if (!match) throw new Error('signPdf: no startxref at the end of the PDF');
  const offset = Number(match[1]);
  const head = latin1(pdf, offset, Math.min(pdf.length, offset + 32));
  if (head.startsWith('xref')) return { offset, isStream: false };
  if (/^\d+\s+\d+\s+obj/.test(head)) return { offset, isStream: true };
  throw new Error('signPdf: startxref does not point at a cross-reference section');
}

function readByTables(pdf: Uint8Array, lastOffset: number): PdfStructure {
  const context = PDFContext.create();
  const offsets = new Map<number, number>();
  const trailers: PDFDict[] = [];
  const seen = new Set<number>();
  for (let offset: number | undefined = lastOffset; offset !== undefined;) {
    if (seen.has(offset) || seen.size > 1000) throw new UnexpectedStructure('a loop of cross-reference sections');
    seen.add(offset);
    const trailer = readTable(pdf, offset, context, offsets);
    trailers.push(trailer);
    const prev = trailer.get(PDFName.of('Prev'));
    offset = prev instanceof PDFNumber ? prev.asNumber() : undefined;
  }
  const newest = trailers[0]!;
  const entry = (key: string) => trailers.map((trailer) => trailer.get(PDFName.of(key))).find(Boolean);
  const size = newest.get(PDFName.of('Size'));
  const root = newest.get(PDFName.of('Root'));
  if (!(size instanceof PDFNumber) || !(root instanceof PDFRef)) throw new UnexpectedStructure('an incomplete trailer');

  const lookup = (object: PDFObject | undefined): PDFObject | undefined => {
    if (!(object instanceof PDFRef)) return object;
    const loaded = context.lookup(object);
    if (loaded) return loaded;
    const offset = offsets.get(object.objectNumber);
    if (offset === undefined || offset < 0) return undefined;
    const header = /^(\d+)\s+(\d+)\s+obj\b/.exec(latin1(pdf, offset, Math.min(pdf.length, offset + 40)));
    if (!header || Number(header[1]) !== object.objectNumber) throw new UnexpectedStructure('a wrong object offset');
    const parsed = PDFObjectParser.forBytes(pdf.subarray(offset + header[0].length), context).parseObject();
    context.assign(object, parsed);
    return parsed;
  };
  return {
    context,
    root,
    info: entry('Info'),
    id: entry('ID'),
    encrypted: entry('Encrypt') !== undefined,
    nextObjectNumber: size.asNumber(),
    lastXref: { offset: lastOffset, isStream: false },
    lookup: (object) => {
      try {
        return lookup(object);
      } catch (error) {
        // a damaged object: let the caller start again with the full parse, which repairs what it can
        throw error instanceof UnexpectedStructure ? error : new UnexpectedStructure(String(error));
      }
    },
  };
}

/** Reads one classic cross-reference section into `offsets` (newer sections first: kept entries win). */
function readTable(pdf: Uint8Array, offset: number, context: PDFContext, offsets: Map<number, number>): PDFDict {
  const trailerAt = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.length).indexOf('trailer', offset, 'latin1');
  if (trailerAt < 0) throw new UnexpectedStructure('a cross-reference table without a trailer');
  const tokens = latin1(pdf, offset, trailerAt).trim().split(/\s+/);
  if (tokens[0] !== 'xref') throw new UnexpectedStructure('not a cross-reference table');
  for (let i = 1; i < tokens.length;) {
    const first = Number(tokens[i]);
    const count = Number(tokens[i + 1]);
    if (!Number.isInteger(first) || !Number.isInteger(count)) throw new UnexpectedStructure('a bad subsection');
    i += 2;
    for (let n = 0; n < count; n += 1, i += 3) {
      const [position, , kind] = [tokens[i], tokens[i + 1], tokens[i + 2]];
      if (kind !== 'n' && kind !== 'f') throw new UnexpectedStructure('a bad cross-reference entry');
      const number = first + n;
      // -1 marks a freed object, so that an older section does not bring it back
      if (!offsets.has(number)) offsets.set(number, kind === 'n' ? Number(position) : -1);
    }
  }
  const trailer = PDFObjectParser.forBytes(pdf.subarray(trailerAt + 'trailer'.length), context).parseObject();
  if (!(trailer instanceof PDFDict)) throw new UnexpectedStructure('a trailer that is not a dictionary');
  // a hybrid file keeps some objects in a cross-reference stream as well: leave it to the full parse
  if (trailer.has(PDFName.of('XRefStm'))) throw new UnexpectedStructure('a hybrid-reference file');
  return trailer;
}

async function readByFullParse(
  pdf: Uint8Array,
  lastXref: { offset: number; isStream: boolean },
): Promise<PdfStructure> {
  const context = await PDFParser.forBytesWithOptions(pdf, Infinity, false).parseDocument();
  const { Root, Info, ID, Encrypt } = context.trailerInfo;
  if (!(Root instanceof PDFRef)) throw new Error('signPdf: the trailer has no /Root reference');
  const size = readSize(pdf, lastXref.offset);
  return {
    context,
    root: Root,
    info: Info,
    id: ID,
    encrypted: Encrypt !== undefined,
    // the parser does not keep object and cross-reference streams: their numbers count too
    nextObjectNumber: Math.max(context.largestObjectNumber + 1, size),
    lastXref,
    lookup: (object) => (object instanceof PDFRef ? context.lookup(object) : object),
  };
}

/** /Size of the trailer (or cross-reference stream dictionary) of the section at `offset`. */
function readSize(pdf: Uint8Array, offset: number): number {
  const bytes = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.length);
  const start = latin1(pdf, offset, offset + 4) === 'xref' ? bytes.indexOf('trailer', offset, 'latin1') : offset;
  const section = latin1(pdf, Math.max(start, 0), Math.min(pdf.length, Math.max(start, 0) + 4096));
  const end = section.indexOf('stream');
  const size = /\/Size\s+(\d+)/.exec(end >= 0 ? section.slice(0, end) : section);
  return size ? Number(size[1]) : 0;
}

export function lookupDict(structure: PdfStructure, object: PDFObject | undefined): PDFDict | undefined {
  const found = structure.lookup(object);
  return found instanceof PDFDict ? found : undefined;
}

export function lookupArray(structure: PdfStructure, object: PDFObject | undefined): PDFArray | undefined {
  const found = structure.lookup(object);
  return found instanceof PDFArray ? found : undefined;
}
