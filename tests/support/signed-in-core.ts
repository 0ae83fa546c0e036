import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Fixture, type FixtureInput, type RunningEmulator } from '../../emulator/index';
import { SSO_SESSION_NAME } from '../../emulator/config-snippet';
import { loadFixtureFile } from '../../emulator/index';
import { DEMO_FIXTURE } from '../../emulator/demo';
import { createCoreServices, type CoreOptions, type CoreServices } from '../../main/core/services';
import { MemorySecretStore } from '../../main/core/store/secrets';

/**
 * Core services already signed in to a fresh emulator, with the inventory loaded. For tests of
 * features that need instances and credentials (shells, tunnels, CLI) without going through the
 * sign-in screen.
 *
 *   const world = await startSignedInCore();              // demo fleet
 *   const key = world.core.inventory.list().find((i) => i.name === 'prod-web-1')!.key;
 *   const target = world.core.inventory.resolve(key);
 *   await world.core.sessions.start(target);
 *   await world.stop();
 *
 * What it sets up (and undoes in stop()):
 *  - the emulator (auto-approving device codes) on a free port, with the fixture given;
 *  - a throwaway folder: BASTIONLESS_DATA_DIR, a private AWS config naming the emulator's
 *    sso-session, no AWS CLI cache;
 *  - process.env gets the emulator's AWS_ENDPOINT_URL_* (so clients you create, e.g. KMS, reach it);
 *  - secrets in a MemorySecretStore (explicitly; production always uses the OS keychain).
 * Call stop() once per start; tests in one file should not run two of these at the same time,
 * since BASTIONLESS_DATA_DIR and the endpoint variables are process-wide.
 */

export interface SignedInCore {
  core: CoreServices;
  emulator: RunningEmulator;
  /** The sign-in source id (the emulator's sso-session name). */
  sourceId: string;
  /** The throwaway folder (data dir under data/, AWS config at aws-config). */
  home: string;
  stop(): Promise<void>;
}

export interface SignedInCoreOptions {
  /** Default: the demo fleet (emulator/fixtures/demo.json). */
  fixture?: Fixture | FixtureInput;
  /** Passed to createCoreServices (default false: strict wss:// checks stay on unless you say). */
  emulatorFlag?: boolean;
  /** Extra AWS options for the core (e.g. inventoryConcurrency). */
  aws?: CoreOptions['aws'];
  /** Runs before signing in, so a test can watch the first scan (inventory deltas, emulator calls). */
  beforeSignIn?(core: CoreServices, emulator: RunningEmulator): void;
}

export async function startSignedInCore(options: SignedInCoreOptions = {}): Promise<SignedInCore> {
  const emulator = await startEmulator({ fixture: options.fixture ?? loadFixtureFile(DEMO_FIXTURE), autoApprove: true });
  const home = mkdtempSync(join(tmpdir(), 'bastionless-signed-in-'));
  const configFile = join(home, 'aws-config');
  writeFileSync(configFile, emulator.awsConfigSnippet(), { mode: 0o600 });
  const touched = { ...emulator.env, BASTIONLESS_DATA_DIR: join(home, 'data') };
  const saved = Object.fromEntries(Object.keys(touched).map((k) => [k, process.env[k]]));
  Object.assign(process.env, touched);

  const core = createCoreServices({
    version: '0.0.0-test',
    emulator: options.emulatorFlag ?? true,
    aws: {
      secretStore: new MemorySecretStore(),
      endpoint: emulator.url,
      awsFiles: { configFile, credentialsFile: join(home, 'aws-credentials') },
      cliCacheDir: null,
      refreshEveryMs: 0,
      ...options.aws,
    },
  });
  const stop = async () => {
    await core.dispose();
    await emulator.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(home, { recursive: true, force: true });
  };
  try {
    const sourceId = SSO_SESSION_NAME;
    options.beforeSignIn?.(core, emulator);
    await signInAndScan(core, sourceId);
    return { core, emulator, sourceId, home, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Signs a core in to an auto-approving emulator's source and scans the inventory once. */
export async function signInAndScan(core: Pick<CoreServices, 'auth' | 'inventory'>, sourceId: string = SSO_SESSION_NAME): Promise<void> {
  const signedIn = new Promise<void>((resolve, reject) => {
    const off = core.auth.onChange((sources) => {
      const source = sources.find((s) => s.id === sourceId);
      if (source?.state === 'signed-in') {
        off();
        resolve();
      } else if (source?.error) {
        off();
        reject(new Error(`emulator sign-in failed: ${source.error.message}`));
      }
    });
  });
  await core.auth.signIn(sourceId);
  await signedIn;
  await core.inventory.scan();
}
