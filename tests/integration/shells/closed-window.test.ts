import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreServices } from '../../../main/core/services';
import { EventBus } from '../../../main/ipc/events';
import { shellsHandlers } from '../../../main/ipc/handlers/shells';
import { StreamRegistry, type StreamSink } from '../../../main/ipc/streams';
import type { EmulatorSessionHub } from '../../../emulator/sessions/index';
import { instanceKey, startEmulatorShells, type EmulatorShells } from './emulator-shells';

/**
 * A window that goes away (closed to the tray, or reloading) while its shell floods: the shell
 * must keep running, not sit paused behind a reader that will never grant more output, and the
 * next window gets the screen's tail.
 */

const FLOOD = 6_000_000;

describe('a shell whose window closed', () => {
  let env: EmulatorShells;
  let handlers: ReturnType<typeof shellsHandlers>;
  let streams: StreamRegistry;
  beforeAll(async () => {
    env = await startEmulatorShells();
    const base = createCoreServices({ version: 'test', emulator: true });
    await base.shells.dispose();
    streams = new StreamRegistry();
    handlers = shellsHandlers({ core: { ...base, shells: env.service }, events: new EventBus(), streams });
  });
  afterAll(async () => {
    streams?.closeAll('test over');
    await env?.stop();
  });

  it('keeps running at full speed without a reader, and the next window gets the tail', async () => {
    const tab = await handlers['shells.open']({ instanceKey: instanceKey('web-1') }, { transport: 'web' });
    // The first window reads the prompt, then stops granting (it is about to close).
    const { streamId } = await handlers['shells.attach']({ tabId: tab.tabId }, { transport: 'web' });
    const first = streams.get(streamId)!;
    let seen = '';
    let prompt: () => void = () => undefined;
    const promptShown = new Promise<void>((resolve) => (prompt = resolve));
    const stalled: StreamSink = {
      data: (chunk) => {
        seen += Buffer.from(chunk).toString('latin1');
        if (seen.includes('$ ')) prompt();
      },
      end: () => undefined,
    };
    first.attach(stalled);
    await promptShown;
    first.input(Buffer.from(`head -c ${FLOOD} /dev/zero | tr '\\0' '\\170'; echo; echo FLOOD-"DONE"\r`));
    const shellTab = env.service.get(tab.tabId);
    // The flood fills what the silent window allowed, then the queue: the shell is held.
    await expect.poll(() => shellTab.queuedOutputBytes, { timeout: 30_000 }).toBeGreaterThanOrEqual(1024 * 1024);
    // The emulator's own hub (startEmulatorShells gives no other), which reports relay counters.
    const hub = env.emu.hub as EmulatorSessionHub;
    const session = () => hub.stats(shellTab.currentSessionId!)!;

    // The window closes: nobody reads now, and the shell must run to the end of the flood anyway —
    // the agent has sent it all and we have acknowledged (so taken in) every message.
    first.detach(stalled);
    expect(shellTab.queuedOutputBytes).toBe(0);
    await expect.poll(() => session().agent.bytesSent >= FLOOD && session().agent.buffered === 0, { timeout: 60_000 }).toBe(true);

    // A new window attaches and gets the screen's tail, flood marker included.
    const { streamId: nextId } = await handlers['shells.attach']({ tabId: tab.tabId }, { transport: 'web' });
    const next = streams.get(nextId)!;
    let tail = '';
    await new Promise<void>((resolve) => {
      next.attach({
        data: (chunk) => {
          tail += Buffer.from(chunk).toString('latin1');
          next.grant(chunk.byteLength);
          if (tail.includes('FLOOD-DONE')) resolve();
        },
        end: () => undefined,
      });
    });
    // Little is left for it: had the shell waited for a reader, most of the flood would come now.
    expect(tail.length).toBeLessThan(FLOOD / 4);
    await handlers['shells.close']({ tabId: tab.tabId }, { transport: 'web' });
  });
});
