import type { preferencesChannels } from '../../../preload/contract/preferences';
import type { Handlers } from '../dispatch';
import type { HostContext } from '../host';

type PreferencesHandlers = Pick<Handlers, keyof typeof preferencesChannels>;

/** The preferences store's rows of the dispatch table; every change goes out as prefs.changed. */
export function preferencesHandlers(host: Pick<HostContext, 'core' | 'events'>): PreferencesHandlers {
  const store = host.core.preferences;
  store.onChange((state) => host.events.emit('prefs.changed', state));
  return {
    // Re-read on every window load: the CLI or another app window may have written meanwhile.
    'prefs.get': () => store.reload(),
    'prefs.update': (patch) => store.update(patch),
    'prefs.setFavourite': ({ key, favourite }) => store.setFavourite(key, favourite),
  };
}
