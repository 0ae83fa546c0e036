import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  ActionStatus,
  buildAcknowledge,
  buildAgentSessionState,
  buildChannelClosed,
  buildExitCode,
  buildFlag,
  buildHandshakeComplete,
  buildHandshakeRequest,
  buildHandshakeResponse,
  buildOpenDataChannel,
  buildSessionTypeAction,
  buildSize,
  decodeMessage,
  encodeMessage,
  parseAcknowledge,
  parseAgentSessionState,
  parseChannelClosed,
  parseExitCode,
  parseFlag,
  parseHandshakeComplete,
  parseHandshakeRequest,
  parseHandshakeResponse,
  parseMessage,
  parseOpenDataChannel,
  parseSize,
  sha256,
  uuidToWire,
} from '../../../main/core/ssm/message';

// A copy of ../shared/spec/message-vectors.json, so CI does not depend on the shared tree.
const vectorsPath = fileURLToPath(new URL('./message-vectors.json', import.meta.url));
const vectorSchema = z.array(z.object({ name: z.string(), inputs: z.record(z.string(), z.unknown()), hex: z.string(), source: z.string() }));
const vectors = vectorSchema.parse(JSON.parse(readFileSync(vectorsPath, 'utf8')));
const byName = (name: string) => {
  const v = vectors.find((x) => x.name === name);
  if (!v) throw new Error(`vector ${name} missing`);
  return v;
};

const messageInputs = z.object({
  MessageType: z.string(),
  SchemaVersion: z.number(),
  CreatedDate: z.number(),
  SequenceNumber: z.number(),
  Flags: z.number(),
  MessageId: z.string(),
  PayloadType: z.number(),
  Payload_hex: z.string(),
  Payload_utf8: z.string(),
});
const messageVectors = vectors.filter((v) => messageInputs.safeParse(v.inputs).success);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('message vectors (spec §12.2)', () => {
  it('covers all 12 complete-message vectors of the file', () => {
    expect(messageVectors.map((v) => v.name)).toHaveLength(12);
  });

  for (const v of messageVectors) {
    const i = messageInputs.parse(v.inputs);
    // The vector's header fields under the codec's names, shared by both directions.
    const fields = {
      messageType: i.MessageType,
      schemaVersion: i.SchemaVersion,
      createdDate: i.CreatedDate,
      sequenceNumber: i.SequenceNumber,
      flags: i.Flags,
      messageId: i.MessageId,
      payloadType: i.PayloadType,
    };
    it(`encodes ${v.name} byte-exact`, () => {
      const frame = encodeMessage({ ...fields, payload: Buffer.from(i.Payload_hex, 'hex') });
      expect(hex(frame)).toBe(v.hex);
    });
    it(`decodes and validates ${v.name}`, () => {
      const msg = parseMessage(Buffer.from(v.hex, 'hex'));
      expect(msg).toMatchObject({ headerLength: 116, ...fields, payloadLength: i.Payload_hex.length / 2 });
      expect(hex(msg.payload)).toBe(i.Payload_hex);
      expect(hex(msg.payloadDigest)).toBe(hex(sha256(Buffer.from(i.Payload_hex, 'hex'))));
    });
  }
});

describe('primitive vectors (spec §12.1)', () => {
  const frameWithSeq = (seq: number) =>
    encodeMessage({ messageType: 'input_stream_data', sequenceNumber: seq, payload: utf8('x'), createdDate: 1, messageId: '0f8fad5b-d9cb-469f-a165-70867728950e' });

  it.each([
    ['int64_big_endian_5747283', 5747283],
    ['int64_big_endian_50', 50],
    ['int64_big_endian_4294967296', 4294967296],
  ])('writes %s as the SequenceNumber field', (name, value) => {
    expect(hex(frameWithSeq(value).subarray(48, 56))).toBe(byName(name).hex);
  });

  it('writes int64 92837273 (the offset-1 vector) at the field offset', () => {
    const v = byName('int64_big_endian_92837273_at_offset_1_of_10_byte_buffer');
    const field = frameWithSeq(92837273).subarray(48, 56);
    expect(hex(field)).toBe(v.hex.slice(2, 18));
  });

  it('reads int64 5899622 from the field bytes', () => {
    const frame = Buffer.from(frameWithSeq(1));
    Buffer.from(byName('int64_big_endian_5899622_read').hex, 'hex').copy(frame, 48, 0, 8);
    expect(decodeMessage(frame).sequenceNumber).toBe(5899622);
  });

  it.each([
    ['int32_big_endian_324_in_5_byte_buffer', 324, 0],
    ['int32_big_endian_520392_at_offset_1_of_8_byte_buffer', 520392, 1],
    ['int32_big_endian_256', 256, 0],
  ])('writes %s as the PayloadType field', (name, value, offset) => {
    const frame = encodeMessage({ messageType: 'acknowledge', payloadType: value, payload: utf8('x'), createdDate: 1 });
    expect(hex(frame.subarray(112, 116))).toBe(byName(name).hex.slice(offset * 2, offset * 2 + 8));
  });

  it('lays out MessageId halves swapped', () => {
    expect(hex(uuidToWire('dd01e56b-ff48-483e-a508-b5f073f31b16'))).toBe(byName('message_id_wire_order').hex);
  });

  it('digests the payload with SHA-256', () => {
    expect(hex(sha256(utf8('payload')))).toBe(byName('payload_digest_sha256_of_payload').hex);
  });
});

