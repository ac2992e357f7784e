import { EXTENSIONS } from './media-type.ts';
import type { AttachmentMediaType } from './attachment.entity.ts';

const MAX_LENGTH = 180;

/**
 * A file name safe to store and to send back in Content-Disposition: the last path segment only, Unicode NFC (so
 * Vietnamese letters stay one code point each), no control or bidirectional-override characters (which disguise an
 * extension), none of `<>:"/\|?*`, no leading dots, whitespace collapsed, at most 180 characters, and the extension of
 * the detected type (a PNG named `scan.pdf` becomes `scan.pdf.png`).
 */
export function sanitiseFileName(original: string, mediaType: AttachmentMediaType): string {
  const lastSegment = original.split(/[/\\]/).pop() ?? '';
  let name = lastSegment
    .normalize('NFC')
    .replace(/[\t\n\r\v\f\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/[<>:"|?*]/g, '')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/^[.\s]+/u, '')
    .replace(/[.\s]+$/u, '');
  const extension = EXTENSIONS[mediaType];
  const lower = name.toLowerCase();
  const matches =
    lower.endsWith(extension) || (mediaType === 'image/jpeg' && (lower.endsWith('.jpeg') || lower.endsWith('.jpe')));
  if (name === '') name = 'tep-dinh-kem';
  if (!matches) name = `${name}${extension}`;
  const chars = [...name];
  if (chars.length > MAX_LENGTH) {
    const tail = matches ? [...name.slice(name.lastIndexOf('.'))] : [...extension];
    name =
      chars
        .slice(0, MAX_LENGTH - tail.length)
        .join('')
        .trimEnd() + tail.join('');
  }
  return name;
}
