import type { RawData, WebSocket } from 'ws';
import { ClientMessageSchema, decodeStreamFrame, type ServerMessage } from '../../preload/contract/web-wire';
import type { HostContext } from '../ipc/host';
import type { MainStream, StreamSink } from '../ipc/streams';
import { createHttpStreamSink, type HttpStreamClaims } from './http-streams';

/** Serves one browser tab: calls, events, and the streams it attaches to. */
export function serveWebSocketClient(ws: WebSocket, host: HostContext, claims: HttpStreamClaims, log: (line: string) => void): void {
  const send = (message: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const attached = new Map<string, { stream: MainStream; sink: StreamSink }>();

  const unsubscribe = host.events.subscribe((ev, payload) => send({ t: 'event', ev, payload }));

  ws.on('message', (raw: RawData, isBinary: boolean) => {
    const bytes = toBuffer(raw);
    if (isBinary) {
      const frame = decodeStreamFrame(bytes);
      if (frame) attached.get(frame.id)?.stream.input(frame.data);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      log('web host: dropped a non-JSON text frame');
      return;
    }
    const parsed = ClientMessageSchema.safeParse(json);
    if (!parsed.success) {
      log('web host: dropped a malformed message');
      return;
    }
    const message = parsed.data;
    switch (message.t) {
      case 'call':
        void host.dispatcher.call(message.ch, message.arg, { transport: 'web' }).then((outcome) => {
          send(outcome.ok ? { t: 'result', id: message.id, ok: true, value: outcome.value } : { t: 'result', id: message.id, ok: false, error: outcome.error });
        });
        return;
      case 'attach': {
        const stream = host.streams.get(message.s);
        if (!stream) {
          send({ t: 'end', s: message.s, reason: 'no such stream' });
          return;
        }
        // The output itself comes as the body of GET /stream/<id> (see http-streams.ts).
        const sink = createHttpStreamSink(stream, (reason) => {
          attached.delete(stream.id);
          claims.withdraw(stream.id);
          send({ t: 'end', s: stream.id, reason });
        });
        attached.set(stream.id, { stream, sink });
        claims.offer(stream.id, sink);
        return;
      }
      case 'grant':
        attached.get(message.s)?.stream.grant(message.n);
        return;
      case 'close':
        attached.get(message.s)?.stream.closeFromRenderer();
        return;
    }
  });

  ws.on('close', () => {
    unsubscribe();
    // A closed tab detaches; the stream itself lives on so a reloaded page can re-attach.
    for (const { stream, sink } of attached.values()) {
      stream.detach(sink);
      claims.withdraw(stream.id);
    }
    attached.clear();
  });
}

function toBuffer(raw: RawData): Buffer {
  if (Buffer.isBuffer(raw)) return raw;
  if (Array.isArray(raw)) return Buffer.concat(raw);
  return Buffer.from(raw);
}