describe('payload builders match the vectors byte-exact, parsers read them back', () => {
  const payloadOf = (name: string) => Buffer.from(messageInputs.parse(byName(name).inputs).Payload_hex, 'hex');

  it('acknowledge', () => {
    const p = payloadOf('acknowledge_for_output_seq0');
    expect(hex(buildAcknowledge({ messageType: 'output_stream_data', messageId: 'dd01e56b-ff48-483e-a508-b5f073f31b16', sequenceNumber: 0 }))).toBe(hex(p));
    expect(parseAcknowledge(p)).toEqual({
      AcknowledgedMessageType: 'output_stream_data',
      AcknowledgedMessageId: 'dd01e56b-ff48-483e-a508-b5f073f31b16',
      AcknowledgedMessageSequenceNumber: 0,
      IsSequentialMessage: true,
    });
  });

  it('size', () => {
    const p = payloadOf('size_80x24');
    expect(hex(buildSize({ cols: 80, rows: 24 }))).toBe(hex(p));
    expect(parseSize(p)).toEqual({ cols: 80, rows: 24 });
  });

  it('flag', () => {
    const p = payloadOf('flag_terminate_session');
    expect(hex(buildFlag(2))).toBe(hex(p));
    expect(parseFlag(p)).toBe(2);
  });

  it('handshake request (Properties keys sorted like Go maps)', () => {
    const p = payloadOf('agent_handshake_request_port');
    const built = buildHandshakeRequest({
      AgentVersion: '3.3.40.0',
      RequestedClientActions: [buildSessionTypeAction('Port', { type: 'LocalPortForwarding', portNumber: '80', localPortNumber: '56789' })],
    });
    expect(text(built)).toBe(text(p));
    const parsed = parseHandshakeRequest(p);
    expect(parsed.AgentVersion).toBe('3.3.40.0');
    expect(parsed.RequestedClientActions[0]?.ActionType).toBe('SessionType');
  });

  it('handshake response', () => {
    const p = payloadOf('client_handshake_response_session_type');
    const res = {
      ClientVersion: '1.2.0.0',
      ProcessedClientActions: [{ ActionType: 'SessionType', ActionStatus: ActionStatus.Success, ActionResult: null, Error: '' }],
      Errors: null,
    };
    expect(text(buildHandshakeResponse(res))).toBe(text(p));
    expect(parseHandshakeResponse(p)).toEqual(res);
  });

  it('handshake complete', () => {
    const p = payloadOf('agent_handshake_complete');
    expect(text(buildHandshakeComplete({ HandshakeTimeToComplete: 1000000, CustomerMessage: '' }))).toBe(text(p));
    expect(parseHandshakeComplete(p)).toEqual({ HandshakeTimeToComplete: 1000000, CustomerMessage: '' });
  });

  it('exit code', () => {
    const p = payloadOf('agent_exit_code');
    expect(text(buildExitCode(0))).toBe(text(p));
    expect(parseExitCode(p)).toBe(0);
    expect(parseExitCode(utf8('EXIT_CODE: 127'))).toBe(127);
  });

  it('agent_session_state', () => {
    const p = payloadOf('agent_session_state_connected');
    expect(text(buildAgentSessionState('Connected', 'sess-1'))).toBe(text(p));
    expect(parseAgentSessionState(p)).toEqual({ SchemaVersion: 1, SessionState: 'Connected', SessionId: 'sess-1' });
  });

  it('channel_closed', () => {
    const p = payloadOf('channel_closed');
    const c = {
      MessageId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      CreatedDate: '1503434274948',
      DestinationId: 'i-0123456789abcdef0',
      SessionId: 'sess-1',
      MessageType: 'channel_closed',
      SchemaVersion: 1,
      Output: '',
    };
    expect(text(buildChannelClosed(c))).toBe(text(p));
    expect(parseChannelClosed(p)).toEqual(c);
    // A payload with missing fields still ends the session, so it must parse.
    expect(parseChannelClosed(utf8('{"SessionId":"s"}')).Output).toBe('');
  });

  it('OpenDataChannel text frame', () => {
    const v = byName('open_data_channel_text_frame');
    const json = buildOpenDataChannel({
      requestId: '11111111-2222-4333-8444-555555555555',
      tokenValue: 'TOKEN',
      clientId: '66666666-7777-4888-9999-000000000000',
      clientVersion: '1.2.0.0',
    });
    expect(Buffer.from(json, 'utf8').toString('hex')).toBe(v.hex);
    expect(parseOpenDataChannel(json).TokenValue).toBe('TOKEN');
  });
});
