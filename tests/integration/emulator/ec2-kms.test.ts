import { DescribeInstancesCommand, DescribeRegionsCommand, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { DecryptCommand, GenerateDataKeyCommand, InvalidCiphertextException, NotFoundException } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../../emulator/index';
import { generateFleet } from '../../../emulator/generate-fleet';
import { DEMO_PROD_ACCOUNT, demoAdminClients, failure, signedClients } from './signed-clients';

const PROD = DEMO_PROD_ACCOUNT;

describe('EC2 and KMS against the real SDK clients', () => {
  const ctx = demoAdminClients();

  it('describes instances with Name and other tags, platform and state', async () => {
    const out = await ctx.admin.ec2.send(new DescribeInstancesCommand({}));
    const instances = out.Reservations!.flatMap((r) => r.Instances!);
    expect(out.Reservations!.every((r) => r.OwnerId === PROD)).toBe(true);
    expect(instances.length).toBe(4);
    const ad = instances.find((i) => i.Tags!.some((t) => t.Key === 'Name' && t.Value === 'prod-ad-01'))!;
    expect(ad.Platform).toBe('windows');
    expect(ad.PlatformDetails).toBe('Windows');
    expect(ad.State).toEqual({ Code: 16, Name: 'running' });
    expect(ad.Tags).toContainEqual({ Key: 'Team', Value: 'it' });
    expect(ad.LaunchTime).toBeInstanceOf(Date);
    expect(ad.Placement!.AvailabilityZone).toBe('eu-west-1a');
  });

  it('filters by state, tag and id, with EC2 wildcards', async () => {
    const east = await signedClients(ctx.emu, PROD, 'AdministratorAccess', 'us-east-1');
    try {
      const stopped = await east.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['stopped'] }] }));
      expect(stopped.Reservations!.flatMap((r) => r.Instances!).map((i) => i.Tags!.find((t) => t.Key === 'Name')!.Value)).toEqual(['prod-batch-1']);
    } finally {
      east.destroy();
    }
    const web = await ctx.admin.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['prod-web-*'] }] }));
    expect(web.Reservations!.length).toBe(2);
    const id = web.Reservations![0]!.Instances![0]!.InstanceId!;
    const byId = await ctx.admin.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(byId.Reservations![0]!.Instances![0]!.InstanceId).toBe(id);
    const missing = await failure(ctx.admin.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0000000000000000a'] })));
    expect(missing.name).toBe('InvalidInstanceID.NotFound');
    const combo = await failure(ctx.admin.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id], MaxResults: 5 })));
    expect(combo.name).toBe('InvalidParameterCombination');
    const badFilter = await failure(ctx.admin.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] })));
    expect(badFilter.name).toBe('InvalidParameterValue');
  });

  it('pages DescribeInstances with the SDK paginator', async () => {
    const fleet = generateFleet({ accounts: 1, regionsPerAccount: 1, instancesPerRegion: 23 });
    const big = await startEmulator({ fixture: fleet });
    const clients = await signedClients(big, fleet.accounts[0]!.id, 'AdministratorAccess', fleet.accounts[0]!.regions[0]!);
    try {
      const sizes: number[] = [];
      for await (const page of paginateDescribeInstances({ client: clients.ec2, pageSize: 10 }, {})) sizes.push(page.Reservations!.flatMap((r) => r.Instances!).length);
      expect(sizes).toEqual([10, 10, 3]);
      expect((await failure(clients.ec2.send(new DescribeInstancesCommand({ MaxResults: 4 })))).name).toBe('InvalidParameterValue');
    } finally {
      clients.destroy();
      await big.stop();
    }
  });

  it('lists enabled regions, and all regions with their opt-in status', async () => {
    const shared = await signedClients(ctx.emu, '456789012345', 'AdministratorAccess', 'eu-west-1');
    try {
      const enabled = await shared.ec2.send(new DescribeRegionsCommand({}));
      expect(enabled.Regions!.map((r) => [r.RegionName, r.OptInStatus])).toEqual([
        ['eu-west-1', 'opt-in-not-required'],
        ['af-south-1', 'opted-in'],
      ]);
      expect(enabled.Regions![0]!.Endpoint).toBe('ec2.eu-west-1.amazonaws.com');
      const all = await shared.ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
      expect(all.Regions!.length).toBe(32);
      expect(all.Regions!.find((r) => r.RegionName === 'me-south-1')!.OptInStatus).toBe('not-opted-in');
      const optedIn = await shared.ec2.send(new DescribeRegionsCommand({ AllRegions: true, Filters: [{ Name: 'opt-in-status', Values: ['opted-in'] }] }));
      expect(optedIn.Regions!.map((r) => r.RegionName)).toEqual(['af-south-1']);
    } finally {
      shared.destroy();
    }
  });

  it('answers UnauthorizedOperation for a role without ec2 rights and RequestLimitExceeded when throttled', async () => {
    ctx.emu.control.setFaults({ throttleEvery: { DescribeRegions: 2 } });
    try {
      await ctx.admin.ec2.send(new DescribeRegionsCommand({}));
      const throttled = await failure(ctx.admin.ec2.send(new DescribeRegionsCommand({})));
      expect(throttled.name).toBe('RequestLimitExceeded');
      expect(throttled.$metadata!.httpStatusCode).toBe(503);
    } finally {
      ctx.emu.control.setFaults({ throttleEvery: {} });
    }
    ctx.emu.control.setFaults({ accessDenied: [{ account: PROD }] });
    try {
      const denied = await failure(ctx.admin.ec2.send(new DescribeInstancesCommand({})));
      expect(denied.name).toBe('UnauthorizedOperation');
    } finally {
      ctx.emu.control.setFaults({ accessDenied: [] });
    }
  });

  it('generates data keys bound to their encryption context, for the agent and for Decrypt', async () => {
    const context = { 'aws:ssm:SessionId': 'demo-0123', 'aws:ssm:TargetId': 'i-0123456789abcdef0' };
    const key = await ctx.admin.kms.send(new GenerateDataKeyCommand({ KeyId: 'alias/session-manager', KeySpec: 'AES_256', EncryptionContext: context }));
    expect(key.Plaintext!.length).toBe(32);
    expect(key.KeyId).toMatch(new RegExp(`^arn:aws:kms:eu-west-1:${PROD}:key/[0-9a-f-]{36}$`));
    expect(Buffer.from(ctx.emu.kms.decrypt(key.CiphertextBlob!, context))).toEqual(Buffer.from(key.Plaintext!));
    expect(() => ctx.emu.kms.decrypt(key.CiphertextBlob!, { ...context, 'aws:ssm:TargetId': 'i-0aaaaaaaaaaaaaaaa' })).toThrow(/ciphertext is invalid/);

    const decrypted = await ctx.admin.kms.send(new DecryptCommand({ CiphertextBlob: key.CiphertextBlob!, EncryptionContext: context }));
    expect(Buffer.from(decrypted.Plaintext!)).toEqual(Buffer.from(key.Plaintext!));
    expect(decrypted.KeyId).toBe(key.KeyId);
    expect(await failure(ctx.admin.kms.send(new DecryptCommand({ CiphertextBlob: key.CiphertextBlob! })))).toBeInstanceOf(InvalidCiphertextException);

    const foreign = await failure(ctx.admin.kms.send(new GenerateDataKeyCommand({ KeyId: 'arn:aws:kms:eu-west-1:999999999999:key/0f0f0f0f-0000-4000-a000-000000000000', KeySpec: 'AES_256' })));
    expect(foreign).toBeInstanceOf(NotFoundException);
    const both = await failure(ctx.admin.kms.send(new GenerateDataKeyCommand({ KeyId: 'alias/x', KeySpec: 'AES_256', NumberOfBytes: 32 })));
    expect(both.name).toBe('ValidationException');
  });
});
