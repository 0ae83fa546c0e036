import { EC2Client } from '@aws-sdk/client-ec2';
import { KMSClient } from '@aws-sdk/client-kms';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../emulator/index';
import { demoFixture } from './fixture-helpers';
import { emulatorRoleCredentials, signInToEmulator, type EmulatorRoleCredentials } from '../../../emulator/sdk-login';

/** SDK clients for one (account, role, region) of a running emulator, as the app builds them. */
export interface SignedClients {
  creds: EmulatorRoleCredentials;
  ssm: SSMClient;
  ec2: EC2Client;
  kms: KMSClient;
  destroy(): void;
}

export function clientsFor(emu: RunningEmulator, creds: EmulatorRoleCredentials, region: string, maxAttempts = 1): SignedClients {
  const config = { region, endpoint: emu.url, credentials: creds, maxAttempts };
  const ssm = new SSMClient(config);
  const ec2 = new EC2Client(config);
  const kms = new KMSClient(config);
  return { creds, ssm, ec2, kms, destroy: () => [ssm, ec2, kms].forEach((c) => c.destroy()) };
}

export async function signedClients(emu: RunningEmulator, account: string, role: string, region: string, maxAttempts = 1): Promise<SignedClients> {
  const { accessToken } = await signInToEmulator(emu);
  return clientsFor(emu, await emulatorRoleCredentials(emu, accessToken, account, role), region, maxAttempts);
}

export async function failure(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/**
 * For a test file: the demo emulator plus administrator clients in the prod account's
 * eu-west-1, started before the file's tests and stopped after them.
 */
export function demoAdminClients(): { emu: RunningEmulator; admin: SignedClients } {
  // Filled in before the first test runs; the tests read it only from then on.
  const ctx = {} as { emu: RunningEmulator; admin: SignedClients };
  beforeAll(async () => {
    ctx.emu = await startEmulator({ fixture: demoFixture() });
    ctx.admin = await signedClients(ctx.emu, DEMO_PROD_ACCOUNT, 'AdministratorAccess', 'eu-west-1');
  });
  afterAll(async () => {
    ctx.admin?.destroy();
    await ctx.emu?.stop();
  });
  return ctx;
}

/** The demo fixture's "prod" account. */
export const DEMO_PROD_ACCOUNT = '210987654321';
