// A Vietnamese administrative document as PDF, laid out after Decree 30/2020/NĐ-CP, Appendix I: A4, margins
// 20 / 20 / 30 / 15 mm, a serif face at 13 pt, the national title and motto top right, the issuing agency and the
// document number top left, the place and date in italics under the motto, a centred bold title, the body, and the
// signer's block at the bottom right. Page numbers from page 2, centred in the top margin. Every text comes from the
// caller: templates are data.

import { encodeQR } from '@paulmillr/qr';
import { deflateSync } from 'node:zlib';

import { PDFDocument, PDFName, PDFRawStream, type PDFPage, type PDFRef } from 'pdf-lib';

import { loadBundledFonts, type DocumentFonts } from './fonts.ts';
import {
  BASE_CODE_POINTS,
  embedPreparedFace,
  encodeHex,
  faceCovers,
  prepareFace,
  textWidth,
  type PreparedFace,
} from './prepared-font.ts';
import { vietnameseDocumentDate } from './zoned-time.ts';

export interface DocumentField {
  label: string;
  value: string;
}

export interface OfficialDocument {
  /** The issuing agency, e.g. `Ủy ban nhân dân\nxã Đại Đồng` (printed in upper case; `\n` breaks the line). */
  agencyName: string;
  /** The managing agency (cơ quan chủ quản), printed above the agency when given; `\n` breaks the line. */
  parentAgencyName?: string;
  /** The number and symbol, e.g. `12/GTN-UBND` (printed after `Số: `). */
  documentNumber: string;
  /** Place of issue, e.g. `Đại Đồng`. */
  place: string;
  /** Date of issue, printed as a date in Asia/Ho_Chi_Minh. */
  issuedAt: Date;
  /** The document's name and excerpt; `\n` separates lines. */
  title: string;
  paragraphs: string[];
  /** Label/value lines after the paragraphs, e.g. `Họ và tên: Nguyễn Văn A`. */
  fields?: DocumentField[];
  signer: {
    /** e.g. `TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH`; `\n` separates lines. */
    title: string;
    name: string;
  };
  /** Printed as a QR code at the bottom left of the last page (e.g. a tracking link). */
  qrText?: string;
}

export interface DocumentRenderer {
  render(document: OfficialDocument): Promise<Uint8Array>;
}

const MM = 72 / 25.4;
const PAGE = { width: 210 * MM, height: 297 * MM };
const MARGIN = { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM };
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const LEFT_COLUMN = { x: MARGIN.left - 8 * MM, width: CONTENT_WIDTH * 0.42 };
const RIGHT_COLUMN = {
  x: LEFT_COLUMN.x + LEFT_COLUMN.width,
  width: PAGE.width - MARGIN.right + 8 * MM - (LEFT_COLUMN.x + LEFT_COLUMN.width),
};
const SIZE = { body: 13, header: 13, nationalTitle: 12.5, motto: 13, title: 14, pageNumber: 12 };
const LINE_HEIGHT = 1.3;
const PARAGRAPH_GAP = 6;
const FIRST_LINE_INDENT = 10 * MM;
const SIGNATURE_SPACE = 70;
const QR_SIZE = 25 * MM;

const NATIONAL_TITLE = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
const MOTTO = 'Độc lập - Tự do - Hạnh phúc';

type Style = 'regular' | 'bold' | 'italic';
const STYLES = ['regular', 'bold', 'italic'] as const;

/**
 * A renderer that keeps its fonts prepared between documents (subset, compressed, measured: see prepared-font.ts);
 * create one and reuse it. Without `fonts`, uses DejaVu Serif Condensed from its npm package (see loadBundledFonts).
 */
