// A font prepared once and embedded in many documents: a TrueType subset for a fixed set of characters (Vietnamese
// and Latin by default), compressed once, with its widths, ToUnicode map and descriptor computed once. Embedding it in
// a document is then a handful of small objects around shared, already compressed bytes, and encoding text is a map
// lookup per character. pdf-lib's own custom fonts do all of that again for every document (fontkit shaping of every
// string, subset encoding, compression), which cost ~20 ms a document.

import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

import { PDFArray, PDFNumber, PDFRawStream, PDFString, type PDFContext, type PDFRef } from 'pdf-lib';

import { cachingFontkit } from './fonts.ts';

type FontkitFont = ReturnType<typeof cachingFontkit.create>;

/** The characters every prepared face has: ASCII, Latin-1, Vietnamese, common punctuation and symbols. */
export const BASE_CODE_POINTS: readonly number[] = [
  ...range(0x20, 0x7e),
  ...range(0xa0, 0xff),
  ...[0x102, 0x103, 0x110, 0x111, 0x128, 0x129, 0x168, 0x169, 0x1a0, 0x1a1, 0x1af, 0x1b0],
  ...range(0x300, 0x301),
  ...[0x303, 0x309, 0x323],
  ...range(0x1ea0, 0x1ef9),
  ...[0x2013, 0x2014, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2026, 0x2030, 0x20ab, 0x20ac, 0x2116, 0x2212],
];

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

export interface PreparedFace {
  /** The characters asked for (whether or not the font has them). */
  readonly requested: ReadonlySet<number>;
  readonly baseFontName: string;
  /** Code point → glyph id in the subset (= CID, with Identity-H). */
  readonly glyphIds: ReadonlyMap<number, number>;
  /** Code point → advance width in thousandths of the font size. */
  readonly advances: ReadonlyMap<number, number>;
  /** Advance widths by glyph id of the subset, for /W. */
  readonly glyphWidths: readonly number[];
  /** The same as PDF numbers, made once: pdf-lib formats a number as it creates it, which adds up for ~300. */
  readonly glyphWidthNumbers: readonly PDFNumber[];
  readonly fontFile: { compressed: Uint8Array; length: number };
  readonly toUnicode: Uint8Array;
  readonly descriptor: {
    flags: number;
    bbox: [number, number, number, number];
    italicAngle: number;
    ascent: number;
    descent: number;
    capHeight: number;
    xHeight: number;
  };
}

/** Whether `face` was prepared for every character of `text` (characters the font lacks draw as .notdef). */
export function faceCovers(face: PreparedFace, text: string): boolean {
  for (const char of text) if (!face.requested.has(char.codePointAt(0)!)) return false;
  return true;
}

/**
 * Subsets `fontBytes` (TrueType) to the characters in `codePoints` that the font has and pre-computes everything
 * that embedding needs. Takes ~50 ms: do it once per font and character set.
 */
export async function prepareFace(fontBytes: Uint8Array, codePoints: Iterable<number>): Promise<PreparedFace> {
  const font = cachingFontkit.create(fontBytes);
  if (font.cff) throw new Error('prepareFace: CFF (OpenType/PostScript) fonts are not supported, use TrueType');
  const scale = 1000 / font.unitsPerEm;
  const subset = font.createSubset();
  const glyphIds = new Map<number, number>();
  const advances = new Map<number, number>();
  const glyphWidths: number[] = [Math.round(font.getGlyph(0).advanceWidth * scale)];
  const toUnicode = new Map<number, number>();
  const sorted = [...new Set(codePoints)].sort((a, b) => a - b);
  for (const codePoint of sorted) {
    if (!font.hasGlyphForCodePoint(codePoint)) continue;
    const glyph = font.glyphForCodePoint(codePoint);
    const id = subset.includeGlyph(glyph);
    glyphIds.set(codePoint, id);
    const width = glyph.advanceWidth * scale;
    advances.set(codePoint, width);
    glyphWidths[id] = Math.round(width);
    // several characters may share a glyph (space and no-break space): the first, lowest one is what extracts
    if (!toUnicode.has(id)) toUnicode.set(id, codePoint);
  }
  const raw = await encodeSubset(subset);
  const name = (font.postscriptName ?? 'Font').replace(/[^\x21-\x7e]|[()<>[\]{}/%#]/g, '');
  const tag = subsetTag(name, sorted);
  const { italicAngle, ascent, descent, capHeight, xHeight, bbox } = font;
  const os2 = (font as unknown as { 'OS/2'?: { sFamilyClass?: number } })['OS/2'];
  const serif = [1, 2, 3, 4, 5, 7].includes((os2?.sFamilyClass ?? 0) >> 8);
  return {
    requested: new Set(sorted),
    baseFontName: `${tag}+${name}`,
    glyphIds,
    advances,
    glyphWidths,
    glyphWidthNumbers: Array.from(glyphWidths, (width) => PDFNumber.of(width ?? 0)),
    fontFile: { compressed: deflateSync(raw, { level: 9 }), length: raw.length },
    toUnicode: deflateSync(Buffer.from(toUnicodeCMap(toUnicode), 'latin1')),
    descriptor: {
      // Symbolic (4): glyphs are addressed by CID, not a standard Latin encoding; Serif (2); Italic (64)
      flags: 4 | (serif ? 2 : 0) | (italicAngle !== 0 ? 64 : 0),
      bbox: [bbox.minX * scale, bbox.minY * scale, bbox.maxX * scale, bbox.maxY * scale],
      italicAngle,
      ascent: ascent * scale,
      descent: descent * scale,
      capHeight: (capHeight || ascent) * scale,
      xHeight: (xHeight || 0) * scale,
    },
  };
}

function encodeSubset(subset: ReturnType<FontkitFont['createSubset']>): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    // fontkit's typings omit that this is a Node readable stream
    const stream = subset.encodeStream() as unknown as NodeJS.ReadableStream;
    stream.on('data', (bytes: Uint8Array) => parts.push(bytes));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
    stream.resume();
  });
}

