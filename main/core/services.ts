import { join } from 'node:path';
import { AppStateStore } from './app-state';
import { createSessionService } from './aws/sessions';
import type { CredentialsForTarget } from './aws/target';
import { AppError } from './errors';
import { ShellService } from './shells/service';
import { TabStore } from './shells/tab-store';
import { dataDir } from './store/paths';
import { ProfileStore } from './tunnels/profile-store';
import { TunnelService } from './tunnels/service';

/**
 * Composition root of the core: builds the service graph once per process, for whichever host
 * (Electron, web host, CLI) runs it. Features add their services here.
 */
export interface CoreOptions {
  version: string;
  /** True when AWS_ENDPOINT_URL_* point at the embedded emulator. */
  emulator: boolean;
}

export interface CoreServices {
  options: CoreOptions;
  appState: AppStateStore;
  shells: ShellService;
  tunnels: TunnelService;
  dispose(): Promise<void>;
}

export function createCoreServices(options: CoreOptions): CoreServices {
  const appState = new AppStateStore();
  // Until sign-in and discovery are wired in, instance keys cannot be resolved to targets.
  const notSignedIn = () => new AppError('not-signed-in', 'Sign in before opening a shell.', 'Sign in with IAM Identity Center on the Instances view.');
  const credentials: CredentialsForTarget = () => () => Promise.reject(notSignedIn());
  const shells = new ShellService({
    resolveTarget: () => Promise.reject(notSignedIn()),
    sessions: createSessionService({ credentials }),
    credentials,
    allowInsecure: options.emulator,
    store: new TabStore(join(dataDir(), 'tabs.json')),
  });
  // Tunnels get their session source from sign-in (setSessionSource); until then starting one says "sign in".
  const tunnels = new TunnelService({
    store: new ProfileStore({ dir: dataDir() }),
    appState,
    sessions: { sessions: createSessionService({ credentials }), allowInsecure: options.emulator },
  });
  void tunnels.init();
  return {
    options,
    appState,
    shells,
    tunnels,
    async dispose() {
      await tunnels.dispose();
      await shells.dispose();
    },
  };
}
