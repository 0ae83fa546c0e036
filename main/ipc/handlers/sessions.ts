import type { sessionsChannels } from '../../../preload/contract/sessions';
import type { Handlers } from '../dispatch';
import type { HostContext } from '../host';

type SessionsHandlers = Pick<Handlers, keyof typeof sessionsChannels>;

/** The sessions feature's rows of the dispatch table; each account-region's answer streams as sessions.scope. */
export function sessionsHandlers(host: Pick<HostContext, 'core' | 'events'>): SessionsHandlers {
  const history = host.core.sessionHistory;
  return {
    // The view filters (mine, this instance, active) in place: one listing of everything serves them all.
    'sessions.list': ({ requestId }) => history.list({ state: 'all' }, (result, sessions) => host.events.emit('sessions.scope', { requestId, result, sessions })),
    'sessions.terminate': async ({ key }) => {
      const record = await history.terminate(key);
      return { sessionId: record.sessionId, closedLocally: record.local !== undefined };
    },
  };
}
