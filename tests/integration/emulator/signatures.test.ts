import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeInstanceInformationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../emulator/index';
import { emulatorRoleCredentials, signInToEmulator, type EmulatorRoleCredentials } from '../../../emulator/sdk-login';
import { demoFixture } from './fixture-helpers';
import { failure } from './signed-clients';

const PROD = '210987654321';

describe('SigV4 verification with the keys the emulator issued', () => {
  let emu: RunningEmulator;
  let creds: EmulatorRoleCredentials;
  let accessToken: string;

  beforeAll(async () => {
    emu = await startEmulator({ fixture: demoFixture() });
    accessToken = (await signInToEmulator(emu)).accessToken;
    creds = await emulatorRoleCredentials(emu, accessToken, PROD, 'AdministratorAccess');
  });
  afterAll(() => emu.stop());

  const call = {
    ssm: (c: EmulatorRoleCredentials, region = 'eu-west-1') => {
      const client = new SSMClient({ region, endpoint: emu.url, credentials: c, maxAttempts: 1 });
      return client.send(new DescribeInstanceInformationCommand({})).finally(() => client.destroy());
    },
    kms: (c: EmulatorRoleCredentials, region = 'eu-west-1') => {
      const client = new KMSClient({ region, endpoint: emu.url, credentials: c, maxAttempts: 1 });
      return client.send(new GenerateDataKeyCommand({ KeyId: 'alias/k', KeySpec: 'AES_256' })).finally(() => client.destroy());
    },
    ec2: (c: EmulatorRoleCredentials, region = 'eu-west-1') => {
      const client = new EC2Client({ region, endpoint: emu.url, credentials: c, maxAttempts: 1 });
      return client.send(new DescribeRegionsCommand({})).finally(() => client.destroy());
    },
  };

  it('accepts correctly signed calls for every signed service', async () => {
    await call.ssm(creds);
    await call.kms(creds);
    await call.ec2(creds);
    expect(emu.control.calls().filter((c) => c.outcome === 'OK' && c.account === PROD && c.region === 'eu-west-1').length).toBeGreaterThanOrEqual(3);
  });

  it('refuses a wrong secret: InvalidSignatureException (JSON services), AuthFailure (EC2)', async () => {
    const wrong = { ...creds, secretAccessKey: creds.secretAccessKey.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) };
    const ssm = await failure(call.ssm(wrong));
    expect(ssm.name).toBe('InvalidSignatureException');
    expect(ssm.message).toContain('does not match the signature you provided');
    expect((await failure(call.kms(wrong))).name).toBe('InvalidSignatureException');
    const ec2 = await failure(call.ec2(wrong));
    expect(ec2.name).toBe('AuthFailure');
    expect(ec2.$metadata!.httpStatusCode).toBe(401);
  });

  it('refuses unknown access keys and mismatched session tokens with UnrecognizedClientException', async () => {
    const unknown = { ...creds, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' };
    const err = await failure(call.ssm(unknown));
    expect(err.name).toBe('UnrecognizedClientException');
    expect(err.message).toBe('The security token included in the request is invalid.');
    expect((await failure(call.ssm({ ...creds, sessionToken: creds.sessionToken + 'x' }))).name).toBe('UnrecognizedClientException');
    expect((await failure(call.ec2(unknown))).name).toBe('AuthFailure');
  });

  it('decides the region from the signature: a region the account has not enabled does not know the keys', async () => {
    const err = await failure(call.ssm(creds, 'sa-east-1'));
    expect(err.name).toBe('UnrecognizedClientException');
    expect((await failure(call.ec2(creds, 'sa-east-1'))).name).toBe('AuthFailure');
    const east = await call.ssm(creds, 'us-east-1');
    expect(east.InstanceInformationList!.length).toBe(1);
  });

  it('expires role credentials after roleCredentialsTtlSeconds: ExpiredTokenException, RequestExpired on EC2', async () => {
    emu.control.setFaults({ roleCredentialsTtlSeconds: 30 });
    try {
      const shortLived = await emulatorRoleCredentials(emu, accessToken, PROD, 'AdministratorAccess');
      expect(shortLived.expiration.getTime()).toBeLessThanOrEqual(Date.parse(emu.control.state().now) + 30_000);
      await call.ssm(shortLived);
      emu.control.advanceClock(31);
      const err = await failure(call.ssm(shortLived));
      expect(err.name).toBe('ExpiredTokenException');
      expect(err.message).toBe('The security token included in the request is expired');
      expect((await failure(call.kms(shortLived))).name).toBe('ExpiredTokenException');
      expect((await failure(call.ec2(shortLived))).name).toBe('RequestExpired');
    } finally {
      emu.control.setFaults({ roleCredentialsTtlSeconds: null });
    }
  });

  it('refuses a request with no signature, and a tampered body', async () => {
    const res = await fetch(emu.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.DescribeInstanceInformation' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { __type: string }).__type).toBe('MissingAuthenticationTokenException');

    // Sign one body, send another: the signature covers the payload hash.
    const client = new SSMClient({ region: 'eu-west-1', endpoint: emu.url, credentials: creds, maxAttempts: 1 });
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = (args as { request: { body: string } }).request;
        request.body = '{"MaxResults":50}';
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'tamper' },
    );
    try {
      expect((await failure(client.send(new DescribeInstanceInformationCommand({ MaxResults: 10 })))).name).toBe('InvalidSignatureException');
    } finally {
      client.destroy();
    }
  });
});