export function createDocumentRenderer(fonts: DocumentFonts = loadBundledFonts()): DocumentRenderer {
  // Faces by the characters they add to the base set: '' for most documents, one more for a rare character.
  const faces = new Map<string, Promise<Record<Style, PreparedFace>>>();
  const facesFor = async (texts: string[]): Promise<Record<Style, PreparedFace>> => {
    const base = await facesWith('');
    const all = texts.join('');
    // the three faces are prepared for the same characters
    if (faceCovers(base.regular, all)) return base;
    const extra = [...new Set(Array.from(all, (char) => char.codePointAt(0)!))]
      .filter((codePoint) => !base.regular.requested.has(codePoint))
      .sort((a, b) => a - b);
    if (faces.size > 64) faces.clear();
    return facesWith(String.fromCodePoint(...extra));
  };
  const facesWith = (extra: string): Promise<Record<Style, PreparedFace>> => {
    let prepared = faces.get(extra);
    if (!prepared) {
      const codePoints = [...BASE_CODE_POINTS, ...Array.from(extra, (char) => char.codePointAt(0)!)];
      prepared = Promise.all(STYLES.map((style) => prepareFace(fonts[style], codePoints))).then(
        ([regular, bold, italic]) => ({ regular: regular!, bold: bold!, italic: italic! }),
      );
      prepared.catch(() => faces.delete(extra));
      faces.set(extra, prepared);
    }
    return prepared;
  };
  return {
    async render(original) {
      const document = normalise(original);
      const faces = await facesFor(textsOf(document));
      const pdf = await PDFDocument.create({ updateMetadata: false });
      const writer = new PageWriter(pdf, faces);
      writeDocument(writer, document);
      writer.finish();
      setMetadata(pdf, document);
      return pdf.save({ useObjectStreams: false, objectsPerTick: Infinity });
    },
  };
}

let defaultRenderer: DocumentRenderer | undefined;

/** Renders `document` as a PDF with the bundled fonts (a shared renderer, created on first use). */
export function renderDocumentPdf(document: OfficialDocument): Promise<Uint8Array> {
  defaultRenderer ??= createDocumentRenderer();
  return defaultRenderer.render(document);
}

function normalise(document: OfficialDocument): OfficialDocument {
  // Composed forms (NFC) have their own glyphs in the font; decomposed marks would need positioning pdf-lib lacks.
  const nfc = (text: string) => text.normalize('NFC');
  return {
    ...document,
    agencyName: nfc(document.agencyName),
    parentAgencyName: document.parentAgencyName && nfc(document.parentAgencyName),
    documentNumber: nfc(document.documentNumber),
    place: nfc(document.place),
    title: nfc(document.title),
    paragraphs: document.paragraphs.map(nfc),
    fields: document.fields?.map(({ label, value }) => ({ label: nfc(label), value: nfc(value) })),
    signer: { title: nfc(document.signer.title), name: nfc(document.signer.name) },
  };
}

function textsOf(document: OfficialDocument): string[] {
  return [
    upper(document.agencyName),
    upper(document.parentAgencyName ?? ''),
    document.documentNumber,
    document.place,
    document.title,
    ...document.paragraphs,
    ...(document.fields ?? []).flatMap(({ label, value }) => [label, value]),
    upper(document.signer.title),
    document.signer.name,
    NATIONAL_TITLE,
    MOTTO,
    vietnameseDocumentDate(document.issuedAt),
    'Số: 0123456789',
  ];
}

function setMetadata(pdf: PDFDocument, document: OfficialDocument): void {
  pdf.setTitle(document.title.replace(/\s*\n\s*/g, ' ').normalize('NFC'));
  pdf.setAuthor(document.agencyName.normalize('NFC'));
  pdf.setSubject(document.documentNumber.normalize('NFC'));
  pdf.setCreator('motcua');
  pdf.setProducer('motcua');
  pdf.setCreationDate(document.issuedAt);
  pdf.setModificationDate(document.issuedAt);
  pdf.setLanguage('vi-VN');
  // PAdES signatures (/ETSI.CAdES.detached) in a PDF 1.7 file: declare the ESIC extension, level 2, as Acrobat does
  pdf.catalog.set(PDFName.of('Extensions'), pdf.context.obj({ ESIC: { BaseVersion: '1.7', ExtensionLevel: 2 } }));
}

