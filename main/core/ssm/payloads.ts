/**
 * Builders and zod-checked parsers for every payload carried inside data-channel messages
 * (spec §2.2, §4.2–4.6, §6, §8.1, §8.4). Builders emit keys in the order the official ends do,
 * so their bytes match the spec's vectors. Parsers throw only ProtocolError('BAD_PAYLOAD').
 *
 * How to use: `buildAcknowledge(msg)` gives the ack payload for a received stream message;
 * `parseAcknowledge(payload).AcknowledgedMessageSequenceNumber` on the other side. The same
 * pattern holds for sizes, flags, handshake messages, channel_closed, agent_session_state.
 */
import { z } from 'zod';
import { ProtocolError } from './errors';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** Buffer.from rather than TextEncoder: about twice as fast for an ack-sized string, once per message. */
function jsonBytes(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function parseJson<T>(what: string, schema: z.ZodType<T>, payload: Uint8Array): T {
  let raw: unknown;
  try {
    raw = JSON.parse(strictDecoder.decode(payload));
  } catch {
    throw new ProtocolError('BAD_PAYLOAD', `${what} payload is not valid UTF-8 JSON`);
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new ProtocolError('BAD_PAYLOAD', `${what} payload has an unexpected shape: ${result.error.issues[0]?.message ?? 'invalid'}`);
  }
  return result.data;
}

// ---- acknowledge (§4.2) ----

export interface Acknowledge {
  AcknowledgedMessageType: string;
  AcknowledgedMessageId: string;
  AcknowledgedMessageSequenceNumber: number;
  IsSequentialMessage: boolean;
}
const ackSchema = z.object({
  AcknowledgedMessageType: z.string(),
  AcknowledgedMessageId: z.string(),
  AcknowledgedMessageSequenceNumber: z.number().int(),
  IsSequentialMessage: z.boolean(),
});

/** Ack payload for a received stream message. */
export function buildAcknowledge(acked: { messageType: string; messageId: string; sequenceNumber: number }): Uint8Array {
  return jsonBytes({
    AcknowledgedMessageType: acked.messageType,
    AcknowledgedMessageId: acked.messageId,
    AcknowledgedMessageSequenceNumber: acked.sequenceNumber,
    IsSequentialMessage: true,
  });
}
export function parseAcknowledge(payload: Uint8Array): Acknowledge {
  return parseJson('acknowledge', ackSchema, payload);
}

// ---- channel_closed (§4.3) ----

export interface ChannelClosed {
  MessageId: string;
  CreatedDate: string;
  DestinationId: string;
  SessionId: string;
  MessageType: string;
  SchemaVersion: number;
  Output: string;
}
const channelClosedSchema = z.object({
  MessageId: z.string().optional().default(''),
  CreatedDate: z.string().optional().default(''),
  DestinationId: z.string().optional().default(''),
  SessionId: z.string().optional().default(''),
  MessageType: z.string().optional().default('channel_closed'),
  SchemaVersion: z.number().optional().default(1),
  Output: z.string().nullish().transform((v) => v ?? ''),
});
export function buildChannelClosed(c: ChannelClosed): Uint8Array {
  return jsonBytes({
    MessageId: c.MessageId,
    CreatedDate: c.CreatedDate,
    DestinationId: c.DestinationId,
    SessionId: c.SessionId,
    MessageType: c.MessageType,
    SchemaVersion: c.SchemaVersion,
    Output: c.Output,
  });
}
export function parseChannelClosed(payload: Uint8Array): ChannelClosed {
  return parseJson('channel_closed', channelClosedSchema, payload);
}

// ---- agent_session_state (§4.4) ----

export type SessionState = 'Connected' | 'Terminating';
export interface AgentSessionState {
  SchemaVersion: number;
  SessionState: SessionState;
  SessionId: string;
}
const agentSessionStateSchema = z.object({
  SchemaVersion: z.number().int(),
  SessionState: z.enum(['Connected', 'Terminating']),
  SessionId: z.string(),
});
export function buildAgentSessionState(state: SessionState, sessionId: string): Uint8Array {
  return jsonBytes({ SchemaVersion: 1, SessionState: state, SessionId: sessionId });
}
export function parseAgentSessionState(payload: Uint8Array): AgentSessionState {
  return parseJson('agent_session_state', agentSessionStateSchema, payload);
}

// ---- Flag (PayloadType 10, §4.6) ----

export function buildFlag(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0, false);
  return out;
}
export function parseFlag(payload: Uint8Array): number {
  if (payload.length !== 4) throw new ProtocolError('BAD_PAYLOAD', `flag payload must be 4 bytes, got ${payload.length}`);
  return new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0, false);
}

