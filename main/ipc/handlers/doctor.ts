import type { doctorChannels } from '../../../preload/contract/doctor';
import type { DoctorFeature } from '../../../preload/contract/doctor';
import type { SessionTarget } from '../../core/aws/target';
import { AppError } from '../../core/errors';
import { portForwardingRequest } from '../../core/tunnels/port-session-opener';
import { targetFromProfile } from '../../core/tunnels/service';
import { resolveTagTarget } from '../../core/tunnels/tag-target';
import type { TunnelProfile } from '../../core/tunnels/profile-schema';
import type { Handlers } from '../dispatch';
import type { HostContext } from '../host';

type DoctorHandlers = Pick<Handlers, keyof typeof doctorChannels>;

/** What a tunnel profile asks of Session Manager: RDP, a port on the instance, or a host behind it. */
function profileFeature(profile: TunnelProfile): DoctorFeature {
  if (profile.remoteHost) return 'remote-port';
  return profile.kind === 'rdp' ? 'rdp' : 'port';
}

/** The connectivity doctor's row of the dispatch table: an inventory instance, or a tunnel profile's instance. */
export function doctorHandlers(host: Pick<HostContext, 'core'>): DoctorHandlers {
  const { core } = host;
  // The inventory knows the instance's name and platform better than a profile does.
  const known = (t: SessionTarget): SessionTarget => {
    const key = `${t.sourceId}/${t.accountId}/${t.region}/${t.instanceId}`;
    return core.inventory.find(key) ? core.inventory.resolve(key) : t;
  };
  return {
    'doctor.run': async (arg) => {
      if ('tunnelProfileId' in arg) {
        const profile = (await core.tunnels.listProfiles()).find((p) => p.id === arg.tunnelProfileId);
        if (!profile) throw new AppError('profile-not-found', 'That tunnel profile no longer exists.', 'Reload the Tunnels view.');
        // A tag query is resolved as a start would (the one online instance with the tags); its refusal is the answer.
        const target = targetFromProfile(profile) ?? resolveTagTarget(profile, core.inventory.list(), (key) => core.inventory.resolve(key));
        const request = portForwardingRequest({ port: profile.remotePort, ...(profile.remoteHost ? { remoteHost: profile.remoteHost } : {}) });
        return core.doctor({ target: known(target), feature: profileFeature(profile), documentName: request.documentName, ...(arg.connect ? { connect: { parameters: request.parameters } } : {}) });
      }
      const target = core.inventory.resolve(arg.instanceKey);
      // A shell is checked with the document its tabs start with (Shell session → Change…).
      const choices = arg.feature === 'shell' && !arg.documentName ? await core.shells.startChoices(arg.instanceKey).catch(() => undefined) : undefined;
      const documentName = arg.documentName ?? (choices?.instance ?? choices?.source)?.documentName;
      return core.doctor({ target, feature: arg.feature, ...(documentName ? { documentName } : {}), ...(arg.connect ? { connect: {} } : {}) });
    },
  };
}
