import { contextBridge, ipcRenderer } from 'electron';
import {
  channels,
  events,
  STREAM_WINDOW_BYTES,
  StreamRefSchema,
  type BastionlessApi,
  type ChannelArg,
  type ChannelName,
  type ChannelResult,
  type IpcError,
  type StreamHandle,
} from './contract';
import {
  CallOutcomeSchema,
  EVENT_CHANNEL,
  EventEnvelopeSchema,
  MainPortMessageSchema,
  STREAM_ATTACH_CHANNEL,
  STREAM_PORT_CHANNEL,
  StreamPortMessageSchema,
  type RendererPortMessage,
} from './electron-wire';

/**
 * The sandboxed preload: exposes exactly the BastionlessApi as `window.bastionless` and nothing
 * else. It never hands ipcRenderer or free-form channel names to the page; every channel and
 * event name is checked against the contract here, and main checks the arguments again.
 * Bundled to CJS that requires only 'electron' (a sandboxed preload can load nothing else).
 */

/** The slice of ipcRenderer this file uses; the unit test provides a fake. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: { ports: readonly MessagePort[] }, ...args: unknown[]) => void): unknown;
}

/**
 * What a failed call rejects with. contextBridge copies a thrown Error as a bare Error (custom
 * class and properties are lost), so the failure crosses as plain data with the same fields
 * BastionlessCallError has: `code`, `message`, `hint`, `channel`, `error`.
 */
export interface CallFailure {
  name: 'BastionlessCallError';
  message: string;
  code: string;
  hint?: string;
  channel: string;
  error: IpcError;
}

function callFailure(channel: string, error: IpcError): CallFailure {
  return {
    name: 'BastionlessCallError',
    message: error.message,
    code: error.code,
    ...(error.hint ? { hint: error.hint } : {}),
    channel,
    error,
  };
}

/** Grants are batched so a flood of small chunks does not become a flood of grant messages. */
const GRANT_BATCH_BYTES = STREAM_WINDOW_BYTES / 8;

function reportListenerError(where: string, err: unknown): void {
  // contextBridge drops stacks, so the page's own error would be unhelpful; log it here.
  console.error(`bastionless: a ${where} listener threw`, err);
}

class RendererStream implements StreamHandle {
  private port: MessagePort | null = null;
  private readonly dataListeners = new Set<(chunk: Uint8Array, done: () => void) => void>();
  private readonly endListeners = new Set<(reason: string | null) => void>();
  /** Chunks that arrived before anyone listened (bounded by the credit window). */
  private readonly unread: Uint8Array[] = [];
  /** Input written before main handed over the port. */
  private readonly outbox: RendererPortMessage[] = [];
  private outstanding = 0;
  private ungranted = 0;
  private endReason: string | null | undefined = undefined;

  constructor(readonly streamId: string) {}

  get ended(): boolean {
    return this.endReason !== undefined;
  }

  bindPort(port: MessagePort): void {
    // Whatever was written (or a close) before the port arrived still goes out, in order.
    for (const message of this.outbox.splice(0)) port.postMessage(message);
    if (this.ended) {
      port.close();
      return;
    }
    this.port = port;
    port.onmessage = (event: MessageEvent<unknown>) => this.receive(event.data);
    port.addEventListener('close', () => this.finish('the connection to the app was lost'));
    port.start();
  }

  onData(listener: (chunk: Uint8Array, done: () => void) => void): () => void {
    this.dataListeners.add(listener);
    for (const chunk of this.unread.splice(0)) this.deliver(chunk);
    return () => this.dataListeners.delete(listener);
  }

