import { spawn } from 'node:child_process';
import { AppStateStore } from '../core/app-state';
import { createAwsServices, type AwsServices } from '../core/aws/index';
import type { SessionTarget } from '../core/aws/target';
import { createSessionHistory, type SessionHistoryService } from '../core/sessions/index';
import { generateSessionDataKey, type GenerateDataKeyFn } from '../core/ssm/index';
import { dataDir } from '../core/store/paths';
import { PreferencesStore } from '../core/store/preferences';
import { urlOpener } from '../core/tunnels/launchers/db';
import type { PortSessionOpenerDeps } from '../core/tunnels/port-session-opener';
import { ProfileStore } from '../core/tunnels/profile-store';
import { TunnelService } from '../core/tunnels/service';
import { resolveTagTarget } from '../core/tunnels/tag-target';

/**
 * The core as the command needs it: the app's own sign-in, credentials, inventory, session API
 * and profile store (same data folder, same token file, same keychain entry), without what only a
 * long-running app wants (periodic refresh, auto-started tunnels, the tab list).
 */

export interface CliCoreOptions {
  env: NodeJS.ProcessEnv;
  /** Browser opener for login; undefined = print the link only. */
  openBrowser: boolean;
  log(line: string): void;
}

export interface CliCore {
  aws: AwsServices;
  dataDir: string;
  /** The app's preferences (favourites, the keychain choice), same file. */
  preferences: PreferencesStore;
  /** ws:// StreamUrls are accepted only when the SSM endpoint is a loopback emulator. */
  allowInsecure: boolean;
  portSessions: PortSessionOpenerDeps;
  dataKeyFor(target: SessionTarget): GenerateDataKeyFn;
  tunnels(): TunnelService;
  /** DescribeSessions / TerminateSession across the inventory's account-regions. */
  sessionHistory(): SessionHistoryService;
  /** Opens a link in the desktop's browser; `report` hears why it could not. */
  openUrl(url: string, report: (line: string) => void): void;
  dispose(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True when the SSM endpoint is this machine (the emulator): its StreamUrls are ws://. */
export function endpointIsLoopback(env: NodeJS.ProcessEnv): boolean {
  const url = env.AWS_ENDPOINT_URL_SSM ?? env.AWS_ENDPOINT_URL;
  if (!url) return false;
  try {
    return LOOPBACK.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

function openInBrowser(url: string, log: (line: string) => void): void {
  const platform = process.platform === 'win32' || process.platform === 'darwin' ? process.platform : 'linux';
  const { command, args } = urlOpener(platform, url);
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  child.once('error', (err) => log(`could not open a browser (${err.message}); open the link above yourself`));
  child.unref();
}

export function createCliCore(options: CliCoreOptions): CliCore {
  const dir = dataDir(options.env);
  const appState = new AppStateStore();
  const preferences = new PreferencesStore(dir);
  const aws = createAwsServices({
    dataDir: dir,
    preferences,
    appState,
    refreshEveryMs: 0,
    scanOnStart: false,
    ...(options.openBrowser ? { openExternal: (url: string) => openInBrowser(url, options.log) } : {}),
    log: options.log,
  });
  const allowInsecure = endpointIsLoopback(options.env);
  const dataKeyFor =
    (target: SessionTarget): GenerateDataKeyFn =>
    (req) =>
      generateSessionDataKey({ ...req, clientConfig: { ...req.clientConfig, region: target.region, credentials: aws.credentials(target) } });
  const portSessions: PortSessionOpenerDeps = { sessions: aws.sessions, allowInsecure, generateDataKey: dataKeyFor };
  let tunnels: TunnelService | undefined;
  let sessionHistory: SessionHistoryService | undefined;
  return {
    aws,
    dataDir: dir,
    preferences,
    allowInsecure,
    portSessions,
    dataKeyFor,
    tunnels: () =>
      (tunnels ??= new TunnelService({
        store: new ProfileStore({ dir }),
        appState,
        sessions: portSessions,
        resolveTags: async (profile) => {
          await aws.inventory.scan();
          return resolveTagTarget(profile, aws.inventory.list(), (key) => aws.inventory.resolve(key));
        },
      })),
    sessionHistory: () => (sessionHistory ??= createSessionHistory(aws)),
    openUrl: openInBrowser,
    async dispose() {
      await tunnels?.dispose();
      await aws.dispose();
    },
  };
}
