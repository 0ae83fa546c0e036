import { Notification } from 'electron';
import { CountdownsSchema } from '../../preload/contract';
import { createAnnouncer } from '../core/countdown/announcer';
import type { HostContext } from '../ipc/host';

/**
 * Desktop notifications a few minutes before Session Manager cuts a tab or tunnel, even while
 * the window is hidden in the tray. What to say comes from the core's announcer; clicking one
 * shows the window. Returns the unsubscribe.
 */
export function showCountdownNotifications(host: Pick<HostContext, 'events'>, onClick: () => void): () => void {
  if (!Notification.isSupported()) return () => undefined;
  const announce = createAnnouncer();
  return host.events.subscribe((event, payload) => {
    if (event !== 'countdowns.changed') return;
    for (const a of announce(CountdownsSchema.parse(payload))) {
      const n = new Notification({ title: a.title, body: a.body });
      n.on('click', onClick);
      n.show();
    }
  });
}
