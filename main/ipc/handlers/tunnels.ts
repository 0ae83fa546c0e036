import type { tunnelsChannels } from '../../../preload/contract/tunnels';
import type { Handlers } from '../dispatch';
import type { HostContext } from '../host';

type TunnelsHandlers = Pick<Handlers, keyof typeof tunnelsChannels>;

/** The tunnels feature's rows of the dispatch table. */
export function tunnelsHandlers(_host: Pick<HostContext, 'core' | 'events' | 'streams'>): TunnelsHandlers {
  return {};
}
