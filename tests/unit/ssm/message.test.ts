import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compareVersions,
  decodeMessage,
  encodeMessage,
  parseAcknowledge,
  parseFlag,
  parseMessage,
  ProtocolError,
  readUuidWire,
  uuidToWire,
  versionGreaterThan,
} from '../../../main/core/ssm/message';

const sample = () =>
  encodeMessage({ messageType: 'output_stream_data', sequenceNumber: 9, payloadType: 1, payload: Buffer.from('hello'), createdDate: 1234 });

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('codec validation (§3.5, §3.6)', () => {
  it('refuses to encode an empty payload', () => {
    expect(codeOf(() => encodeMessage({ messageType: 'input_stream_data', payload: new Uint8Array(0) }))).toBe('EMPTY_PAYLOAD');
  });

  it('refuses message types longer than 32 bytes', () => {
    expect(codeOf(() => encodeMessage({ messageType: 'x'.repeat(33), payload: Buffer.from('a') }))).toBe('BAD_MESSAGE_TYPE');
  });

  it('rejects short frames and bad header lengths', () => {
    expect(codeOf(() => decodeMessage(new Uint8Array(119)))).toBe('FRAME_TOO_SHORT');
    const f = Buffer.from(sample());
    f.writeUInt32BE(0, 0);
    expect(codeOf(() => decodeMessage(f))).toBe('BAD_HEADER_LENGTH');
    f.writeUInt32BE(f.length - 3, 0);
    expect(codeOf(() => decodeMessage(f))).toBe('BAD_HEADER_LENGTH');
  });

  it('takes the payload from HeaderLength + 4 to the end of the frame, not from PayloadLength', () => {
    const f = Buffer.from(sample());
    f.writeUInt32BE(999, 116);
    const m = decodeMessage(f);
    expect(Buffer.from(m.payload).toString()).toBe('hello');
    expect(m.payloadLength).toBe(999);
  });

  it('detects a corrupted payload by digest, and skips the check when asked (agent profile)', () => {
    const f = Buffer.from(sample());
    f.writeUInt8(f.readUInt8(f.length - 1) ^ 1, f.length - 1);
    expect(codeOf(() => parseMessage(f))).toBe('DIGEST_MISMATCH');
    expect(Buffer.from(parseMessage(f, { checkDigest: false }).payload).toString()).toBe('helln');
  });

  it('rejects zero CreatedDate and empty MessageType but lets publication messages through unchecked', () => {
    const f = Buffer.from(sample());
    f.writeBigUInt64BE(0n, 40);
    expect(codeOf(() => parseMessage(f))).toBe('ZERO_CREATED_DATE');
    f.fill(0, 4, 36);
    expect(codeOf(() => parseMessage(f))).toBe('BAD_MESSAGE_TYPE');
    const pub = Buffer.from(encodeMessage({ messageType: 'pause_publication', payload: Buffer.from('x'), createdDate: 5 }));
    pub.writeBigUInt64BE(0n, 40);
    pub.writeUInt8(pub.readUInt8(pub.length - 1) ^ 0xff, pub.length - 1);
    expect(parseMessage(pub).messageType).toBe('pause_publication');
  });

  it('accepts NUL-padded message types on input', () => {
    const f = Buffer.from(sample());
    f.fill(0, 4 + 'output_stream_data'.length, 36);
    expect(decodeMessage(f).messageType).toBe('output_stream_data');
  });

  it('parsers throw typed errors for junk', () => {
    expect(codeOf(() => parseAcknowledge(Buffer.from('{')))).toBe('BAD_PAYLOAD');
    expect(codeOf(() => parseAcknowledge(Buffer.from('{"AcknowledgedMessageSequenceNumber":"1"}')))).toBe('BAD_PAYLOAD');
    expect(codeOf(() => parseAcknowledge(Buffer.from([0xff, 0xfe])))).toBe('BAD_PAYLOAD');
    expect(codeOf(() => parseFlag(Buffer.from([0, 1])))).toBe('BAD_PAYLOAD');
  });
});

describe('codec properties', () => {
  const arbInit = fc.record({
    messageType: fc.stringMatching(/^[a-z_]{1,32}$/),
    sequenceNumber: fc.integer({ min: -1e15, max: 1e15 }),
    flags: fc.nat({ max: 2 ** 40 }),
    payloadType: fc.nat({ max: 0xffffffff }),
    messageId: fc.uuid(),
    createdDate: fc.integer({ min: 1, max: 2 ** 50 }),
    payload: fc.uint8Array({ minLength: 1, maxLength: 4096 }),
  });

  it('decode(encode(m)) == m for any message', () => {
    fc.assert(
      fc.property(arbInit, (init) => {
        const m = parseMessage(encodeMessage(init));
        expect(m).toMatchObject({ ...init, payload: expect.anything(), payloadLength: init.payload.length, schemaVersion: 1, headerLength: 116 });
        expect(Buffer.from(m.payload).equals(Buffer.from(init.payload))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('generated message ids are distinct version-4 UUIDs, also across id batches', () => {
    const ids = Array.from({ length: 600 }, () => parseMessage(sample()).messageId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('UUID wire order round-trips', () => {
    fc.assert(
      fc.property(fc.uuid(), (u) => {
        expect(readUuidWire(uuidToWire(u), 0)).toBe(u.toLowerCase());
      }),
    );
  });
});

describe('version comparison (§9.2)', () => {
  it('compares 4-part numeric versions and refuses to compare different shapes', () => {
    expect(versionGreaterThan('3.3.40.0', '3.0.196.0')).toBe(true);
    expect(versionGreaterThan('3.0.196.0', '3.0.196.0')).toBe(false);
    expect(versionGreaterThan('3.1.1512.0', '3.1.1511.0')).toBe(true);
    expect(compareVersions('3.0', '3.0.196.0')).toBeUndefined();
    expect(compareVersions('3.x.1.0', '3.0.196.0')).toBeUndefined();
    expect(compareVersions('1.2.0.0', '1.2.331.0')).toBe(-1);
  });
});
