import type { z } from 'zod';
import { appChannels, appEvents } from './contract/app';
import { authChannels, authEvents } from './contract/auth';
import { countdownsChannels, countdownsEvents } from './contract/countdowns';
import { doctorChannels } from './contract/doctor';
import { inventoryChannels, inventoryEvents } from './contract/inventory';
import { preferencesChannels, preferencesEvents } from './contract/preferences';
import { sessionsChannels, sessionsEvents } from './contract/sessions';
import { shellsChannels, shellsEvents } from './contract/shells';
import { tunnelsChannels, tunnelsEvents } from './contract/tunnels';
import type { EventDef, IpcError, RequestDef } from './contract/define';

/**
 * The one IPC contract between the renderer and main. Each feature keeps its channels in
 * preload/contract/<feature>.ts; this file only assembles them. Add a feature by spreading its
 * channels and events below.
 */
export const channels = {
  ...appChannels,
  ...authChannels,
  ...countdownsChannels,
  ...doctorChannels,
  ...inventoryChannels,
  ...preferencesChannels,
  ...sessionsChannels,
  ...shellsChannels,
  ...tunnelsChannels,
} as const;

export const events = {
  ...appEvents,
  ...authEvents,
  ...countdownsEvents,
  ...inventoryEvents,
  ...preferencesEvents,
  ...sessionsEvents,
  ...shellsEvents,
  ...tunnelsEvents,
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type ChannelArg<C extends ChannelName> = z.input<Channels[C]['arg']>;
export type ChannelResult<C extends ChannelName> = z.output<Channels[C]['result']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;

export type { IpcError, RequestDef, EventDef };
export * from './contract/define';
export * from './contract/app';
export * from './contract/auth';
export * from './contract/countdowns';
export * from './contract/countdown-words';
export * from './contract/doctor';
export * from './contract/inventory';
export * from './contract/preferences';
export * from './contract/sessions';
export * from './contract/shells';
export * from './contract/tunnels';

/**
 * Binary streams (shell I/O, tunnel data) carry bytes both ways with credit-based backpressure:
 * the reader grants credit as it consumes, and the writer never has more than the granted bytes
 * in flight. So a flood of shell output stops at the data channel instead of growing memory.
 */
export interface StreamHandle {
  /** Called for every chunk; call `done()` once the chunk is consumed (e.g. xterm's write callback). */
  onData(listener: (chunk: Uint8Array, done: () => void) => void): () => void;
  onEnd(listener: (reason: string | null) => void): () => void;
  write(chunk: Uint8Array): void;
  close(): void;
}

/** What the renderer sees as `window.bastionless`, whichever transport carries it. */
export interface BastionlessApi {
  call<C extends ChannelName>(channel: C, arg: ChannelArg<C>): Promise<ChannelResult<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  openStream(streamId: string): StreamHandle;
}

/** Thrown in the renderer when a call fails; carries the main-side error as data. */
export class BastionlessCallError extends Error {
  override name = 'BastionlessCallError';
  constructor(
    readonly channel: string,
    readonly error: IpcError,
  ) {
    super(error.message);
  }
  get code(): string {
    return this.error.code;
  }
  get hint(): string | undefined {
    return this.error.hint;
  }
}

/**
 * Bytes of unconsumed stream data the reader allows in flight before the writer must wait. Room
 * for a terminal's 1 MiB write being parsed, the next batch collecting, and what is still in the
 * sockets meanwhile, so a flood's producer keeps running while xterm parses: at 2 MiB the core
 * waited for credit for most of a 100 MB flood and xterm idled between writes (1.24-1.26× xterm
 * alone's frames per MB; 0.99-1.01× at 4 MiB). Not more: every flooding tab's producer runs that
 * much further ahead, and with four hidden tabs flooding the shown tab's echo p99 read 41-43 ms
 * at 2 MiB, 61-63 ms at 4 MiB and 61-242 ms at 8 MiB (tests/bench/terminal.bench.ts).
 */
export const STREAM_WINDOW_BYTES = 4 * 1024 * 1024;
