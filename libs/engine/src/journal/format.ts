/**
 * On-disk framing of the journal, format version 1. All integers little-endian; a u64 is written as
 * two u32 (low, high) because positions are JavaScript numbers (< 2^53).
 *
 * Segment `<first position, 20 digits>.log`:
 *   header 16 B: magic "MCJL" | u32 version | u64 first position
 *   records:     u32 header crc | u32 payload length | u64 position | u32 index in write group | u32 payload crc
 *                | payload (JSON, utf8)
 *   The header crc covers the 20 header bytes after it, so a length can be trusted before the payload is read.
 *   The index in write group (position - index = first position of the group written by one write+fsync)
 *   tells recovery whether damage lies in the last, unacknowledged write or in data acknowledged before it.
 *
 * Snapshot `snapshot-<position, 20 digits>.snap`:
 *   header 24 B: magic "MCJS" | u32 version | u64 position | u32 payload length | u32 crc | payload (JSON, utf8)
 *   The crc covers position, length and payload.
 */
import { crc32 } from './crc32.ts';

export const FORMAT_VERSION = 1;
export const SEGMENT_HEADER_BYTES = 16;
export const RECORD_HEADER_BYTES = 24;
export const SNAPSHOT_HEADER_BYTES = 24;

const SEGMENT_MAGIC = Buffer.from('MCJL', 'latin1');
const SNAPSHOT_MAGIC = Buffer.from('MCJS', 'latin1');
const U32 = 0x1_0000_0000;
const DIGITS = 20;

export function segmentFileName(first: number): string {
  return `${String(first).padStart(DIGITS, '0')}.log`;
}

export function snapshotFileName(position: number): string {
  return `snapshot-${String(position).padStart(DIGITS, '0')}.snap`;
}