function writeDocument(writer: PageWriter, document: OfficialDocument): void {
  writeHeader(writer, document);

  writer.moveDown(24);
  for (const line of document.title.split('\n')) {
    for (const wrapped of writer.wrapBalanced(line.trim(), 'bold', SIZE.title, CONTENT_WIDTH)) {
      writer.lineCentred(wrapped, 'bold', SIZE.title, MARGIN.left + CONTENT_WIDTH / 2);
    }
  }
  writer.moveDown(12);

  for (const paragraph of document.paragraphs) {
    writer.paragraph(paragraph, 'regular', SIZE.body, FIRST_LINE_INDENT);
    writer.moveDown(PARAGRAPH_GAP);
  }
  for (const { label, value } of document.fields ?? []) {
    const separator = /[:：]\s*$/.test(label) ? ' ' : ': ';
    writer.paragraph(`${label.trimEnd()}${separator}${value}`, 'regular', SIZE.body, FIRST_LINE_INDENT);
    writer.moveDown(2);
  }

  writeSignerBlock(writer, document);
}

function writeHeader(writer: PageWriter, document: OfficialDocument): void {
  const top = writer.y;
  const leftCentre = LEFT_COLUMN.x + LEFT_COLUMN.width / 2;
  const rightCentre = RIGHT_COLUMN.x + RIGHT_COLUMN.width / 2;

  // Left: managing agency, issuing agency (bold) with a short rule under it.
  const headerLines = (text: string, style: Style) =>
    text.split('\n').flatMap((line) => writer.wrapBalanced(upper(line.trim()), style, SIZE.header, LEFT_COLUMN.width));
  for (const line of document.parentAgencyName ? headerLines(document.parentAgencyName, 'regular') : []) {
    writer.lineCentred(line, 'regular', SIZE.header, leftCentre);
  }
  const agencyLines = headerLines(document.agencyName, 'bold');
  for (const line of agencyLines) writer.lineCentred(line, 'bold', SIZE.header, leftCentre);
  const agencyWidth = writer.width(agencyLines[agencyLines.length - 1] ?? '', 'bold', SIZE.header);
  writer.rule(leftCentre, Math.max(agencyWidth / 3, 30));
  const leftBottom = writer.y;

  // Right: national title, motto (bold) with a rule as long as the motto.
  writer.y = top;
  const titleSize = writer.fitSize(NATIONAL_TITLE, 'bold', SIZE.nationalTitle, RIGHT_COLUMN.width);
  writer.lineCentred(NATIONAL_TITLE, 'bold', titleSize, rightCentre);
  writer.lineCentred(MOTTO, 'bold', SIZE.motto, rightCentre);
  writer.rule(rightCentre, writer.width(MOTTO, 'bold', SIZE.motto));
  const rightBottom = writer.y;

  // Then the number (left) and the place and date (right, italic) on one line.
  writer.y = Math.min(leftBottom, rightBottom) - 6;
  const dateLine = `${document.place}, ${vietnameseDocumentDate(document.issuedAt)}`;
  const dateLines = writer.wrap(dateLine, 'italic', SIZE.body, RIGHT_COLUMN.width);
  const rowTop = writer.y;
  writer.lineCentred(`Số: ${document.documentNumber}`, 'regular', SIZE.body, leftCentre);
  const numberBottom = writer.y;
  writer.y = rowTop;
  for (const line of dateLines) writer.lineCentred(line, 'italic', SIZE.body, rightCentre);
  writer.y = Math.min(writer.y, numberBottom);
}

function writeSignerBlock(writer: PageWriter, document: OfficialDocument): void {
  const rightCentre = RIGHT_COLUMN.x + RIGHT_COLUMN.width / 2;
  const titleLines = document.signer.title
    .split('\n')
    .flatMap((line) => writer.wrapBalanced(upper(line.trim()), 'bold', SIZE.body, RIGHT_COLUMN.width));
  const lineHeight = SIZE.body * LINE_HEIGHT;
  const height = 12 + (titleLines.length + 1) * lineHeight + SIGNATURE_SPACE;
  writer.keepTogether(Math.max(height, document.qrText ? QR_SIZE + 12 : 0));
  writer.moveDown(12);
  const top = writer.y;
  for (const line of titleLines) writer.lineCentred(line, 'bold', SIZE.body, rightCentre);
  writer.moveDown(SIGNATURE_SPACE);
  writer.lineCentred(document.signer.name, 'bold', SIZE.body, rightCentre);
  if (document.qrText) writer.qr(document.qrText, MARGIN.left, top - QR_SIZE, QR_SIZE);
}

