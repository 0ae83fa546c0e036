import type { authChannels } from '../../../preload/contract/auth';
import type { Handlers } from '../dispatch';
import type { HostContext } from '../host';

type AuthHandlers = Pick<Handlers, keyof typeof authChannels>;

/** The auth feature's rows of the dispatch table. */
export function authHandlers(_host: Pick<HostContext, 'core' | 'events' | 'streams'>): AuthHandlers {
  return {};
}
