// A small DER (ASN.1 Distinguished Encoding Rules) writer and reader: just what X.509 certificates and CMS
// SignedData need. Writing it here keeps signing on Node's native crypto instead of a pure-JS RSA.

export type Der = Uint8Array;

export const Tag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

function lengthBytes(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** One tag-length-value element; `content` is the encoded content, or the encoded children in order. */
export function tlv(tag: number, content: Der | readonly Der[]): Der {
  const parts = content instanceof Uint8Array ? [content] : content;
  let length = 0;
  for (const part of parts) length += part.length;
  const header = [tag, ...lengthBytes(length)];
  const out = new Uint8Array(header.length + length);
  out.set(header, 0);
  let offset = header.length;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export const sequence = (...items: Der[]): Der => tlv(Tag.sequence, items);

/** SET OF: DER orders the elements by their encodings. */
export function setOf(items: readonly Der[]): Der {
  return tlv(Tag.set, [...items].sort(compareBytes));
}

/** [n] EXPLICIT: a constructed context-specific element wrapping one complete element. */
export const explicit = (n: number, ...items: Der[]): Der => tlv(0xa0 | n, items);

/** [n] IMPLICIT over a constructed type (SET OF, SEQUENCE): the children under a context-specific tag. */
export const implicitConstructed = (n: number, items: readonly Der[]): Der => tlv(0xa0 | n, items);

/** [n] IMPLICIT over a primitive type (OCTET STRING, ...): the content bytes under a context-specific tag. */
export const implicitPrimitive = (n: number, content: Der): Der => tlv(0x80 | n, content);

export const nullValue = (): Der => Uint8Array.of(Tag.null, 0);
export const boolean = (value: boolean): Der => Uint8Array.of(Tag.boolean, 1, value ? 0xff : 0);
export const octetString = (bytes: Uint8Array): Der => tlv(Tag.octetString, bytes);
export const utf8String = (text: string): Der => tlv(Tag.utf8String, Buffer.from(text, 'utf8'));
export const printableString = (text: string): Der => tlv(Tag.printableString, Buffer.from(text, 'latin1'));
export const ia5String = (text: string): Der => tlv(Tag.ia5String, Buffer.from(text, 'latin1'));

/** A BIT STRING holding whole bytes (a signature, a public key). */
export const bitString = (bytes: Uint8Array): Der => tlv(Tag.bitString, [Uint8Array.of(0), bytes]);

/** A named-bit BIT STRING (KeyUsage): bit 0 is the most significant bit; DER drops trailing zero bits. */
export function namedBits(bits: readonly number[]): Der {
  if (bits.length === 0) return Uint8Array.of(Tag.bitString, 1, 0);
  const highest = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return tlv(Tag.bitString, [Uint8Array.of(7 - (highest & 7)), bytes]);
}

/** A non-negative INTEGER from big-endian magnitude bytes or a number. */
export function integer(value: number | Uint8Array): Der {
  let bytes: Uint8Array;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`integer: ${value} is not a safe natural`);
    const digits: number[] = [];
    for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) digits.unshift(rest & 0xff);
    bytes = Uint8Array.from(digits.length ? digits : [0]);
  } else {
    let start = 0;
    while (start < value.length - 1 && value[start] === 0) start += 1;
    bytes = value.subarray(start);
    if (bytes.length === 0) bytes = Uint8Array.of(0);
  }
  return bytes[0]! & 0x80 ? tlv(Tag.integer, [Uint8Array.of(0), bytes]) : tlv(Tag.integer, bytes);
}

const oidCache = new Map<string, Der>();

export function oid(dotted: string): Der {
  const cached = oidCache.get(dotted);
  if (cached) return cached;
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((arc) => !Number.isSafeInteger(arc) || arc < 0)) {
    throw new Error(`oid: ${dotted} is not an object identifier`);
  }
  const body: number[] = [];
  const push = (arc: number) => {
    const digits = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128))
      digits.unshift(0x80 | (rest & 0x7f));
    body.push(...digits);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const arc of arcs.slice(2)) push(arc);
  const encoded = tlv(Tag.oid, Uint8Array.from(body));
  oidCache.set(dotted, encoded);
  return encoded;
}

const two = (n: number) => String(n).padStart(2, '0');

/** X.509 Time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5); whole seconds, UTC. */
export function x509Time(date: Date): Der {
  const year = date.getUTCFullYear();
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(
    date.getUTCMinutes(),
  )}${two(date.getUTCSeconds())}Z`;
  if (year >= 1950 && year < 2050) return tlv(Tag.utcTime, Buffer.from(`${two(year % 100)}${rest}`, 'latin1'));
  return tlv(Tag.generalizedTime, Buffer.from(`${String(year).padStart(4, '0')}${rest}`, 'latin1'));
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

// --- reading -------------------------------------------------------------------------------------

/** One element read from a DER buffer: `bytes` is the whole element, `content` its value. */
export interface Element {
  tag: number;
  bytes: Uint8Array;
  content: Uint8Array;
}

/** Reads the element starting at `offset`. Only definite lengths, as DER requires. */
export function readElement(buffer: Uint8Array, offset = 0): Element {
  const tag = buffer[offset];
  const first = buffer[offset + 1];
  if (tag === undefined || first === undefined) throw new Error('DER: truncated element');
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: multi-byte tags are not supported');
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new Error('DER: indefinite or oversized length');
    length = 0;
    for (let i = 0; i < count; i += 1) length = length * 256 + (buffer[offset + 2 + i] ?? 0);
    header += count;
  }
  const end = offset + header + length;
  if (end > buffer.length) throw new Error('DER: element runs past the end of the buffer');
  return { tag, bytes: buffer.subarray(offset, end), content: buffer.subarray(offset + header, end) };
}

/** The children of a constructed element. */
export function childrenOf(element: Element): Element[] {
  const children: Element[] = [];
  for (let offset = 0; offset < element.content.length;) {
    const child = readElement(element.content, offset);
    children.push(child);
    offset += child.bytes.length;
  }
  return children;
}

export function decodeOid(element: Element): string {
  if (element.tag !== Tag.oid) throw new Error(`DER: expected an OID, got tag 0x${element.tag.toString(16)}`);
  const arcs: number[] = [];
  let value = 0;
  for (const byte of element.content) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

// --- PEM -----------------------------------------------------------------------------------------

export function toPem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Every PEM block with the given label, decoded, in order. */
export function fromPem(label: string, pem: string): Uint8Array[] {
  const pattern = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...pem.matchAll(pattern)].map(
    (match) => new Uint8Array(Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64')),
  );
}