const upper = (text: string) => text.toLocaleUpperCase('vi');

/**
 * Writes pages top-down. Content streams are written directly (text as glyph ids of the prepared faces) and
 * compressed with Node's zlib: pdf-lib's drawing API builds an object per operand and compresses with pure-JS pako,
 * which cost more than the rest of the document.
 */
class PageWriter {
  private readonly fontRefs: Record<Style, PDFRef>;
  private page!: PDFPage;
  private fontNames!: Record<Style, string>;
  private content: string[] = [];
  private readonly pages: Array<{ page: PDFPage; content: string[] }> = [];
  /** The top of the next line. */
  y = 0;

  constructor(
    private readonly pdf: PDFDocument,
    private readonly faces: Record<Style, PreparedFace>,
  ) {
    const embed = (style: Style) => embedPreparedFace(pdf.context, faces[style]);
    this.fontRefs = { regular: embed('regular'), bold: embed('bold'), italic: embed('italic') };
    this.newPage();
  }

  newPage(): void {
    this.page = this.pdf.addPage([PAGE.width, PAGE.height]);
    const name = (style: Style) => this.page.node.newFontDictionary(style[0]!.toUpperCase(), this.fontRefs[style]);
    this.fontNames = {
      regular: name('regular').toString(),
      bold: name('bold').toString(),
      italic: name('italic').toString(),
    };
    this.content = [];
    this.pages.push({ page: this.page, content: this.content });
    this.y = PAGE.height - MARGIN.top;
    if (this.pages.length > 1) {
      const number = String(this.pages.length);
      const width = this.width(number, 'regular', SIZE.pageNumber);
      this.text(number, 'regular', SIZE.pageNumber, PAGE.width / 2 - width / 2, PAGE.height - MARGIN.top / 2 - 6);
    }
  }

  /** Gives every page its content stream. */
  finish(): void {
    const { context } = this.pdf;
    for (const { page, content } of this.pages) {
      const compressed = deflateSync(content.join('\n'));
      const stream = PDFRawStream.of(context.obj({ Filter: 'FlateDecode', Length: compressed.length }), compressed);
      page.node.set(PDFName.of('Contents'), context.register(stream));
    }
  }

  private text(text: string, style: Style, size: number, x: number, baseline: number): void {
    const hex = encodeHex(this.faces[style], text);
    this.content.push(`BT ${this.fontNames[style]} ${n(size)} Tf ${n(x)} ${n(baseline)} Td <${hex}> Tj ET`);
  }

  moveDown(points: number): void {
    this.y -= points;
  }

  /** Starts a new page unless `height` points fit above the bottom margin. */
  keepTogether(height: number): void {
    if (this.y - height < MARGIN.bottom) this.newPage();
  }

  width(text: string, style: Style, size: number): number {
    return this.unitWidth(text, style) * size;
  }

  /** The largest size up to `size` at which `text` fits in `width`. */
  fitSize(text: string, style: Style, size: number, width: number): number {
    return Math.min(size, width / this.unitWidth(text, style));
  }

  private unitWidth(text: string, style: Style): number {
    return textWidth(this.faces[style], text, 1);
  }

  /** Greedy line breaking on spaces; a word longer than a line is cut between characters. */
  wrap(text: string, style: Style, size: number, width: number, firstLineIndent = 0): string[] {
    const words = text.split(/\s+/).filter(Boolean);
    const space = this.width(' ', style, size);
    const lines: string[] = [];
    let line: string[] = [];
    let lineWidth = 0;
    let available = width - firstLineIndent;
    const flush = () => {
      lines.push(line.join(' '));
      line = [];
      lineWidth = 0;
      available = width;
    };
    for (const word of words) {
      const wordWidth = this.width(word, style, size);
      if (line.length && lineWidth + space + wordWidth > available) flush();
      if (wordWidth > available) {
        for (const piece of this.cut(word, style, size, available, width)) {
          if (line.length) flush();
          line.push(piece);
          lineWidth = this.width(piece, style, size);
        }
        continue;
      }
      lineWidth += (line.length ? space : 0) + wordWidth;
      line.push(word);
    }
    if (line.length || lines.length === 0) lines.push(line.join(' '));
    return lines;
  }