// ---- Size (PayloadType 3, §8.1) ----

export interface TerminalSize {
  cols: number;
  rows: number;
}
const sizeSchema = z.object({ cols: z.number().int().min(0).max(0xffffffff), rows: z.number().int().min(0).max(0xffffffff) });
export function buildSize(size: TerminalSize): Uint8Array {
  const s = sizeSchema.parse(size);
  return jsonBytes({ cols: s.cols, rows: s.rows });
}
export function parseSize(payload: Uint8Array): TerminalSize {
  return parseJson('size', sizeSchema, payload);
}

// ---- ExitCode (PayloadType 12, §8.4) ----

export function buildExitCode(code: number): Uint8Array {
  return encoder.encode(`EXIT_CODE: ${code}`);
}
export function parseExitCode(payload: Uint8Array): number {
  const m = /^EXIT_CODE: (-?\d{1,10})$/.exec(Buffer.from(payload).toString('latin1').trim());
  if (!m) throw new ProtocolError('BAD_PAYLOAD', 'exit-code payload must read "EXIT_CODE: <n>"');
  return Number(m[1]);
}

// ---- OpenDataChannel text frame (§2.2) ----

export interface OpenDataChannel {
  MessageSchemaVersion: string;
  RequestId: string;
  TokenValue: string;
  ClientId: string;
  ClientVersion?: string;
}
const openDataChannelSchema = z.object({
  MessageSchemaVersion: z.string(),
  RequestId: z.string(),
  TokenValue: z.string(),
  ClientId: z.string().optional().default(''),
  ClientVersion: z.string().optional(),
  ClientInstanceId: z.string().optional(),
});
/** The JSON text of the first (TEXT) WebSocket frame. */
export function buildOpenDataChannel(o: { requestId: string; tokenValue: string; clientId: string; clientVersion?: string }): string {
  const frame: OpenDataChannel = {
    MessageSchemaVersion: '1.0',
    RequestId: o.requestId,
    TokenValue: o.tokenValue,
    ClientId: o.clientId,
  };
  if (o.clientVersion !== undefined) frame.ClientVersion = o.clientVersion;
  return JSON.stringify(frame);
}
export function parseOpenDataChannel(text: string | Uint8Array): z.infer<typeof openDataChannelSchema> {
  return parseJson('OpenDataChannel', openDataChannelSchema, typeof text === 'string' ? encoder.encode(text) : text);
}

// ---- Handshake (§6) ----

export const ActionType = { SessionType: 'SessionType', KMSEncryption: 'KMSEncryption' } as const;
export const ActionStatus = { Success: 1, Failed: 2, Unsupported: 3 } as const;
export type SessionTypeName = 'Standard_Stream' | 'InteractiveCommands' | 'NonInteractiveCommands' | 'Port';

export interface RequestedClientAction {
  ActionType: string;
  ActionParameters: unknown;
}
export interface HandshakeRequest {
  AgentVersion: string;
  RequestedClientActions: RequestedClientAction[];
}
const handshakeRequestSchema = z.object({
  AgentVersion: z.string(),
  RequestedClientActions: z.array(z.object({ ActionType: z.string(), ActionParameters: z.unknown() })).nullable().transform((a) => a ?? []),
});
export const sessionTypeParametersSchema = z.object({
  SessionType: z.string(),
  Properties: z.record(z.string(), z.unknown()).nullable().optional().transform((p) => p ?? null),
});
export type SessionTypeParameters = z.infer<typeof sessionTypeParametersSchema>;
export const kmsEncryptionParametersSchema = z.object({ KMSKeyId: z.string().min(1), Challenge: z.string().optional() });
export type KmsEncryptionParameters = z.infer<typeof kmsEncryptionParametersSchema>;

/** Go marshals map keys sorted; sort Properties so our bytes match the agent's. */
function sortedRecord(r: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]]));
}