/** First position of a segment file name, or undefined when the name is not a segment's. */
export function parseSegmentFileName(name: string): number | undefined {
  const match = /^(\d{20})\.log$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

export function parseSnapshotFileName(name: string): number | undefined {
  const match = /^snapshot-(\d{20})\.snap$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

function writeU64(buffer: Buffer, offset: number, value: number): void {
  buffer.writeUInt32LE(value % U32, offset);
  buffer.writeUInt32LE(Math.floor(value / U32), offset + 4);
}

function readU64(buffer: Buffer, offset: number): number {
  return buffer.readUInt32LE(offset) + buffer.readUInt32LE(offset + 4) * U32;
}

/** What a file header says, or why it cannot be read; `version` is set when only the version is unknown. */
export type HeaderRead = { ok: true; position: number } | { ok: false; version?: number; problem: string };

function readHeader(buffer: Buffer, magic: Buffer, headerBytes: number): HeaderRead {
  if (buffer.length < headerBytes) {
    return { ok: false, problem: `file is ${buffer.length} bytes, shorter than its ${headerBytes}-byte header` };
  }
  if (!buffer.subarray(0, 4).equals(magic)) {
    return { ok: false, problem: `magic is 0x${buffer.subarray(0, 4).toString('hex')}, expected "${magic}"` };
  }
  const version = buffer.readUInt32LE(4);
  if (version !== FORMAT_VERSION) return { ok: false, version, problem: `unknown format version ${version}` };
  return { ok: true, position: readU64(buffer, 8) };
}

export function encodeSegmentHeader(first: number): Buffer {
  const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
  SEGMENT_MAGIC.copy(header, 0);
  header.writeUInt32LE(FORMAT_VERSION, 4);
  writeU64(header, 8, first);
  return header;
}

export function readSegmentHeader(buffer: Buffer): HeaderRead {
  return readHeader(buffer, SEGMENT_MAGIC, SEGMENT_HEADER_BYTES);
}

/** One entry waiting to be written, already serialised (so a bad entry is refused at append time). */
export interface RecordToWrite {
  readonly position: number;
  readonly json: string;
}

/**
 * Frames a write group (consecutive positions, written and fsync'd together) into one buffer. The JSON is
 * encoded straight into it: cheaper than a Buffer per entry copied in afterwards.
 */
export function encodeGroup(records: readonly RecordToWrite[]): Buffer {
  const lengths = records.map((record) => Buffer.byteLength(record.json, 'utf8'));
  let size = 0;
  for (const length of lengths) size += RECORD_HEADER_BYTES + length;
  const buffer = Buffer.allocUnsafe(size);
  let offset = 0;
  records.forEach((record, index) => {
    const length = lengths[index];
    const payloadAt = offset + RECORD_HEADER_BYTES;
    buffer.write(record.json, payloadAt, 'utf8');
    buffer.writeUInt32LE(length, offset + 4);
    writeU64(buffer, offset + 8, record.position);
    buffer.writeUInt32LE(index, offset + 16);
    buffer.writeUInt32LE(crc32(buffer.subarray(payloadAt, payloadAt + length)), offset + 20);
    buffer.writeUInt32LE(crc32(buffer.subarray(offset + 4, payloadAt)), offset);
    offset = payloadAt + length;
  });
  return buffer;
}

export type RecordRead =
  { ok: true; position: number; groupStart: number; payload: Buffer; end: number } | { ok: false; problem: string };

/** Reads the record at `offset`, checking both checksums. */
export function readRecord(buffer: Buffer, offset: number): RecordRead {
  const available = buffer.length - offset;
  if (available < RECORD_HEADER_BYTES) {
    return { ok: false, problem: `only ${available} of a ${RECORD_HEADER_BYTES}-byte record header present` };
  }
  const headerCrc = crc32(buffer.subarray(offset + 4, offset + RECORD_HEADER_BYTES));
  if (headerCrc !== buffer.readUInt32LE(offset)) return { ok: false, problem: 'record header checksum mismatch' };
  const length = buffer.readUInt32LE(offset + 4);
  const end = offset + RECORD_HEADER_BYTES + length;
  if (end > buffer.length) {
    return { ok: false, problem: `payload of ${length} bytes, only ${available - RECORD_HEADER_BYTES} present` };
  }
  const payload = buffer.subarray(offset + RECORD_HEADER_BYTES, end);
  if (crc32(payload) !== buffer.readUInt32LE(offset + 20)) return { ok: false, problem: 'payload checksum mismatch' };
  const position = readU64(buffer, offset + 8);
  return { ok: true, position, groupStart: position - buffer.readUInt32LE(offset + 16), payload, end };
}

/**
 * Offset of an intact record after `damagedAt` written by a LATER write group than the one holding `position`
 * (the position expected at `damagedAt`). Groups are written strictly one after another, each only once the
 * previous one was fsync'd, so such a record proves the damaged data had been acknowledged: corruption, not a
 * torn write.
 */
export function findLaterGroupRecord(buffer: Buffer, damagedAt: number, position: number): number | undefined {
  for (let offset = damagedAt + 1; offset + RECORD_HEADER_BYTES <= buffer.length; offset++) {
    // Cheap filter before any checksum: records position..candidate-1 lie between damagedAt and offset.
    const candidate = readU64(buffer, offset + 8);
    if (candidate <= position || candidate - position > (offset - damagedAt) / RECORD_HEADER_BYTES) continue;
    const record = readRecord(buffer, offset);
    if (record.ok && record.groupStart > position) return offset;
  }
  return undefined;
}

export function encodeSnapshot(position: number, payload: Buffer): Buffer {
  const buffer = Buffer.allocUnsafe(SNAPSHOT_HEADER_BYTES + payload.length);
  SNAPSHOT_MAGIC.copy(buffer, 0);
  buffer.writeUInt32LE(FORMAT_VERSION, 4);
  writeU64(buffer, 8, position);
  buffer.writeUInt32LE(payload.length, 16);
  payload.copy(buffer, SNAPSHOT_HEADER_BYTES);
  buffer.writeUInt32LE(crc32(payload, crc32(buffer.subarray(8, 20))), 20);
  return buffer;
}

export type SnapshotRead =
  { ok: true; position: number; payload: Buffer } | { ok: false; version?: number; problem: string };

export function readSnapshot(buffer: Buffer): SnapshotRead {
  const header = readHeader(buffer, SNAPSHOT_MAGIC, SNAPSHOT_HEADER_BYTES);
  if (!header.ok) return header;
  const length = buffer.readUInt32LE(16);
  if (buffer.length !== SNAPSHOT_HEADER_BYTES + length) {
    return { ok: false, problem: `payload of ${length} bytes, file holds ${buffer.length - SNAPSHOT_HEADER_BYTES}` };
  }
  const payload = buffer.subarray(SNAPSHOT_HEADER_BYTES);
  if (crc32(payload, crc32(buffer.subarray(8, 20))) !== buffer.readUInt32LE(20)) {
    return { ok: false, problem: 'checksum mismatch' };
  }
  return { ok: true, position: header.position, payload };
}
