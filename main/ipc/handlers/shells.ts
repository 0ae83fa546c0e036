import type { shellsChannels } from '../../../preload/contract/shells';
import type { ShellService } from '../../core/shells/service';
import type { Handlers } from '../dispatch';
import type { HostContext } from '../host';
import type { MainStream } from '../streams';

type ShellsHandlers = Pick<Handlers, keyof typeof shellsChannels>;

/**
 * The shells feature's rows of the dispatch table. Each attach gets its own stream: output goes
 * out as the renderer grants credit (backpressure to the data channel), keystrokes come back.
 */
export function shellsHandlers(host: Pick<HostContext, 'core' | 'events' | 'streams'> & { core: { shells: ShellService } }): ShellsHandlers {
  const shells = host.core.shells;
  /** The stream currently showing each tab; a new attach (reloaded window) replaces it. */
  const attached = new Map<string, MainStream>();

  shells.onStatus((tabId, status) => host.events.emit('shells.status', { tabId, status }));

  const attach = (tabId: string): MainStream => {
    const tab = shells.get(tabId);
    attached.get(tabId)?.end('attached elsewhere');
    const stream = host.streams.create();
    const writer = (chunk: Uint8Array) => stream.write(chunk);
    tab.attachOutput(writer);
    const offInput = stream.onInput((chunk) => tab.write(chunk));
    // A closed window stops reading: the tab keeps only its tail meanwhile instead of pausing the
    // shell behind a reader that will never grant more; the next window attaches a new stream.
    stream.onDetach(() => tab.detachOutput(writer));
    stream.onClose(() => {
      offInput();
      tab.detachOutput(writer);
      if (attached.get(tabId) === stream) attached.delete(tabId);
    });
    attached.set(tabId, stream);
    return stream;
  };

  return {
    'shells.open': async ({ instanceKey, size, start, exitCodeProbe }) => {
      const tab = await shells.open({
        instanceKey,
        ...(size ? { size } : {}),
        ...(start ? { start } : {}),
        ...(exitCodeProbe !== undefined ? { exitCodeProbe } : {}),
      });
      return shells.list().find((t) => t.tabId === tab.id)!;
    },
    'shells.list': async () => {
      await shells.restore();
      return shells.list();
    },
    'shells.attach': ({ tabId }) => ({ streamId: attach(tabId).id }),
    'shells.resize': ({ tabId, size }) => {
      shells.resize(tabId, size);
      return { ok: true as const };
    },
    'shells.startChoices': ({ instanceKey }) => shells.startChoices(instanceKey),
    'shells.setStartChoice': ({ instanceKey, scope, start }) => shells.setStartChoice(instanceKey, scope, start),
    'shells.close': async ({ tabId }) => {
      attached.get(tabId)?.end('tab closed');
      const known = shells.list().some((t) => t.tabId === tabId);
      await shells.close(tabId);
      return { closed: known };
    },
  };
}
