import type { InstanceSummary } from '../../preload/contract/inventory';
import type { SessionTarget } from '../core/aws/target';
import { AppError, isAppError } from '../core/errors';
import { readAliases } from './aliases';
import type { CliCore } from './core';
import { resolveTarget } from './target';

/**
 * Sign-in check and TARGET resolution over the app's inventory. The on-disk cache answers first
 * (ssh runs the proxy once per connection; a fleet-wide scan each time would be slow); only a
 * miss or an ambiguity there waits for a fresh scan.
 */

export async function requireSignedIn(core: CliCore): Promise<void> {
  await core.aws.auth.init();
  if (core.aws.auth.signedInSources().length) return;
  const sources = core.aws.auth.sources();
  const expired = sources.some((s) => s.state === 'expired');
  const keychain = sources.find((s) => s.error?.code === 'keychain-unavailable')?.error;
  if (keychain) throw new AppError('keychain-unavailable', keychain.message, keychain.hint);
  throw new AppError(
    'not-signed-in',
    expired ? 'Your sign-in expired.' : sources.length ? 'Not signed in.' : 'Not signed in, and no sign-in source is configured.',
    sources.length ? 'Run `bastionless login` (or sign in in the app).' : 'Run `bastionless login --start-url https://…/start --region REGION`, or add an [sso-session] to ~/.aws/config.',
  );
}

/** The cached instances of the previous scan (this process's or the app's). */
export async function cachedInstances(core: CliCore): Promise<InstanceSummary[]> {
  await core.aws.inventory.loadCache();
  return core.aws.inventory.list();
}

export async function freshInstances(core: CliCore): Promise<InstanceSummary[]> {
  await core.aws.inventory.scan();
  return core.aws.inventory.list();
}

export interface ResolvedTarget {
  instance: InstanceSummary;
  target: SessionTarget;
}

/** `signedInFirst: false` looks in the cached inventory even when signed out (the doctor reports the sign-in itself). */
export async function findTarget(core: CliCore, query: string, debug: (line: string) => void = () => {}, options: { signedInFirst?: boolean } = {}): Promise<ResolvedTarget> {
  if (options.signedInFirst !== false) await requireSignedIn(core);
  const aliases = await readAliases(core.dataDir);
  const pick = (instances: InstanceSummary[], source: string): ResolvedTarget => {
    const instance = resolveTarget(query, instances, { aliases, source });
    return { instance, target: core.aws.inventory.resolve(instance.key) };
  };
  const cached = await cachedInstances(core);
  if (cached.length) {
    try {
      return pick(cached, 'the cached inventory');
    } catch (err) {
      if (!isAppError(err) || (err.code !== 'target-not-found' && err.code !== 'target-ambiguous')) throw err;
      debug(`${err.message.split('\n')[0]} — scanning for a fresh inventory`);
    }
  }
  await requireSignedIn(core);
  return pick(await freshInstances(core), 'the inventory');
}
