import { z } from 'zod';

/**
 * Building blocks of the one IPC contract. A request channel has an argument schema and a
 * result schema; an event has a payload schema. Both transports (Electron IPC and the web
 * host's WebSocket) and the main-side dispatch table are typed from these definitions, and
 * every argument is parsed with its schema in main before it reaches the core.
 */

export interface RequestDef<A extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly kind: 'request';
  readonly arg: A;
  readonly result: R;
}

export interface EventDef<P extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly payload: P;
}

export const request = <A extends z.ZodType, R extends z.ZodType>(arg: A, result: R): RequestDef<A, R> => ({
  kind: 'request',
  arg,
  result,
});

export const event = <P extends z.ZodType>(payload: P): EventDef<P> => ({ kind: 'event', payload });

/** Requests that take nothing still get a schema, so a stray argument is refused, not ignored. */
export const noArg = z.undefined().or(z.object({}).strict());

/**
 * Errors cross the boundary as data: `code` for programs, `message` for people, `hint` says what
 * to do next. Stack traces never cross (contextBridge drops them anyway).
 */
export const IpcErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  /** The service's own words, for a Details disclosure when `message` is a short summary. */
  detail: z.string().max(4000).optional(),
});
export type IpcError = z.infer<typeof IpcErrorSchema>;

/** A binary stream handed out by a request (e.g. a shell's I/O); ids are opaque strings. */
export const StreamRefSchema = z.object({ streamId: z.string().regex(/^s[0-9a-z]{1,24}$/) });
export type StreamRef = z.infer<typeof StreamRefSchema>;
