import { ipcMain, MessageChannelMain, type IpcMainInvokeEvent, type WebContents, type WebFrameMain } from 'electron';
import type { HostContext } from '../ipc/host';
import type { CallOutcome } from '../ipc/dispatch';
import {
  EVENT_CHANNEL,
  STREAM_ATTACH_CHANNEL,
  STREAM_PORT_CHANNEL,
  StreamAttachArgSchema,
  type EventEnvelope,
} from '../../preload/electron-wire';
import type { NavigationPolicy } from './navigation-policy';
import { bindStreamToPort } from './stream-port';

/**
 * The Electron transport of the IPC contract: one ipcMain.handle per contract channel, each
 * answering only the top frame of our own app:// page, then Dispatcher.call (which parses the
 * argument). Events go to the window; each stream gets its own MessageChannelMain.
 */

const refused: CallOutcome = {
  ok: false,
  error: { code: 'forbidden', message: 'This frame may not call Bastionless.', hint: 'Only the app window can.' },
};

function frameInfo(frame: WebFrameMain | null) {
  // A frame without a parent is the page's top frame (sub-frames and <iframe>s always have one).
  return frame && !frame.isDestroyed() ? { url: frame.url, isTopFrame: frame.parent === null } : null;
}

export interface IpcBridge {
  /** Sends events to this window's page from now on. */
  attachWindow(contents: WebContents): void;
  dispose(): void;
}

export function installIpcBridge(host: HostContext, policy: NavigationPolicy, log: (line: string) => void): IpcBridge {
  const allowed = (event: IpcMainInvokeEvent): boolean => {
    const ok = policy.senderAllowed(frameInfo(event.senderFrame));
    if (!ok) log(`refused IPC from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
    return ok;
  };

  for (const channel of host.dispatcher.channelNames) {
    ipcMain.handle(channel, (event, arg: unknown) =>
      allowed(event) ? host.dispatcher.call(channel, arg, { transport: 'electron' }) : refused,
    );
  }

  const detachByStream = new Map<string, () => void>();
  ipcMain.handle(STREAM_ATTACH_CHANNEL, (event, arg: unknown): CallOutcome => {
    if (!allowed(event) || !event.senderFrame) return refused;
    const parsed = StreamAttachArgSchema.safeParse(arg);
    if (!parsed.success) return { ok: false, error: { code: 'invalid-argument', message: 'Not a stream id.' } };
    const { streamId } = parsed.data;
    const stream = host.streams.get(streamId);
    if (!stream) {
      return {
        ok: false,
        error: { code: 'stream-not-found', message: `Stream ${streamId} does not exist or has ended.` },
      };
    }
    // A reload re-attaches: the old port is closed, the stream carries on over the new one.
    detachByStream.get(streamId)?.();
    const { port1, port2 } = new MessageChannelMain();
    const detach = bindStreamToPort(stream, port1, log);
    detachByStream.set(streamId, detach);
    stream.onClose(() => detachByStream.delete(streamId));
    event.senderFrame.postMessage(STREAM_PORT_CHANNEL, { streamId }, [port2]);
    return { ok: true, value: null };
  });

  let target: WebContents | null = null;
  const unsubscribe = host.events.subscribe((event, payload) => {
    // Never send app data to a page that is not ours (navigation is denied, this is belt and braces).
    if (!target || target.isDestroyed() || !policy.isAppUrl(target.getURL())) return;
    const envelope: EventEnvelope = { event, payload };
    target.send(EVENT_CHANNEL, envelope);
  });

  return {
    attachWindow(contents) {
      target = contents;
    },
    dispose() {
      unsubscribe();
      for (const detach of detachByStream.values()) detach();
      detachByStream.clear();
      for (const channel of host.dispatcher.channelNames) ipcMain.removeHandler(channel);
      ipcMain.removeHandler(STREAM_ATTACH_CHANNEL);
    },
  };
}
