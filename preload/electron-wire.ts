import { z } from 'zod';
import { IpcErrorSchema, StreamRefSchema } from './contract/define';

/**
 * How the Electron transport carries the contract, shared by the preload and main/electron so the
 * two sides cannot drift. Requests use the contract channel names themselves with
 * ipcRenderer.invoke / ipcMain.handle; the names below are the transport's own, prefixed so they
 * can never collide with a contract channel.
 */

/** main → renderer: every contract event, as { event, payload }. */
export const EVENT_CHANNEL = 'bastionless:event';
/** renderer → main (invoke): "give me a port for this stream"; answers with a CallOutcome. */
export const STREAM_ATTACH_CHANNEL = 'bastionless:stream.attach';
/** main → renderer: the MessagePort of an attached stream, with { streamId }. */
export const STREAM_PORT_CHANNEL = 'bastionless:stream.port';

export const EventEnvelopeSchema = z.object({ event: z.string(), payload: z.unknown() });
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;

/** What ipcMain.handle answers for every contract call (Dispatcher.call's outcome, as data). */
export const CallOutcomeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: IpcErrorSchema }),
]);

export const StreamAttachArgSchema = StreamRefSchema.strict();
export const StreamPortMessageSchema = StreamRefSchema;

const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected a Uint8Array');

/**
 * Messages on a stream's MessagePort. Main → renderer: data and end. Renderer → main: credit
 * grants, input and close. Main parses what the renderer sends (a compromised renderer must not be
 * able to crash main or grant absurd credit).
 */
export const RendererPortMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('grant'), n: z.number().int().positive().max(64 * 1024 * 1024) }),
  z.object({ t: z.literal('input'), chunk: bytes }),
  z.object({ t: z.literal('close') }),
]);
export type RendererPortMessage = z.infer<typeof RendererPortMessageSchema>;

export const MainPortMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('data'), chunk: bytes }),
  z.object({ t: z.literal('end'), reason: z.string().nullable() }),
]);
export type MainPortMessage = z.infer<typeof MainPortMessageSchema>;