export function buildSessionTypeAction(sessionType: SessionTypeName | string, properties: Record<string, string> | null): RequestedClientAction {
  return { ActionType: ActionType.SessionType, ActionParameters: { SessionType: sessionType, Properties: properties ? sortedRecord(properties) : null } };
}
export function buildKmsAction(kmsKeyId: string, challenge: string): RequestedClientAction {
  return { ActionType: ActionType.KMSEncryption, ActionParameters: { KMSKeyId: kmsKeyId, Challenge: challenge } };
}
export function buildHandshakeRequest(req: HandshakeRequest): Uint8Array {
  return jsonBytes({
    AgentVersion: req.AgentVersion,
    RequestedClientActions: req.RequestedClientActions.map((a) => ({ ActionType: a.ActionType, ActionParameters: a.ActionParameters })),
  });
}
export function parseHandshakeRequest(payload: Uint8Array): HandshakeRequest {
  return parseJson('HandshakeRequest', handshakeRequestSchema, payload);
}

export interface KmsActionResult {
  KMSCipherTextKey: string;
  KMSCipherTextHash: null;
  ChallengeAcknowledgement?: boolean;
}
export interface ProcessedClientAction {
  ActionType: string;
  ActionStatus: number;
  ActionResult: KmsActionResult | null;
  Error: string;
}
export interface HandshakeResponse {
  ClientVersion: string;
  ProcessedClientActions: ProcessedClientAction[];
  Errors: string[] | null;
}
const handshakeResponseSchema = z.object({
  ClientVersion: z.string(),
  ProcessedClientActions: z
    .array(
      z.object({
        ActionType: z.string(),
        ActionStatus: z.number().int(),
        ActionResult: z
          .object({ KMSCipherTextKey: z.string(), KMSCipherTextHash: z.null().optional().transform(() => null), ChallengeAcknowledgement: z.boolean().optional() })
          .nullable()
          .optional()
          .transform((r) => r ?? null),
        Error: z.string().nullish().transform((e) => e ?? ''),
      }),
    )
    .nullable()
    .transform((a) => a ?? []),
  Errors: z.array(z.string()).nullable().optional().transform((e) => e ?? null),
});
export function buildHandshakeResponse(res: HandshakeResponse): Uint8Array {
  return jsonBytes({
    ClientVersion: res.ClientVersion,
    ProcessedClientActions: res.ProcessedClientActions.map((a) => ({
      ActionType: a.ActionType,
      ActionStatus: a.ActionStatus,
      ActionResult: a.ActionResult,
      Error: a.Error,
    })),
    Errors: res.Errors,
  });
}
export function parseHandshakeResponse(payload: Uint8Array): HandshakeResponse {
  return parseJson('HandshakeResponse', handshakeResponseSchema, payload);
}

export interface HandshakeComplete {
  /** Nanoseconds. */
  HandshakeTimeToComplete: number;
  CustomerMessage: string;
}
const handshakeCompleteSchema = z.object({
  HandshakeTimeToComplete: z.number(),
  CustomerMessage: z.string().nullish().transform((m) => m ?? ''),
});
export function buildHandshakeComplete(c: HandshakeComplete): Uint8Array {
  return jsonBytes({ HandshakeTimeToComplete: c.HandshakeTimeToComplete, CustomerMessage: c.CustomerMessage });
}
export function parseHandshakeComplete(payload: Uint8Array): HandshakeComplete {
  return parseJson('HandshakeComplete', handshakeCompleteSchema, payload);
}

/** EncChallengeRequest (8) and EncChallengeResponse (9) share the shape {"Challenge": base64}. */
const challengeSchema = z.object({ Challenge: z.string() });
export function buildEncChallenge(challenge: Uint8Array): Uint8Array {
  return jsonBytes({ Challenge: Buffer.from(challenge).toString('base64') });
}
export function parseEncChallenge(payload: Uint8Array): Uint8Array {
  const { Challenge } = parseJson('EncChallenge', challengeSchema, payload);
  return Buffer.from(Challenge, 'base64');
}

// ---- version gates (§9.2, §9.5) ----

/**
 * Client-side comparison (§9.2): both must have the same number of integer components,
 * else "not comparable" (returns undefined). Returns -1, 0 or 1.
 */
export function compareVersions(a: string, b: string): -1 | 0 | 1 | undefined {
  const pa = a.split('.');
  const pb = b.split('.');
  if (pa.length !== pb.length) return undefined;
  for (let i = 0; i < pa.length; i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (!/^\d+$/.test(x) || !/^\d+$/.test(y)) return undefined;
    const dx = Number(x);
    const dy = Number(y);
    if (dx !== dy) return dx < dy ? -1 : 1;
  }
  return 0;
}
/** True iff `version` is comparable and strictly greater than `than`. */
export function versionGreaterThan(version: string, than: string): boolean {
  return compareVersions(version, than) === 1;
}
