import type { countdownsChannels } from '../../../preload/contract/countdowns';
import type { Handlers } from '../dispatch';
import type { HostContext } from '../host';

type CountdownsHandlers = Pick<Handlers, keyof typeof countdownsChannels>;

/** The countdowns' row of the dispatch table; every change is pushed as countdowns.changed. */
export function countdownsHandlers(host: Pick<HostContext, 'core' | 'events'>): CountdownsHandlers {
  host.core.countdowns.on('changed', (info) => host.events.emit('countdowns.changed', info));
  return {
    'countdowns.list': () => host.core.countdowns.list(),
  };
}
