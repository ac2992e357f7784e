import type { AttachmentMediaType } from './attachment.entity.ts';

/** The file types applicants may attach, recognised by their first bytes (never by name or declared type). */
const SIGNATURES: readonly { mediaType: AttachmentMediaType; short: 'pdf' | 'jpeg' | 'png'; magic: number[] }[] = [
  { mediaType: 'application/pdf', short: 'pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { mediaType: 'image/jpeg', short: 'jpeg', magic: [0xff, 0xd8, 0xff] },
  { mediaType: 'image/png', short: 'png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
];

export const EXTENSIONS: Readonly<Record<AttachmentMediaType, string>> = {
  'application/pdf': '.pdf',
  'image/jpeg': '.jpg',
  'image/png': '.png',
};

/** The media type the content really is, or undefined when it is none of PDF, JPEG and PNG. */
export function detectMediaType(
  bytes: Uint8Array,
): { mediaType: AttachmentMediaType; short: 'pdf' | 'jpeg' | 'png' } | undefined {
  for (const signature of SIGNATURES) {
    if (bytes.length >= signature.magic.length && signature.magic.every((byte, index) => bytes[index] === byte)) {
      return { mediaType: signature.mediaType, short: signature.short };
    }
  }
  return undefined;
}