  private cut(word: string, style: Style, size: number, firstWidth: number, width: number): string[] {
    const pieces: string[] = [];
    let piece = '';
    let available = firstWidth;
    for (const char of word) {
      if (piece && this.width(piece + char, style, size) > available) {
        pieces.push(piece);
        piece = '';
        available = width;
      }
      piece += char;
    }
    if (piece) pieces.push(piece);
    return pieces;
  }

  /** As few lines as `wrap` gives, of widths as even as possible: for centred headings. */
  wrapBalanced(text: string, style: Style, size: number, width: number): string[] {
    const lines = this.wrap(text, style, size, width);
    if (lines.length < 2) return lines;
    let low = 0;
    let high = width;
    let best = lines;
    for (let step = 0; step < 12; step += 1) {
      const middle = (low + high) / 2;
      const candidate = this.wrap(text, style, size, middle);
      if (candidate.length <= lines.length && candidate.every((line) => this.width(line, style, size) <= middle)) {
        best = candidate;
        high = middle;
      } else {
        low = middle;
      }
    }
    return best;
  }

  paragraph(text: string, style: Style, size: number, firstLineIndent: number): void {
    const lines = this.wrap(text, style, size, CONTENT_WIDTH, firstLineIndent);
    lines.forEach((line, i) => this.line(line, style, size, MARGIN.left + (i === 0 ? firstLineIndent : 0)));
  }

  line(text: string, style: Style, size: number, x: number): void {
    const height = size * LINE_HEIGHT;
    this.keepTogether(height);
    if (text) this.text(text, style, size, x, this.y - size * 1.02);
    this.y -= height;
  }

  lineCentred(text: string, style: Style, size: number, centre: number): void {
    this.line(text, style, size, centre - this.width(text, style, size) / 2);
  }

  /** A thin horizontal rule under the last line, centred on `centre`. */
  rule(centre: number, length: number): void {
    const y = n(this.y - 1);
    this.content.push(`0.6 w ${n(centre - length / 2)} ${y} m ${n(centre + length / 2)} ${y} l S`);
    this.y -= 5;
  }

  /**
   * A QR code as a 1-bit image, one pixel a module, scaled to `size` with its bottom left corner at (x, y). (As
   * vector rectangles it costs more to write than the rest of the page.)
   */
  qr(text: string, x: number, y: number, size: number): void {
    // A fixed mask: choosing the best of eight costs ~2 ms, and every mask makes a valid, readable code
    const modules = encodeQR(text, 'raw', { ecc: 'medium', border: 0, mask: 0 });
    const width = modules.length;
    const rowBytes = Math.ceil(width / 8);
    const pixels = new Uint8Array(rowBytes * width).fill(0xff);
    modules.forEach((row, r) =>
      row.forEach((dark, c) => {
        if (dark) pixels[r * rowBytes + (c >> 3)]! &= ~(0x80 >> (c & 7));
      }),
    );
    const { context } = this.pdf;
    const image = context.register(
      PDFRawStream.of(
        context.obj({
          Type: 'XObject',
          Subtype: 'Image',
          Width: width,
          Height: width,
          ColorSpace: 'DeviceGray',
          BitsPerComponent: 1,
          Interpolate: false,
          Length: pixels.length,
        }),
        pixels,
      ),
    );
    const name = this.page.node.newXObject('QR', image).toString();
    this.content.push(`q ${n(size)} 0 0 ${n(size)} ${n(x)} ${n(y)} cm ${name} Do Q`);
  }
}

/** A number as a PDF operand: at most two decimals, no trailing zeros. */
function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}
