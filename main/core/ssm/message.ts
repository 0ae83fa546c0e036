/**
 * Binary codec for Session Manager data-channel messages (spec §3, §4).
 *
 * How to use:
 *   const frame = encodeMessage({ messageType: MessageType.InputStreamData, sequenceNumber: 3,
 *                                 payloadType: PayloadType.Output, payload: bytes });
 *   const msg = parseMessage(frame);           // decode + validate, throws only ProtocolError
 *   if (msg.messageType === MessageType.Acknowledge) parseAcknowledge(msg.payload)...
 *
 * One buffer per encoded frame; a decoded message's payload is a view into the frame (no copy),
 * so copy it if you keep it beyond the frame's life and the frame buffer is reused.
 * JSON payload builders and parsers for every control payload live in ./payloads.
 */
import { hash, randomFillSync } from 'node:crypto';
import { ProtocolError } from './errors';
import { MessageType } from './constants';

export { MessageType, PayloadType, MessageFlags, PortFlag, isStreamMessageType } from './constants';
export type { KnownMessageType, PortFlagValue } from './constants';
export * from './payloads';
export { ProtocolError } from './errors';
export type { ProtocolErrorCode } from './errors';

/** Header layout (§3.1). */
export const HEADER_LENGTH = 116;
export const PAYLOAD_OFFSET = 120;
export const MESSAGE_TYPE_LENGTH = 32;
const OFF_MESSAGE_TYPE = 4;
const OFF_SCHEMA_VERSION = 36;
const OFF_CREATED_DATE = 40;
const OFF_SEQUENCE = 48;
const OFF_FLAGS = 56;
const OFF_MESSAGE_ID = 64;
const OFF_DIGEST = 80;
const OFF_PAYLOAD_TYPE = 112;
const OFF_PAYLOAD_LENGTH = 116;
const DIGEST_LENGTH = 32;

export interface SsmMessage {
  messageType: string;
  schemaVersion: number;
  /** Unix milliseconds. */
  createdDate: number;
  sequenceNumber: number;
  flags: number;
  /** Canonical lowercase hyphenated UUID (halves already swapped back). */
  messageId: string;
  payloadType: number;
  /** Header PayloadLength as sent; the payload itself is delimited by the frame end (§3.2). */
  payloadLength: number;
  payloadDigest: Uint8Array;
  headerLength: number;
  payload: Uint8Array;
}

export interface MessageInit {
  messageType: string;
  payload: Uint8Array;
  sequenceNumber?: number;
  flags?: number;
  payloadType?: number;
  messageId?: string;
  createdDate?: number;
  schemaVersion?: number;
}

const SPACE = 0x20;
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/*
 * SHA-256 of the payload with the one-shot crypto.hash (not a Hash object per 1 KiB message), as
 * a 32-character latin1 string (one char per byte) rather than a Buffer: a Buffer result allocates
 * a backing store per call, which was half of the digest's cost on a 1 KiB message.
 */
function sha256Latin1(data: Uint8Array): string {
  return hash('sha256', data, 'binary'); // 'binary' is Node's name for latin1
}

/** The same digest as bytes, for callers off the per-message path. */
export function sha256(data: Uint8Array): Buffer {
  return Buffer.from(sha256Latin1(data), 'latin1');
}

function digestMatches(data: Uint8Array, digest: Uint8Array): boolean {
  const expected = sha256Latin1(data);
  if (digest.length !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (expected.charCodeAt(i) !== digest[i]) return false;
  return true;
}

/** Writes the UUID's 16 bytes in wire order: canonical bytes 8–15, then 0–7 (§3.2). */
export function writeUuidWire(uuid: string, target: Uint8Array, offset: number): void {
  if (!UUID_RE.test(uuid)) throw new ProtocolError('BAD_UUID', `"${uuid}" is not a UUID; pass a canonical 8-4-4-4-12 hex UUID`);
  const hex = uuid.replace(/-/g, '');
  for (let i = 0; i < 16; i++) {
    const byte = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    // canonical byte i goes to wire position (i + 8) mod 16
    target[offset + ((i + 8) & 15)] = byte;
  }
}

/** Reads a wire-order UUID (halves swapped) back into canonical lowercase form. */
export function readUuidWire(source: Uint8Array, offset: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[source[offset + ((i + 8) & 15)] as number];
  }
  return s;
}

/**
 * Random bytes for generated message ids, drawn in batches: a 1 KiB upload is one message, and
 * formatting then re-parsing a randomUUID() string per message was a visible part of its cost.
 */
