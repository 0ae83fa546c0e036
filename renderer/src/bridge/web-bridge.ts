import {
  BastionlessCallError,
  STREAM_WINDOW_BYTES,
  type BastionlessApi,
  type ChannelName,
  type ChannelResult,
  type EventName,
  type EventPayload,
  type IpcError,
  type StreamHandle,
} from '../../../preload/contract';
import { encodeStreamFrame, type ServerMessage } from '../../../preload/contract/web-wire';

/**
 * `window.bastionless` for the browser: the same contract as Electron's preload, carried over
 * the web host's loopback WebSocket. The app code cannot tell the two apart.
 */

type Pending = { channel: string; resolve: (value: unknown) => void; reject: (err: Error) => void };
type StreamState = {
  data: Set<(chunk: Uint8Array, done: () => void) => void>;
  end: Set<(reason: string | null) => void>;
  /** Consumed bytes not yet granted back; grants are batched so small chunks don't flood the socket. */
  ungranted: number;
  /** Settles when the output body (GET /stream/<id>) has been read to its end. */
  body: Promise<void>;
};

export function createWebBridge(url: string, onConnection?: (state: 'open' | 'closed') => void): BastionlessApi {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const opened = new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => {
      onConnection?.('open');
      resolve();
    });
    ws.addEventListener('error', () => reject(new Error('cannot reach the Bastionless web host')));
  });
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const streams = new Map<string, StreamState>();

  const sendJson = async (message: object) => {
    await opened;
    ws.send(JSON.stringify(message));
  };

  ws.addEventListener('close', () => {
    onConnection?.('closed');
    const error: IpcError = { code: 'disconnected', message: 'The connection to Bastionless was lost.', hint: 'Reload the page; if that fails, restart `npm run web`.' };
    for (const [id, call] of pending) {
      call.reject(new BastionlessCallError(call.channel, error));
      pending.delete(id);
    }
    for (const [id, stream] of streams) {
      for (const listener of stream.end) listener('disconnected');
      streams.delete(id);
    }
  });

  /** Hands output to the stream's listeners; their `done` calls return credit to main in batches. */
  const deliver = (id: string, stream: StreamState, data: Uint8Array) => {
    const size = data.byteLength;
    let consumed = false;
    const done = () => {
      if (consumed) return;
      consumed = true;
      stream.ungranted += size;
      if (stream.ungranted >= STREAM_WINDOW_BYTES / 4) {
        void sendJson({ t: 'grant', s: id, n: stream.ungranted });
        stream.ungranted = 0;
      }
    };
    if (stream.data.size === 0) done();
    for (const listener of stream.data) listener(data, done);
  };

  /** Reads a stream's output body; a fetch streams bytes into the page far cheaper than socket frames. */
  const readBody = async (id: string, stream: StreamState) => {
    await opened;
    const response = await fetch(`/stream/${id}`, { cache: 'no-store', credentials: 'same-origin' });
    if (!response.ok || !response.body) throw new Error(`stream ${id}: HTTP ${response.status}`);
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (streams.get(id) === stream) deliver(id, stream, value);
    }
  };

  ws.addEventListener('message', (event: MessageEvent<ArrayBuffer | string>) => {
    // Output arrives as stream bodies (readBody); the socket carries only JSON this way.
    if (typeof event.data !== 'string') return;
    const message = JSON.parse(event.data) as ServerMessage;
    if (message.t === 'result') {
      const call = pending.get(message.id);
      if (!call) return;
      pending.delete(message.id);
      if (message.ok) call.resolve(message.value);
      else call.reject(new BastionlessCallError(call.channel, message.error));
    } else if (message.t === 'event') {
      for (const listener of listeners.get(message.ev) ?? []) listener(message.payload);
    } else if (message.t === 'end') {
      const stream = streams.get(message.s);
      if (!stream) return;
      // Main ends the body before it says so here: read the last bytes, then report the end.
      void stream.body.then(() => {
        streams.delete(message.s);
        for (const listener of stream.end) listener(message.reason);
      });
    }
  });

  return {
    call<C extends ChannelName>(channel: C, arg: unknown): Promise<ChannelResult<C>> {
      const id = nextId++;
      return new Promise<ChannelResult<C>>((resolve, reject) => {
        pending.set(id, { channel, resolve: resolve as (value: unknown) => void, reject });
        sendJson({ t: 'call', id, ch: channel, arg }).catch(reject);
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
    openStream(streamId: string): StreamHandle {
      const state: StreamState = { data: new Set(), end: new Set(), ungranted: 0, body: Promise.resolve() };
      streams.set(streamId, state);
      void sendJson({ t: 'attach', s: streamId });
      // A failed read (page closing, host gone) ends nothing by itself: the socket's end or close does.
      state.body = readBody(streamId, state).catch(() => undefined);
      return {
        onData(listener) {
          state.data.add(listener);
          return () => state.data.delete(listener);
        },
        onEnd(listener) {
          state.end.add(listener);
          return () => state.end.delete(listener);
        },
        write(chunk) {
          void opened.then(() => ws.send(encodeStreamFrame(streamId, chunk)));
        },
        close() {
          void sendJson({ t: 'close', s: streamId });
        },
      };
    },
  };
}
