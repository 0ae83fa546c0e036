import { join } from 'node:path';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AppStateStore } from '../app-state';
import { trayInstance } from '../tray-menu';
import { chosenSecretStore } from '../store/chosen-secrets';
import { dataKeyAccount } from '../store/encrypted-file';
import { PreferencesStore } from '../store/preferences';
import type { SecretStore } from '../store/secrets';
import { AuthService, TOKEN_FILE_NAME } from './auth';
import { KeychainControl } from './keychain';
import type { AwsFiles } from './aws-config';
import { createCallerArn, type CallerArn } from './caller-identity';
import { cliCacheDir } from './cli-cache';
import type { Clock } from './clock';
import { CredentialsService } from './credentials';
import { InventoryService, type InventoryConcurrency } from './inventory';
import type { DoctorReport } from '../../../preload/contract/doctor';
import { runDoctor, type DoctorRequest } from '../doctor/index';
import { createSessionService, type SessionService } from './sessions';
import { sdkOidcApi, type OidcApi } from './sso';
import type { CredentialsForTarget } from './target';

import { createSessionPreferencesReader, ssmPreferencesFetcher, type SessionPreferencesReader } from './session-preferences';
/**
 * The AWS half of the core, wired once: sign-in (AuthService), credentials, discovery and the
 * session API. services.ts hands these to the features that open shells and tunnels.
 */

export interface AwsServicesOptions {
  dataDir: string;
  /** Holds the keychain choice (OS keychain or key file); default: the data folder's. */
  preferences?: PreferencesStore;
  /** Default: the one the user chose (preferences.keychain). Tests and the demo pass MemorySecretStore. */
  secretStore?: SecretStore;
  /** One endpoint for every AWS service (the emulator). Default: the SDK's standard configuration (AWS_ENDPOINT_URL_*). */
  endpoint?: string;
  awsFiles?: AwsFiles;
  /** The AWS CLI token cache folder; default ~/.aws/sso/cache; null = never touch it. */
  cliCacheDir?: string | null;
  openExternal?(url: string): void;
  inventoryConcurrency?: Partial<InventoryConcurrency>;
  /** Periodic inventory refresh; default 15 min, 0 = off. */
  refreshEveryMs?: number;
  /**
   * Scan every signed-in source at start-up (default true). The command line says false: it
   * answers from the cached inventory and scans only on a miss, since ssh starts it once per
   * connection.
   */
  scanOnStart?: boolean;
  clock?: Clock;
  oidc?(region: string): OidcApi;
  appState?: AppStateStore;
  log?(line: string): void;
}

export interface AwsServices {
  auth: AuthService;
  keychain: KeychainControl;
  credentialsService: CredentialsService;
  credentials: CredentialsForTarget;
  inventory: InventoryService;
  sessions: SessionService;
  /** The ARN a scope's credentials act as (DescribeSessions' Owner). */
  callerArn: CallerArn;
  /** Each account-region's Session Manager preferences (timeouts, log destinations), read once per run. */
  sessionPreferences: SessionPreferencesReader;
  /** The connectivity doctor: why a target cannot be reached, from read-only calls as its role. */
  doctor(req: DoctorRequest): Promise<DoctorReport>;
  dispose(): Promise<void>;
}

