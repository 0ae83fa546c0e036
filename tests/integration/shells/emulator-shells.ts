import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromStatic } from './static-credentials';
import { startEmulator, type FixtureInput, type RunningEmulator } from '../../../emulator/index';
import { emulatorRoleCredentials, signInToEmulator, type SignInTarget } from '../../../emulator/sdk-login';
import { createSessionService } from '../../../main/core/aws/sessions';
import type { SessionTarget } from '../../../main/core/aws/target';
import { ShellService, type ShellServiceDeps } from '../../../main/core/shells/service';
import { TabStore } from '../../../main/core/shells/tab-store';

/**
 * The emulator with a small fleet whose shells are real PTYs, and a ShellService signed in to it
 * the way the app will be (SSO device flow → role credentials → SigV4 calls). Instance keys here
 * are "account/region/instance-id"; the inventory's own keys are just as opaque to the service.
 */
export const ACCOUNT = '123456789012';
export const ROLE = 'AdministratorAccess';
export const REGION = 'eu-west-1';

export const INSTANCES = [
  { id: 'i-0aaaaaaaaaaaaaaa1', name: 'web-1', platform: 'Linux' as const },
  { id: 'i-0aaaaaaaaaaaaaaa2', name: 'web-2', platform: 'Linux' as const },
  { id: 'i-0aaaaaaaaaaaaaaa3', name: 'db-1', platform: 'Linux' as const },
  { id: 'i-0aaaaaaaaaaaaaaa4', name: 'win-1', platform: 'Windows' as const },
];

export const instanceKey = (name: string) => `${ACCOUNT}/${REGION}/${INSTANCES.find((i) => i.name === name)!.id}`;

export function shellsFixture(): FixtureInput {
  return {
    sso: { startUrl: 'https://d-1234567890.awsapps.com/start', region: REGION },
    accounts: [{ id: ACCOUNT, name: 'staging', roles: [{ name: ROLE }], regions: [REGION] }],
    instances: INSTANCES.map((i) => ({ id: i.id, account: ACCOUNT, region: REGION, name: i.name, platform: i.platform })),
  };
}

/** A shell service signed in to an emulator: in this process (tests) or another one (benches). */
export interface ShellsEnv<E extends ShellsEmulator = RunningEmulator> {
  emu: E;
  deps: ShellServiceDeps;
  service: ShellService;
  dataDir: string;
  stop(): Promise<void>;
}
export type EmulatorShells = ShellsEnv;
export type ShellsEmulator = SignInTarget & { stop(): Promise<void> };

export async function startEmulatorShells(): Promise<EmulatorShells> {
  return shellsAgainst(await startEmulator({ fixture: shellsFixture() }));
}

/** Signs in to a running emulator (started with shellsFixture()) and builds the shell service on it. */
export async function shellsAgainst<E extends ShellsEmulator>(emu: E): Promise<ShellsEnv<E>> {
  const { accessToken } = await signInToEmulator(emu);
  const creds = await emulatorRoleCredentials(emu, accessToken, ACCOUNT, ROLE);
  const credentials = () => fromStatic(creds);
  const dataDir = mkdtempSync(join(tmpdir(), 'bastionless-shells-'));
  const deps: ShellServiceDeps = {
    resolveTarget: (key): SessionTarget => {
      const [accountId, region, instanceId] = key.split('/');
      const inst = INSTANCES.find((i) => i.id === instanceId);
      if (!inst || accountId !== ACCOUNT || region !== REGION) throw new Error(`unknown instance key ${key}`);
      return { sourceId: 'emulator', accountId, roleName: ROLE, region, instanceId: inst.id, name: inst.name, platform: inst.platform };
    },
    sessions: createSessionService({ credentials, clientConfig: { endpoint: emu.url, maxAttempts: 1 } }),
    credentials,
    allowInsecure: true,
    channelOptions: { retry: { initialDelayMs: 20, maxDelayMs: 200 } },
    store: new TabStore(join(dataDir, 'tabs.json')),
  };
  const service = new ShellService(deps);
  return {
    emu,
    deps,
    service,
    dataDir,
    async stop() {
      await service.dispose();
      await emu.stop();
    },
  };
}
