import { z } from 'zod';
import { IpcErrorSchema } from './define';

/**
 * How the web host carries the contract over one loopback WebSocket. Text frames are JSON
 * messages below; binary frames from the page are stream input: [1 byte id length][stream id
 * ASCII][bytes]. Stream output goes the other way as the body of GET /stream/<id>.
 * The server parses every client message with ClientMessageSchema before acting on it.
 */

const streamId = z.string().regex(/^s[0-9a-z]{1,24}$/);

export const ClientMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: z.number().int().nonnegative(), ch: z.string().max(100), arg: z.unknown().optional() }),
  /** The stream's output then comes as the body of GET /stream/<id>; its end comes here. */
  z.object({ t: z.literal('attach'), s: streamId }),
  z.object({ t: z.literal('grant'), s: streamId, n: z.number().int().positive().max(64 * 1024 * 1024) }),
  z.object({ t: z.literal('close'), s: streamId }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export type ServerMessage =
  | { t: 'result'; id: number; ok: true; value: unknown }
  | { t: 'result'; id: number; ok: false; error: z.infer<typeof IpcErrorSchema> }
  | { t: 'event'; ev: string; payload: unknown }
  | { t: 'end'; s: string; reason: string | null };

export function encodeStreamFrame(id: string, data: Uint8Array): Uint8Array {
  const frame = new Uint8Array(1 + id.length + data.byteLength);
  frame[0] = id.length;
  for (let i = 0; i < id.length; i++) frame[1 + i] = id.charCodeAt(i);
  frame.set(data, 1 + id.length);
  return frame;
}

export function decodeStreamFrame(frame: Uint8Array): { id: string; data: Uint8Array } | null {
  const length = frame[0];
  if (length === undefined || length === 0 || frame.byteLength < 1 + length) return null;
  let id = '';
  for (let i = 0; i < length; i++) id += String.fromCharCode(frame[1 + i] ?? 0);
  if (!streamId.safeParse(id).success) return null;
  return { id, data: frame.subarray(1 + length) };
}
