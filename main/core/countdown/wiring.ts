import type { SourceInfo } from '../../../preload/contract/auth';
import type { AuthService } from '../aws/auth';
import type { SessionPreferencesReader } from '../aws/session-preferences';
import type { CredentialsForTarget } from '../aws/target';
import type { ShellService } from '../shells/service';
import type { PreferencesStore } from '../store/preferences';
import type { TunnelService } from '../tunnels/service';
import type { SignInFacts } from './model';
import { CountdownService } from './service';

/**
 * Builds the countdown service from the core's services and keeps it told: tabs and tunnels
 * opening, closing and reconnecting, sign-ins changing, and the countdown settings.
 */

export interface CountdownWiring {
  auth: Pick<AuthService, 'sources' | 'onChange'>;
  credentials: CredentialsForTarget;
  preferences: Pick<PreferencesStore, 'current' | 'onChange'>;
  shells: Pick<ShellService, 'countdownItems' | 'onStatus'>;
  tunnels: Pick<TunnelService, 'countdownItems' | 'on'>;
  sessionPreferences: SessionPreferencesReader;
}

/** SSO sources only: a profile's credential provider renews itself, so it has no sign-in to run out. */
export function signInFacts(source: SourceInfo | undefined): SignInFacts | undefined {
  if (!source || source.kind !== 'sso') return undefined;
  const expiresAt = source.expiresAt !== undefined ? { expiresAt: source.expiresAt } : {};
  switch (source.state) {
    case 'signed-in':
      return { state: 'signed-in', refreshable: source.refreshable, ...expiresAt };
    case 'signing-in':
      // Signing in again while the old token still works: it counts until the new one arrives.
      return source.expiresAt !== undefined ? { state: 'signed-in', refreshable: source.refreshable, ...expiresAt } : { state: 'signed-out', refreshable: false };
    case 'signed-out':
      return { state: 'signed-out', refreshable: false };
    default:
      return { state: 'expired', refreshable: false };
  }
}

export function createCountdowns(w: CountdownWiring): CountdownService {
  let sources = w.auth.sources();
  const service = new CountdownService({
    items: () => [...w.shells.countdownItems(), ...w.tunnels.countdownItems()],
    preferences: w.sessionPreferences,
    signIn: (id) => signInFacts(sources.find((s) => s.id === id)),
    credentialsExpiry: async (scope) => (await w.credentials(scope)()).expiration?.getTime(),
    settings: () => w.preferences.current().preferences.countdown,
  });
  w.auth.onChange((next) => {
    sources = next;
    service.signInChanged();
  });
  w.shells.onStatus(() => service.refresh());
  w.tunnels.on('changed', () => service.refresh());
  w.preferences.onChange(() => service.refresh());
  return service;
}
