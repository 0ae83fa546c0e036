import type { authChannels } from '../../../preload/contract/auth';
import type { Handlers } from '../dispatch';
import type { HostContext } from '../host';

type AuthHandlers = Pick<Handlers, keyof typeof authChannels>;

/** The auth feature's rows of the dispatch table. State changes go out as auth.changed. */
export function authHandlers(host: Pick<HostContext, 'core' | 'events' | 'streams'>): AuthHandlers {
  const auth = host.core.auth;
  auth.onChange((sources) => host.events.emit('auth.changed', { sources }));
  return {
    'auth.sources': async () => {
      await auth.init();
      return auth.sources();
    },
    'auth.signIn': async ({ sourceId, method }) => {
      const info = await auth.signIn(sourceId, method);
      // The web host cannot open the system browser; the window opens the page (or shows the link).
      if (info.pending) host.events.emit('auth.openUrl', { url: info.pending.verificationUrl });
      return info;
    },
    'auth.cancel': ({ sourceId }) => ({ cancelled: auth.cancel(sourceId) }),
    'auth.signOut': async ({ sourceId }) => ({ signedOut: await auth.signOut(sourceId) }),
    'auth.addSource': (input) => auth.addSource(input),
    'auth.removeSource': async ({ sourceId }) => {
      await auth.removeSource(sourceId);
      return { removed: true as const };
    },
    'auth.settings': async () => {
      await auth.init();
      return auth.settings();
    },
    'auth.updateSettings': (patch) => auth.updateSettings(patch),
    'auth.keychain': () => host.core.keychain.state(),
    'auth.setKeychain': ({ choice }) => host.core.keychain.choose(choice),
  };
}
