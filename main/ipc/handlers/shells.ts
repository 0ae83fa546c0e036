import type { shellsChannels } from '../../../preload/contract/shells';
import type { Handlers } from '../dispatch';
import type { HostContext } from '../host';

type ShellsHandlers = Pick<Handlers, keyof typeof shellsChannels>;

/** The shells feature's rows of the dispatch table. */
export function shellsHandlers(_host: Pick<HostContext, 'core' | 'events' | 'streams'>): ShellsHandlers {
  return {};
}
