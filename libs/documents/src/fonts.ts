import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument } from 'pdf-lib';

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];

/** TrueType fonts for the three styles of an administrative document. They must cover Vietnamese. */
export interface DocumentFonts {
  regular: Uint8Array;
  bold: Uint8Array;
  italic: Uint8Array;
}

const BUNDLED = {
  regular: 'dejavu-fonts-ttf/ttf/DejaVuSerifCondensed.ttf',
  bold: 'dejavu-fonts-ttf/ttf/DejaVuSerifCondensed-Bold.ttf',
  italic: 'dejavu-fonts-ttf/ttf/DejaVuSerifCondensed-Italic.ttf',
} as const;

let bundled: DocumentFonts | undefined;

/**
 * DejaVu Serif Condensed (Bitstream Vera licence, DejaVu changes in the public domain), as shipped by the npm package
 * dejavu-fonts-ttf: a serif face with full Vietnamese coverage, near the widths of the Times New Roman that Decree
 * 30/2020 asks for. Read from that package's files once, then kept.
 *
 * (Noto Serif, OFL, was tried first: fontkit's TrueType subsetter, which pdf-lib uses, drops most of its glyphs.)
 */
export function loadBundledFonts(): DocumentFonts {
  if (!bundled) {
    const require = createRequire(import.meta.url);
    const read = (specifier: string) => new Uint8Array(readFileSync(require.resolve(specifier)));
    bundled = { regular: read(BUNDLED.regular), bold: read(BUNDLED.bold), italic: read(BUNDLED.italic) };
  }
  return bundled;
}

const parsedFonts = new WeakMap<Uint8Array, ReturnType<Fontkit['create']>>();

/**
 * fontkit with a cache of parsed fonts by font buffer: pdf-lib parses the font again for every document, and the
 * tables it then reads (cmap, metrics, glyphs) are decoded again too. A fontkit font is read-only once parsed, so one
 * parse serves every document.
 */
export const cachingFontkit: Fontkit = {
  create(buffer: Uint8Array, postscriptName?: string) {
    if (postscriptName !== undefined) return fontkit.create(buffer, postscriptName);
    let font = parsedFonts.get(buffer);
    if (!font) {
      font = fontkit.create(buffer);
      parsedFonts.set(buffer, font);
    }
    return font;
  },
};