const ID_BATCH = 256;
const idPool = Buffer.allocUnsafe(16 * ID_BATCH);
let idPoolNext = ID_BATCH;

/** Writes a fresh random (version 4) UUID straight into wire order. */
function writeRandomUuidWire(target: Buffer, offset: number): void {
  if (idPoolNext === ID_BATCH) {
    randomFillSync(idPool);
    idPoolNext = 0;
  }
  const from = idPoolNext++ * 16;
  idPool.copy(target, offset, from, from + 16);
  // Canonical byte 6 holds the version, byte 8 the variant; on the wire they sit at 14 and 0.
  target[offset + 14] = ((target[offset + 14] as number) & 0x0f) | 0x40;
  target[offset] = ((target[offset] as number) & 0x3f) | 0x80;
}

/** Canonical UUID -> 16 wire-order bytes. */
export function uuidToWire(uuid: string): Uint8Array {
  const out = new Uint8Array(16);
  writeUuidWire(uuid, out, 0);
  return out;
}

function checkUint(name: string, v: number, max: number): void {
  if (!Number.isSafeInteger(v) || v < 0 || v > max) {
    throw new ProtocolError('FIELD_OUT_OF_RANGE', `${name} ${v} must be an integer in 0..${max}`);
  }
}

/**
 * Serialises one message into a single freshly allocated buffer (header + payload).
 * Throws ProtocolError for an empty payload (never sent, §3.6) or out-of-range fields.
 */
export function encodeMessage(init: MessageInit): Buffer {
  const { messageType, payload } = init;
  if (payload.length === 0) {
    throw new ProtocolError('EMPTY_PAYLOAD', `refusing to send an empty ${messageType} payload; the peers drop or reject them (spec §3.6)`);
  }
  if (messageType.length === 0 || messageType.length > MESSAGE_TYPE_LENGTH || !/^[\x21-\x7e]+$/.test(messageType)) {
    throw new ProtocolError('BAD_MESSAGE_TYPE', `MessageType "${messageType}" must be 1..32 printable ASCII characters`);
  }
  const seq = init.sequenceNumber ?? 0;
  if (!Number.isSafeInteger(seq)) throw new ProtocolError('FIELD_OUT_OF_RANGE', `SequenceNumber ${seq} must be a safe integer`);
  const flags = init.flags ?? 0;
  checkUint('Flags', flags, Number.MAX_SAFE_INTEGER);
  const payloadType = init.payloadType ?? 0;
  checkUint('PayloadType', payloadType, 0xffffffff);
  const createdDate = init.createdDate ?? Date.now();
  checkUint('CreatedDate', createdDate, Number.MAX_SAFE_INTEGER);
  const schemaVersion = init.schemaVersion ?? 1;
  checkUint('SchemaVersion', schemaVersion, 0xffffffff);

  const buf = Buffer.allocUnsafe(PAYLOAD_OFFSET + payload.length);
  buf.writeUInt32BE(HEADER_LENGTH, 0);
  buf.fill(SPACE, OFF_MESSAGE_TYPE, OFF_MESSAGE_TYPE + MESSAGE_TYPE_LENGTH);
  buf.write(messageType, OFF_MESSAGE_TYPE, 'latin1');
  buf.writeUInt32BE(schemaVersion, OFF_SCHEMA_VERSION);
  writeU64(buf, createdDate, OFF_CREATED_DATE);
  writeI64(buf, seq, OFF_SEQUENCE);
  writeU64(buf, flags, OFF_FLAGS);
  if (init.messageId === undefined) writeRandomUuidWire(buf, OFF_MESSAGE_ID);
  else writeUuidWire(init.messageId, buf, OFF_MESSAGE_ID);
  buf.write(sha256Latin1(payload), OFF_DIGEST, DIGEST_LENGTH, 'latin1');
  buf.writeUInt32BE(payloadType, OFF_PAYLOAD_TYPE);
  buf.writeUInt32BE(payload.length, OFF_PAYLOAD_LENGTH);
  buf.set(payload, PAYLOAD_OFFSET);
  return buf;
}

/*
 * 64-bit fields as two 32-bit halves: every field we accept is a safe integer, and a BigInt per
 * field per message was a measurable share of a 1 KiB message's cost. BigInt is kept for the
 * error text only, where the exact out-of-range value matters.
 */
const TWO_32 = 0x1_0000_0000;

function writeU64(b: Buffer, v: number, off: number): void {
  b.writeUInt32BE(Math.floor(v / TWO_32), off);
  b.writeUInt32BE(v >>> 0, off + 4);
}