  onEnd(listener: (reason: string | null) => void): () => void {
    if (this.ended) {
      listener(this.endReason ?? null);
      return () => {};
    }
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  write(chunk: Uint8Array): void {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('bastionless stream write: pass a Uint8Array');
    if (this.ended) return;
    this.post({ t: 'input', chunk });
  }

  close(): void {
    if (this.ended) return;
    this.post({ t: 'close' });
    this.finish(null);
  }

  finish(reason: string | null): void {
    if (this.ended) return;
    this.endReason = reason;
    this.port?.close();
    for (const listener of this.endListeners) {
      try {
        listener(reason);
      } catch (err) {
        reportListenerError('stream end', err);
      }
    }
    this.endListeners.clear();
    this.dataListeners.clear();
  }

  private post(message: RendererPortMessage): void {
    if (this.port) this.port.postMessage(message);
    else this.outbox.push(message);
  }

  private receive(raw: unknown): void {
    const parsed = MainPortMessageSchema.safeParse(raw);
    if (!parsed.success || this.ended) return;
    const message = parsed.data;
    if (message.t === 'end') this.finish(message.reason);
    else this.deliver(message.chunk);
  }

  private deliver(chunk: Uint8Array): void {
    if (this.dataListeners.size === 0) {
      this.unread.push(chunk);
      return;
    }
    // The chunk's credit returns once every listener has consumed it.
    this.outstanding += chunk.byteLength;
    let waiting = this.dataListeners.size;
    for (const listener of [...this.dataListeners]) {
      let called = false;
      const done = () => {
        if (called) return;
        called = true;
        waiting -= 1;
        if (waiting === 0) this.consumed(chunk.byteLength);
      };
      try {
        listener(chunk, done);
      } catch (err) {
        reportListenerError('stream data', err);
        done();
      }
    }
  }

  private consumed(bytes: number): void {
    this.outstanding -= bytes;
    this.ungranted += bytes;
    // Batch while busy; when the reader is idle hand everything back so main runs at full window.
    if (this.ungranted >= GRANT_BATCH_BYTES || (this.outstanding === 0 && this.unread.length === 0)) {
      const n = this.ungranted;
      this.ungranted = 0;
      if (n > 0 && !this.ended) this.post({ t: 'grant', n });
    }
  }
}

export function createElectronApi(ipc: IpcRendererLike): BastionlessApi {
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  const awaitingPort = new Map<string, RendererStream>();

  ipc.on(EVENT_CHANNEL, (_event, raw) => {
    const envelope = EventEnvelopeSchema.safeParse(raw);
    if (!envelope.success) return;
    for (const listener of eventListeners.get(envelope.data.event) ?? []) {
      try {
        listener(envelope.data.payload);
      } catch (err) {
        reportListenerError(envelope.data.event, err);
      }
    }
  });

  ipc.on(STREAM_PORT_CHANNEL, (event, raw) => {
    const port = event.ports[0];
    const message = StreamPortMessageSchema.safeParse(raw);
    const stream = message.success ? awaitingPort.get(message.data.streamId) : undefined;
    if (!port) return;
    if (!stream) {
      port.close();
      return;
    }
    awaitingPort.delete(stream.streamId);
    stream.bindPort(port);
  });

  async function call<C extends ChannelName>(channel: C, arg: ChannelArg<C>): Promise<ChannelResult<C>> {
    if (!Object.hasOwn(channels, channel)) {
      throw callFailure(String(channel), {
        code: 'unknown-channel',
        message: `No such channel: ${String(channel)}`,
        hint: 'Use a channel defined in preload/contract.',
      });
    }
    const outcome = CallOutcomeSchema.safeParse(await ipc.invoke(channel, arg));
    if (!outcome.success) {
      throw callFailure(channel, { code: 'internal', message: `${channel}: main sent a malformed reply` });
    }
    if (!outcome.data.ok) throw callFailure(channel, outcome.data.error);
    // main already checked the value against the channel's result schema.
    return outcome.data.value as ChannelResult<C>;
  }

  return {
    call,

    on(event, listener) {
      if (!Object.hasOwn(events, event)) throw new TypeError(`bastionless.on: no such event: ${String(event)}`);
      if (typeof listener !== 'function') throw new TypeError('bastionless.on: the listener must be a function');
      let set = eventListeners.get(event);
      if (!set) eventListeners.set(event, (set = new Set()));
      const entry = listener as (payload: unknown) => void;
      set.add(entry);
      return () => {
        set.delete(entry);
      };
    },

    openStream(streamId) {
      const ref = StreamRefSchema.safeParse({ streamId });
      if (!ref.success) throw new TypeError(`bastionless.openStream: not a stream id: ${String(streamId)}`);
      awaitingPort.get(streamId)?.finish('the stream was opened again');
      const stream = new RendererStream(streamId);
      awaitingPort.set(streamId, stream);
      ipc.invoke(STREAM_ATTACH_CHANNEL, { streamId }).then(
        (raw) => {
          const outcome = CallOutcomeSchema.safeParse(raw);
          if (outcome.success && outcome.data.ok) return;
          if (awaitingPort.get(streamId) === stream) awaitingPort.delete(streamId);
          stream.finish(outcome.success && !outcome.data.ok ? outcome.data.error.message : 'main refused the stream');
        },
        (err: unknown) => {
          if (awaitingPort.get(streamId) === stream) awaitingPort.delete(streamId);
          stream.finish(err instanceof Error ? err.message : String(err));
        },
      );
      // Only the handle's four methods cross the bridge, never the class instance itself.
      return {
        onData: (listener) => stream.onData(listener),
        onEnd: (listener) => stream.onEnd(listener),
        write: (chunk) => stream.write(chunk),
        close: () => stream.close(),
      };
    },
  };
}

contextBridge.exposeInMainWorld('bastionless', createElectronApi(ipcRenderer));
