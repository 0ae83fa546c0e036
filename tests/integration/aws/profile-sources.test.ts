import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../emulator/index';
import { emulatorRoleCredentials, signInToEmulator } from '../../../emulator/sdk-login';
import { createAwsServices, type AwsServices } from '../../../main/core/aws/index';
import { MemorySecretStore } from '../../../main/core/store/secrets';

/**
 * Plain ~/.aws profiles as sign-in sources, against the emulator: static keys in the credentials
 * file, a credential_process and a role assumed from another profile, each discovering its
 * account's instances through the SDK's own providers; a profile whose credentials fail shows
 * the error on its own row and stops nothing.
 */

const ACCOUNT = '222233334444';
/** Reached only by assuming a role from the static-keys profile. */
const OTHER = '555566667777';
const REGION = 'eu-west-1';

describe('profile sources (static keys, credential_process, assume-role)', () => {
  let emu: RunningEmulator;
  let home: string;
  let aws: AwsServices;
  const savedStsEndpoint = process.env.AWS_ENDPOINT_URL_STS;
  beforeAll(async () => {
    emu = await startEmulator({
      fixture: {
        sso: { startUrl: 'https://d-2222222222.awsapps.com/start', region: REGION },
        accounts: [
          { id: ACCOUNT, name: 'ops', roles: [{ name: 'Admin' }], regions: [REGION] },
          { id: OTHER, name: 'data', roles: [{ name: 'Reader' }], regions: [REGION] },
        ],
        instances: [
          { id: 'i-0b0b0b0b0b0b0b0b1', account: OTHER, region: REGION, name: 'data-1' },
          { id: 'i-0a0a0a0a0a0a0a0a1', account: ACCOUNT, region: REGION, name: 'ops-1' },
          { id: 'i-0a0a0a0a0a0a0a0a2', account: ACCOUNT, region: REGION, name: 'ops-2' },
        ],
      },
      autoApprove: true,
    });
    // Real keys the emulator accepts, as a user would have them from their own tooling.
    const { accessToken } = await signInToEmulator(emu);
    const keys = await emulatorRoleCredentials(emu, accessToken, ACCOUNT, 'Admin');
    home = mkdtempSync(join(tmpdir(), 'bastionless-profiles-'));
    const processScript = join(home, 'creds.mjs');
    writeFileSync(
      processScript,
      `console.log(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(keys.accessKeyId)}, SecretAccessKey: ${JSON.stringify(keys.secretAccessKey)}, SessionToken: ${JSON.stringify(keys.sessionToken)}, Expiration: ${JSON.stringify(keys.expiration.toISOString())} }));\n`,
    );
    const failing = join(home, 'fail.sh');
    writeFileSync(failing, '#!/bin/sh\necho "token broker unreachable" >&2\nexit 1\n');
    chmodSync(failing, 0o755);
    writeFileSync(
      join(home, 'config'),
      [
        '[profile static-keys]',
        `region = ${REGION}`,
        `aws_account_id = ${ACCOUNT}`,
        '[profile by-process]',
        `region = ${REGION}`,
        `credential_process = ${process.execPath} ${processScript}`,
        '[profile assumed]',
        `region = ${REGION}`,
        `role_arn = arn:aws:iam::${OTHER}:role/Reader`,
        'source_profile = static-keys',
        '[profile not-allowed]',
        `region = ${REGION}`,
        `role_arn = arn:aws:iam::${OTHER}:role/Admin`,
        'source_profile = static-keys',
        '[profile broken-process]',
        `region = ${REGION}`,
        `aws_account_id = ${ACCOUNT}`,
        `credential_process = ${failing}`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(home, 'credentials'),
      ['[static-keys]', `aws_access_key_id = ${keys.accessKeyId}`, `aws_secret_access_key = ${keys.secretAccessKey}`, `aws_session_token = ${keys.sessionToken}`, ''].join('\n'),
    );
    // The SDK's own role assumer (inside fromIni) finds STS the way the AWS CLI does.
    process.env.AWS_ENDPOINT_URL_STS = emu.url;
    aws = createAwsServices({
      dataDir: join(home, 'data'),
      secretStore: new MemorySecretStore(),
      endpoint: emu.url,
      awsFiles: { configFile: join(home, 'config'), credentialsFile: join(home, 'credentials') },
      cliCacheDir: null,
      refreshEveryMs: 0,
      scanOnStart: false,
    });
    await aws.auth.init();
  });
  afterAll(async () => {
    if (savedStsEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
    else process.env.AWS_ENDPOINT_URL_STS = savedStsEndpoint;
    await aws?.dispose();
    await emu?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('lists the profiles as ready sources and discovers their instances; a failing process shows its error on its row only', async () => {
    const profiles = aws.auth.sources().filter((s) => s.kind === 'profile');
    expect(profiles.map((s) => [s.id, s.state]).sort()).toEqual([
      ['profile:assumed', 'signed-in'],
      ['profile:broken-process', 'signed-in'],
      ['profile:by-process', 'signed-in'],
      ['profile:not-allowed', 'signed-in'],
      ['profile:static-keys', 'signed-in'],
    ]);
    await aws.inventory.scan();
    const found = aws.inventory.list().map((i) => `${i.sourceId} ${i.accountId} ${i.region} ${i.name}`).sort();
    expect(found).toEqual([
      `profile:assumed ${OTHER} ${REGION} data-1`,
      `profile:by-process ${ACCOUNT} ${REGION} ops-1`,
      `profile:by-process ${ACCOUNT} ${REGION} ops-2`,
      `profile:static-keys ${ACCOUNT} ${REGION} ops-1`,
      `profile:static-keys ${ACCOUNT} ${REGION} ops-2`,
    ]);
    const rows = aws.inventory.snapshot().rows;
    const errors = rows.filter((r) => r.state === 'error').sort((a, b) => a.sourceId.localeCompare(b.sourceId));
    expect(errors.map((r) => [r.sourceId, r.region])).toEqual([
      ['profile:broken-process', '*'],
      ['profile:not-allowed', '*'],
    ]);
    expect(errors[0]!.error).toMatchObject({ code: 'credentials-unavailable', hint: expect.stringContaining('credential_process') });
    expect(errors[1]!.error?.message).toBe('Access denied: sts:AssumeRole');
    expect(errors[1]!.error?.detail).toMatch(/not authorized to perform: sts:AssumeRole/);
    // Each working profile scanned exactly its one enabled region (defaults it lacks left no row).
    expect(rows.filter((r) => r.state === 'done').map((r) => `${r.sourceId} ${r.region}`).sort()).toEqual([
      `profile:assumed ${REGION}`,
      `profile:by-process ${REGION}`,
      `profile:static-keys ${REGION}`,
    ]);
  });
});