function writeI64(b: Buffer, v: number, off: number): void {
  // Math.floor keeps the two's-complement high word for negatives; the low word is v mod 2^32.
  b.writeInt32BE(Math.floor(v / TWO_32), off);
  b.writeUInt32BE(v >>> 0, off + 4);
}

function readSafeU64(b: Buffer, off: number, name: string): number {
  const v = b.readUInt32BE(off) * TWO_32 + b.readUInt32BE(off + 4);
  if (!Number.isSafeInteger(v)) throw new ProtocolError('FIELD_OUT_OF_RANGE', `${name} ${b.readBigUInt64BE(off)} is too large`);
  return v;
}

function readSafeI64(b: Buffer, off: number, name: string): number {
  const v = b.readInt32BE(off) * TWO_32 + b.readUInt32BE(off + 4);
  if (!Number.isSafeInteger(v)) throw new ProtocolError('FIELD_OUT_OF_RANGE', `${name} ${b.readBigInt64BE(off)} is out of range`);
  return v;
}

function decodeMessageType(b: Buffer): string {
  let start = OFF_MESSAGE_TYPE;
  let end = OFF_MESSAGE_TYPE + MESSAGE_TYPE_LENGTH;
  // Readers strip NULs and whitespace from both ends (§3.2): accept NUL padding, send spaces.
  const isPad = (c: number): boolean => c === 0 || c === SPACE || (c >= 9 && c <= 13);
  while (start < end && isPad(b[start] as number)) start++;
  while (end > start && isPad(b[end - 1] as number)) end--;
  return b.toString('latin1', start, end);
}

/**
 * Structural decode: every field by offset, payload = frame[HeaderLength+4 ..] as a view.
 * Never reads out of bounds, never allocates from a length field; throws only ProtocolError.
 * Does not check the semantic rules (use validateMessage or parseMessage).
 */
export function decodeMessage(frame: Uint8Array): SsmMessage {
  if (frame.length < PAYLOAD_OFFSET) {
    throw new ProtocolError('FRAME_TOO_SHORT', `frame of ${frame.length} bytes is shorter than the 120-byte header`);
  }
  const b = asBuffer(frame);
  const headerLength = b.readUInt32BE(0);
  if (headerLength < HEADER_LENGTH || headerLength > b.length - 4) {
    throw new ProtocolError('BAD_HEADER_LENGTH', `HeaderLength ${headerLength} must be >= 116 and leave room in a ${b.length}-byte frame`);
  }
  const sequenceNumber = readSafeI64(b, OFF_SEQUENCE, 'SequenceNumber');
  return {
    headerLength,
    messageType: decodeMessageType(b),
    schemaVersion: b.readUInt32BE(OFF_SCHEMA_VERSION),
    createdDate: readSafeU64(b, OFF_CREATED_DATE, 'CreatedDate'),
    sequenceNumber,
    flags: readSafeU64(b, OFF_FLAGS, 'Flags'),
    messageId: readUuidWire(b, OFF_MESSAGE_ID),
    payloadDigest: b.subarray(OFF_DIGEST, OFF_DIGEST + DIGEST_LENGTH),
    payloadType: b.readUInt32BE(OFF_PAYLOAD_TYPE),
    payloadLength: b.readUInt32BE(OFF_PAYLOAD_LENGTH),
    payload: b.subarray(headerLength + 4),
  };
}

export interface ValidateOptions {
  /** Check SHA-256 of the payload (the client does, the agent does not: §3.5). Default true. */
  checkDigest?: boolean;
}

/** Semantic checks of §3.5. Publication messages are accepted unchecked, as the client does. */
export function validateMessage(msg: SsmMessage, options: ValidateOptions = {}): void {
  if (msg.messageType === MessageType.StartPublication || msg.messageType === MessageType.PausePublication) return;
  if (msg.messageType.length === 0) throw new ProtocolError('BAD_MESSAGE_TYPE', 'MessageType is empty');
  if (msg.createdDate === 0) throw new ProtocolError('ZERO_CREATED_DATE', 'CreatedDate is zero');
  if ((options.checkDigest ?? true) && (msg.payloadLength !== 0 || msg.payload.length !== 0)) {
    if (!digestMatches(msg.payload, msg.payloadDigest)) {
      throw new ProtocolError('DIGEST_MISMATCH', `payload digest mismatch on ${msg.messageType} seq ${msg.sequenceNumber}; frame corrupted`);
    }
  }
}

/** decodeMessage + validateMessage. */
export function parseMessage(frame: Uint8Array, options?: ValidateOptions): SsmMessage {
  const msg = decodeMessage(frame);
  validateMessage(msg, options);
  return msg;
}
