import { join } from 'node:path';
import { AppStateStore } from './app-state';
import type { AuthService } from './aws/auth';
import { createAwsServices, type AwsServices, type AwsServicesOptions } from './aws/index';
import type { InventoryService } from './aws/inventory';
import type { KeychainControl } from './aws/keychain';
import type { SessionService } from './aws/sessions';
import type { CredentialsForTarget } from './aws/target';
import { createSessionHistory, type SessionHistoryService } from './sessions/index';
import { createCountdowns } from './countdown/wiring';
import type { CountdownService } from './countdown/service';
import { CUT_WORDS } from '../../preload/contract/countdown-words';
import { ShellService } from './shells/service';
import { StartPreferences } from './shells/start-preferences';
import { TabStore } from './shells/tab-store';
import { trackTrayFavourites } from './favourites';
import { trayEndingSoon } from './tray-menu';
import { dataDir } from './store/paths';
import { PreferencesStore } from './store/preferences';
import { ProfileStore } from './tunnels/profile-store';
import { TunnelService } from './tunnels/service';
import { resolveTagTarget } from './tunnels/tag-target';

/**
 * Composition root of the core: builds the service graph once per process, for whichever host
 * (Electron, web host, CLI) runs it. Features add their services here.
 */
export interface CoreOptions {
  version: string;
  /** True when AWS_ENDPOINT_URL_* point at the embedded emulator. */
  emulator: boolean;
  /** Sign-in and discovery settings (tests: a MemorySecretStore, the emulator's endpoint, private AWS files). */
  aws?: Omit<AwsServicesOptions, 'dataDir' | 'appState' | 'preferences'>;
}

export interface CoreServices {
  options: CoreOptions;
  appState: AppStateStore;
  /** Sign-in sources and their tokens. */
  auth: AuthService;
  /** Where the sign-in key is kept (OS keychain or the 0600 key file), shown and changed in Settings. */
  keychain: KeychainControl;
  /** Instances across sources × accounts × regions; resolve(key) gives a SessionTarget. */
  inventory: InventoryService;
  /** Credentials for a target's (source, account, role), e.g. for KMS in encrypted sessions. */
  credentials: CredentialsForTarget;
  /** The user's preferences (preferences.json), shared with the CLI and every window. */
  preferences: PreferencesStore;
  sessions: SessionService;
  /** Why a target cannot be reached: read-only checks as its role, the first problem and its fix. */
  doctor: AwsServices['doctor'];
  /** Sessions (active and past) across every signed-in account-region; terminate any of them. */
  sessionHistory: SessionHistoryService;
  shells: ShellService;
  tunnels: TunnelService;
  /** When Session Manager will cut each tab and tunnel; the opt-in keepalive. */
  countdowns: CountdownService;
  dispose(): Promise<void>;
}

export function createCoreServices(options: CoreOptions): CoreServices {
  const appState = new AppStateStore();
  const preferences = new PreferencesStore(dataDir());
  const aws = createAwsServices({ ...options.aws, dataDir: dataDir(), appState, preferences });
  const { credentials, sessions, inventory } = aws;
  // Late-bound: the countdowns are built from the shells, and tell a tab why it was cut.
  const late: { countdowns?: CountdownService } = {};
  const shells = new ShellService({
    cutBySessionManager: (tabId) => {
      const cut = late.countdowns?.reachedCut(tabId);
      return cut ? CUT_WORDS[cut.cause] : undefined;
    },
    resolveTarget: (key) => inventory.resolve(key),
    sessions,
    credentials,
    allowInsecure: options.emulator,
    store: new TabStore(join(dataDir(), 'tabs.json')),
    preferences: new StartPreferences(join(dataDir(), 'shell-preferences.json')),
  });
  const tunnels = new TunnelService({
    store: new ProfileStore({ dir: dataDir() }),
    appState,
    sessions: { sessions, allowInsecure: options.emulator },
    resolveTags: async (profile) => resolveTagTarget(profile, inventory.list(), (key) => inventory.resolve(key)),
  });
  void tunnels.init();
  const sessionHistory = createSessionHistory(aws, () => [...shells.localSessions(), ...tunnels.localSessions()]);
  const countdowns = createCountdowns({
    auth: aws.auth,
    credentials,
    preferences,
    shells,
    tunnels,
    sessionPreferences: aws.sessionPreferences,
  });
  late.countdowns = countdowns;
  countdowns.on('changed', (info) => {
    const endingSoon = trayEndingSoon(info);
    if (JSON.stringify(endingSoon) !== JSON.stringify(appState.get().endingSoon)) appState.update({ endingSoon });
  });
  const stopFavourites = trackTrayFavourites({ preferences, appState, find: (key) => inventory.find(key), onInventoryChange: (listener) => inventory.onDelta(listener) });
  return {
    options,
    appState,
    auth: aws.auth,
    keychain: aws.keychain,
    inventory,
    credentials,
    preferences,
    sessions,
    doctor: aws.doctor,
    sessionHistory,
    shells,
    tunnels,
    countdowns,
    async dispose() {
      countdowns.dispose();
      stopFavourites();
      await tunnels.dispose();
      // Quitting keeps shell sessions running for the next start to reconnect to.
      await shells.suspend();
      await aws.dispose();
    },
  };
}