export function createAwsServices(options: AwsServicesOptions): AwsServices {
  const endpointConfig = options.endpoint ? { endpoint: options.endpoint } : {};
  const oidcClients: Array<{ destroy(): void }> = [];
  const chosen = options.secretStore ? undefined : chosenSecretStore(options.dataDir, options.preferences ?? new PreferencesStore(options.dataDir));
  const secrets = options.secretStore ?? chosen!;
  const auth = new AuthService({
    secrets,
    dataDir: options.dataDir,
    ...(options.awsFiles ? { awsFiles: options.awsFiles } : {}),
    ...(options.cliCacheDir === null ? {} : { cliCacheDir: options.cliCacheDir ?? cliCacheDir() }),
    oidc:
      options.oidc ??
      ((region) => {
        const api = sdkOidcApi(region, endpointConfig);
        oidcClients.push(api);
        return api;
      }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.openExternal ? { openExternal: options.openExternal } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const credentialsService = new CredentialsService({
    auth,
    clientConfig: endpointConfig,
    ...(options.awsFiles ? { awsFiles: options.awsFiles } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  // Discovery creates a client per (account, region); one pooled handler keeps the socket count bounded.
  const agentOptions = { keepAlive: true, maxSockets: 128 };
  const requestHandler = new NodeHttpHandler({ httpAgent: new HttpAgent(agentOptions), httpsAgent: new HttpsAgent(agentOptions), requestTimeout: 30_000, connectionTimeout: 10_000 });
  const inventory = new InventoryService({
    auth,
    credentials: credentialsService,
    cachePath: join(options.dataDir, 'inventory.json'),
    clientConfig: { ...endpointConfig, requestHandler },
    ...(options.inventoryConcurrency ? { concurrency: options.inventoryConcurrency } : {}),
    refreshEveryMs: options.refreshEveryMs ?? 15 * 60_000,
    ...(options.log ? { log: options.log } : {}),
  });
  const credentials = credentialsService.forTarget;
  const sessions = createSessionService({ credentials, clientConfig: endpointConfig });
  const callerArn = createCallerArn(credentials, endpointConfig);
  const sessionPreferences = createSessionPreferencesReader({ fetch: ssmPreferencesFetcher(credentials, endpointConfig), ...(options.log ? { log: options.log } : {}) });

  const unsubscribe: Array<() => void> = [];
  unsubscribe.push(auth.onSignedIn(() => void inventory.scan().catch((err: unknown) => options.log?.(`inventory scan failed: ${String(err)}`))));
  // Sign-in state changes often; only a source that went away (removed, or gone from the config) drops rows.
  let knownSources = '';
  unsubscribe.push(
    auth.onChange((sources) => {
      // Signed out or expired: the role credentials kept in memory, and the discovery clients holding them, go now.
      for (const s of sources) {
        if (s.state === 'signed-in') continue;
        credentialsService.forget(s.id);
        inventory.releaseClients(s.id);
      }
      const ids = sources.map((s) => s.id).sort().join('\n');
      if (ids === knownSources) return;
      knownSources = ids;
      void inventory.forgetSourcesExcept(new Set(sources.map((s) => s.id)));
    }),
  );
  if (options.appState) {
    const appState = options.appState;
    unsubscribe.push(
      auth.onChange((sources) => {
        const sso = sources.filter((s) => s.kind === 'sso');
        const signedIn = sso.filter((s) => s.state === 'signed-in');
        const state = sso.some((s) => s.state === 'signing-in') ? 'signing-in' : signedIn.length ? 'signed-in' : sso.some((s) => s.state === 'expired') ? 'expired' : 'signed-out';
        appState.update({ signIn: { state, ...(signedIn.length ? { label: signedIn.map((s) => s.label).join(', ') } : {}) } });
      }),
      inventory.onRecent((recent) =>
        appState.update({ recentInstances: recent.map(trayInstance) }),
      ),
    );
  }
  // Start-up: show the cached fleet at once, then refresh it for every source already signed in.
  void (async () => {
    await inventory.loadCache();
    await auth.init();
    if (options.scanOnStart !== false && auth.signedInSources().length) await inventory.scan();
  })().catch((err: unknown) => options.log?.(`start-up inventory failed: ${err instanceof Error ? err.message : String(err)}`));

  const keychain = new KeychainControl(auth, secrets, chosen, [dataKeyAccount(join(options.dataDir, TOKEN_FILE_NAME))]);
  return {
    auth,
    keychain,
    credentialsService,
    credentials,
    inventory,
    sessions,
    callerArn,
    sessionPreferences,
    doctor: (req) => runDoctor({ auth, credentials, sessions, clientConfig: endpointConfig }, req),
    async dispose() {
      for (const off of unsubscribe) off();
      inventory.dispose();
      auth.dispose();
      credentialsService.dispose();
      for (const c of oidcClients) c.destroy();
      requestHandler.destroy();
    },
  };
}