/** Six capital letters naming the subset (ISO 32000-1 §9.6.4), stable for a font and a character set. */
function subsetTag(fontName: string, codePoints: readonly number[]): string {
  const digest = createHash('sha256').update(fontName).update(Uint32Array.from(codePoints)).digest();
  return Array.from(digest.subarray(0, 6), (byte) => String.fromCharCode(65 + (byte % 26))).join('');
}

function toUnicodeCMap(map: ReadonlyMap<number, number>): string {
  const hex4 = (n: number) => n.toString(16).padStart(4, '0');
  const utf16 = (codePoint: number) =>
    Array.from(String.fromCodePoint(codePoint), (unit) => hex4(unit.charCodeAt(0))).join('');
  const entries = [...map].sort(([a], [b]) => a - b);
  const blocks: string[] = [];
  for (let i = 0; i < entries.length; i += 100) {
    const block = entries.slice(i, i + 100);
    blocks.push(
      `${block.length} beginbfchar\n${block.map(([id, cp]) => `<${hex4(id)}> <${utf16(cp)}>`).join('\n')}\nendbfchar`,
    );
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <ffff>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}

/** The glyph ids of `text` in `face`, as the hex string of a Tj operand (Identity-H: two bytes a glyph). */
export function encodeHex(face: PreparedFace, text: string): string {
  let hex = '';
  for (const char of text) {
    const id = face.glyphIds.get(char.codePointAt(0)!) ?? 0;
    hex += HEX4[id] ?? id.toString(16).padStart(4, '0');
  }
  return hex;
}

const HEX4 = Array.from({ length: 4096 }, (_, id) => id.toString(16).padStart(4, '0'));

/** The advance width of `text` in `face` at `size` points (no kerning, as the text is drawn). */
export function textWidth(face: PreparedFace, text: string, size: number): number {
  let width = 0;
  for (const char of text) width += face.advances.get(char.codePointAt(0)!) ?? face.glyphWidths[0]!;
  return (width * size) / 1000;
}

/**
 * Adds `face` to `context` as a Type 0 font (Identity-H, CIDFontType2) and returns its reference. The font file and
 * ToUnicode map are the face's compressed bytes, shared, not copied.
 */
export function embedPreparedFace(context: PDFContext, face: PreparedFace): PDFRef {
  const fontFile = context.register(
    PDFRawStream.of(
      context.obj({ Filter: 'FlateDecode', Length: face.fontFile.compressed.length, Length1: face.fontFile.length }),
      face.fontFile.compressed,
    ),
  );
  const toUnicode = context.register(
    PDFRawStream.of(context.obj({ Filter: 'FlateDecode', Length: face.toUnicode.length }), face.toUnicode),
  );
  const descriptor = context.register(
    context.obj({
      Type: 'FontDescriptor',
      FontName: face.baseFontName,
      Flags: face.descriptor.flags,
      FontBBox: face.descriptor.bbox,
      ItalicAngle: face.descriptor.italicAngle,
      Ascent: face.descriptor.ascent,
      Descent: face.descriptor.descent,
      CapHeight: face.descriptor.capHeight,
      XHeight: face.descriptor.xHeight,
      StemV: 0,
      FontFile2: fontFile,
    }),
  );
  const widths = PDFArray.withContext(context);
  for (const width of face.glyphWidthNumbers) widths.push(width);
  const cidFont = context.register(
    context.obj({
      Type: 'Font',
      Subtype: 'CIDFontType2',
      CIDToGIDMap: 'Identity',
      BaseFont: face.baseFontName,
      CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
      FontDescriptor: descriptor,
      W: [0, widths],
    }),
  );
  return context.register(
    context.obj({
      Type: 'Font',
      Subtype: 'Type0',
      BaseFont: face.baseFontName,
      Encoding: 'Identity-H',
      DescendantFonts: [cidFont],
      ToUnicode: toUnicode,
    }),
  );
}
