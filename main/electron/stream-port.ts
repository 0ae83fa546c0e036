import type { MainStream, StreamSink } from '../ipc/streams';
import { RendererPortMessageSchema, type MainPortMessage } from '../../preload/electron-wire';

/**
 * Main's end of one stream's MessagePort: output goes out as 'data' messages within the credit
 * the renderer grants; grants, input and close come back. The port type is the slice of
 * MessagePortMain used here, so the unit test drives it with a real Node MessageChannel.
 */
export interface MainPortLike {
  postMessage(message: MainPortMessage): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

/** Attaches the stream to the port; the returned function detaches it and closes the port. */
export function bindStreamToPort(stream: MainStream, port: MainPortLike, log: (line: string) => void = () => {}): () => void {
  let open = true;
  const shut = () => {
    if (!open) return;
    open = false;
    stream.detach(sink);
    port.close();
  };
  const sink: StreamSink = {
    data(chunk) {
      if (open) port.postMessage({ t: 'data', chunk });
    },
    end(reason) {
      if (open) port.postMessage({ t: 'end', reason });
      shut();
    },
  };
  port.on('message', ({ data }) => {
    const parsed = RendererPortMessageSchema.safeParse(data);
    if (!parsed.success) {
      log(`stream ${stream.id}: ignored a malformed message from the renderer`);
      return;
    }
    const message = parsed.data;
    if (message.t === 'grant') stream.grant(message.n);
    else if (message.t === 'input') stream.input(message.chunk);
    else stream.closeFromRenderer();
  });
  // The renderer reloaded or the window closed: keep the stream (it may be attached again).
  port.on('close', () => {
    open = false;
    stream.detach(sink);
  });
  port.start();
  stream.attach(sink);
  return shut;
}
