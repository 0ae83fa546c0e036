import type { tunnelsChannels } from '../../../preload/contract/tunnels';
import type { Handlers } from '../dispatch';
import type { HostContext } from '../host';

type TunnelsHandlers = Pick<Handlers, keyof typeof tunnelsChannels>;

/** The tunnels feature's rows of the dispatch table. */
export function tunnelsHandlers(host: Pick<HostContext, 'core' | 'events' | 'streams'>): TunnelsHandlers {
  const { tunnels } = host.core;
  tunnels.on('changed', (list) => host.events.emit('tunnels.changed', { tunnels: list }));
  tunnels.on('profiles', (profiles) => host.events.emit('tunnels.profilesChanged', { profiles }));
  return {
    'tunnels.profiles.list': async () => ({ profiles: await tunnels.listProfiles() }),
    'tunnels.profiles.save': (input) => tunnels.saveProfile(input),
    'tunnels.profiles.delete': async ({ id }) => {
      await tunnels.deleteProfile(id);
      return { deleted: true };
    },
    'tunnels.profiles.export': async ({ ids }) => ({ json: await tunnels.exportProfiles(ids) }),
    'tunnels.profiles.import': ({ json }) => tunnels.importProfiles(json),
    'tunnels.list': () => ({ tunnels: tunnels.list() }),
    'tunnels.start': ({ profileId }) => tunnels.start(profileId),
    'tunnels.stop': async ({ id }) => ({ stopped: await tunnels.stop(id) }),
    'tunnels.startOnce': (input) => tunnels.startOnce(input),
    'tunnels.saveOnce': ({ id }) => tunnels.saveOnce(id),
    'tunnels.launch': ({ id }) => tunnels.launch(id),
  };
}
