import {
  AccessDeniedException,
  DescribeInstanceInformationCommand,
  DescribeSessionsCommand,
  DoesNotExistException,
  GetDocumentCommand,
  InvalidDocument,
  InvalidFilterKey,
  InvalidNextToken,
  paginateDescribeInstanceInformation,
  ResumeSessionCommand,
  StartSessionCommand,
  TargetNotConnected,
  TerminateSessionCommand,
  ThrottlingException,
} from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../../emulator/index';
import { generateFleet } from '../../../emulator/generate-fleet';
import { DEMO_PROD_ACCOUNT, demoAdminClients, failure, signedClients } from './signed-clients';

const PROD = DEMO_PROD_ACCOUNT;

describe('SSM against the real SDK client', () => {
  const ctx = demoAdminClients();

  it('lists the account-region instances with their platform and agent facts', async () => {
    const out = await ctx.admin.ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 50 }));
    const list = out.InstanceInformationList!;
    expect(list.length).toBe(4);
    const windows = list.find((i) => i.PlatformType === 'Windows')!;
    expect(windows.AgentVersion).toBe('3.3.1611.0');
    expect(windows.IsLatestVersion).toBe(false);
    expect(windows.ResourceType).toBe('EC2Instance');
    expect(windows.LastPingDateTime).toBeInstanceOf(Date);
    expect(out.NextToken).toBeUndefined();
  });

  it('filters by platform, tag and instance id, and refuses mixed tag filters and bad page sizes', async () => {
    const win = await ctx.admin.ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'PlatformTypes', Values: ['Windows'] }] }));
    expect(win.InstanceInformationList!.map((i) => i.PlatformType)).toEqual(['Windows']);
    const web = await ctx.admin.ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'tag:Team', Values: ['web'] }] }));
    expect(web.InstanceInformationList!.length).toBe(2);
    const mixed = await failure(ctx.admin.ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'tag:Team', Values: ['web'] }, { Key: 'PingStatus', Values: ['Online'] }] })));
    expect(mixed).toBeInstanceOf(InvalidFilterKey);
    const small = await failure(ctx.admin.ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 4 })));
    expect(small.name).toBe('ValidationException');
    expect(small.message).toContain('greater than or equal to 5');
    const badToken = await failure(ctx.admin.ssm.send(new DescribeInstanceInformationCommand({ NextToken: 'garbage' })));
    expect(badToken).toBeInstanceOf(InvalidNextToken);
  });

  it('pages a big region with the SDK paginator, hiding stopped instances', async () => {
    const fleet = generateFleet({ accounts: 1, regionsPerAccount: 1, instancesPerRegion: 60, stoppedEvery: 10 });
    const big = await startEmulator({ fixture: fleet });
    const clients = await signedClients(big, fleet.accounts[0]!.id, 'AdministratorAccess', fleet.accounts[0]!.regions[0]!);
    try {
      const sizes: number[] = [];
      const ids = new Set<string>();
      for await (const page of paginateDescribeInstanceInformation({ client: clients.ssm, pageSize: 25 }, {})) {
        sizes.push(page.InstanceInformationList!.length);
        page.InstanceInformationList!.forEach((i) => ids.add(i.InstanceId!));
      }
      expect(sizes).toEqual([25, 25, 4]);
      expect(ids.size).toBe(54);
      // A token from one query is refused for another.
      const first = await clients.ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5 }));
      const replay = await failure(clients.ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5, NextToken: first.NextToken!, Filters: [{ Key: 'PlatformTypes', Values: ['Linux'] }] })));
      expect(replay).toBeInstanceOf(InvalidNextToken);
    } finally {
      clients.destroy();
      await big.stop();
    }
  });

  it('starts, describes, terminates a session and refuses to resume it afterwards', async () => {
    const target = ctx.emu.fixture().instances.find((i) => i.name === 'prod-web-1')!.id;
    const started = await ctx.admin.ssm.send(new StartSessionCommand({ Target: target, Reason: 'integration test' }));
    expect(started.StreamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${ctx.emu.port}/v1/data-channel/${started.SessionId}\\?`));
    expect(started.TokenValue).toBeTruthy();
    const active = await ctx.admin.ssm.send(new DescribeSessionsCommand({ State: 'Active', Filters: [{ key: 'Target', value: target }] }));
    const mine = active.Sessions!.find((s) => s.SessionId === started.SessionId)!;
    expect(mine.Owner).toMatch(/^arn:aws:sts::210987654321:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]+\/demo$/);
    expect(mine.DocumentName).toBe('SSM-SessionManagerRunShell');
    expect(mine.Reason).toBe('integration test');
    expect(mine.StartDate).toBeInstanceOf(Date);

    await ctx.admin.ssm.send(new TerminateSessionCommand({ SessionId: started.SessionId! }));
    const history = await ctx.admin.ssm.send(new DescribeSessionsCommand({ State: 'History' }));
    expect(history.Sessions!.some((s) => s.SessionId === started.SessionId)).toBe(true);
    expect(await failure(ctx.admin.ssm.send(new ResumeSessionCommand({ SessionId: started.SessionId! })))).toBeInstanceOf(DoesNotExistException);
  });

  it('answers TargetNotConnected for unknown, stopped and offline instances, with what to do', async () => {
    const unknown = await failure(ctx.admin.ssm.send(new StartSessionCommand({ Target: 'i-0123456789abcdef0' })));
    expect(unknown).toBeInstanceOf(TargetNotConnected);
    expect(unknown.message).toContain('no instance i-0123456789abcdef0 in the fixture');

    const elsewhere = ctx.emu.fixture().instances.find((i) => i.name === 'prod-api-1')!.id;
    expect((await failure(ctx.admin.ssm.send(new StartSessionCommand({ Target: elsewhere })))).message).toContain('lives in account 210987654321 region us-east-1');

    const web2 = ctx.emu.fixture().instances.find((i) => i.name === 'prod-web-2')!.id;
    ctx.emu.control.setInstanceOnline(web2, false);
    try {
      const offline = await failure(ctx.admin.ssm.send(new StartSessionCommand({ Target: web2 })));
      expect(offline).toBeInstanceOf(TargetNotConnected);
      const info = await ctx.admin.ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [web2] }] }));
      expect(info.InstanceInformationList![0]!.PingStatus).toBe('ConnectionLost');
    } finally {
      ctx.emu.control.setInstanceOnline(web2, true);
    }
    await ctx.admin.ssm.send(new StartSessionCommand({ Target: web2 }));
  });

  it('serves the session documents with the account-region preferences', async () => {
    const shell = await ctx.admin.ssm.send(new GetDocumentCommand({ Name: 'SSM-SessionManagerRunShell' }));
    expect(shell.DocumentType).toBe('Session');
    const content = JSON.parse(shell.Content!) as { sessionType: string; inputs: Record<string, unknown> };
    expect(content.sessionType).toBe('Standard_Stream');
    expect(content.inputs.idleSessionTimeout).toBe('15');
    expect(content.inputs.maxSessionDuration).toBe('120');
    expect(content.inputs.kmsKeyId).toBe('alias/session-manager');

    const remote = await ctx.admin.ssm.send(new GetDocumentCommand({ Name: 'AWS-StartPortForwardingSessionToRemoteHost' }));
    expect(JSON.parse(remote.Content!).properties.host).toBe('{{ host }}');
    expect(await failure(ctx.admin.ssm.send(new GetDocumentCommand({ Name: 'AWS-NoSuchDocument' })))).toBeInstanceOf(InvalidDocument);

    const staging = await signedClients(ctx.emu, '123456789012', 'AdministratorAccess', 'us-east-1');
    try {
      const other = await staging.ssm.send(new GetDocumentCommand({ Name: 'SSM-SessionManagerRunShell' }));
      expect(JSON.parse(other.Content!).inputs.idleSessionTimeout).toBe('20');
    } finally {
      staging.destroy();
    }
  });

  it('denies actions outside the role and in AccessDenied regions with AccessDeniedException', async () => {
    const readOnly = await signedClients(ctx.emu, PROD, 'ReadOnlyAccess', 'eu-west-1');
    const sydney = await signedClients(ctx.emu, PROD, 'AdministratorAccess', 'ap-southeast-2');
    try {
      await readOnly.ssm.send(new DescribeInstanceInformationCommand({}));
      const target = ctx.emu.fixture().instances.find((i) => i.name === 'prod-web-1')!.id;
      const denied = await failure(readOnly.ssm.send(new StartSessionCommand({ Target: target })));
      expect(denied).toBeInstanceOf(AccessDeniedException);
      expect(denied.message).toContain(`is not authorized to perform: ssm:StartSession on resource: arn:aws:ec2:eu-west-1:${PROD}:instance/${target}`);
      expect(await failure(sydney.ssm.send(new DescribeInstanceInformationCommand({})))).toBeInstanceOf(AccessDeniedException);
    } finally {
      readOnly.destroy();
      sydney.destroy();
    }
  });

  it('throttles every Nth call with ThrottlingException, which the SDK retries', async () => {
    ctx.emu.control.setFaults({ throttleEvery: { DescribeSessions: 2 } });
    const retrying = await signedClients(ctx.emu, PROD, 'AdministratorAccess', 'eu-west-1', 3);
    try {
      await ctx.admin.ssm.send(new DescribeSessionsCommand({ State: 'Active' }));
      expect(await failure(ctx.admin.ssm.send(new DescribeSessionsCommand({ State: 'Active' })))).toBeInstanceOf(ThrottlingException);
      await ctx.admin.ssm.send(new DescribeSessionsCommand({ State: 'Active' }));
      const out = await retrying.ssm.send(new DescribeSessionsCommand({ State: 'Active' }));
      expect(out.$metadata.attempts).toBe(2);
      expect(ctx.emu.control.calls().filter((c) => c.api === 'DescribeSessions' && c.outcome === 'ThrottlingException').length).toBe(2);
    } finally {
      ctx.emu.control.setFaults({ throttleEvery: {} });
      retrying.destroy();
    }
  });

  it('delays an API by its configured latency (a slow call finishes after a fast one started later)', async () => {
    ctx.emu.control.setFaults({ latencyMs: { DescribeInstanceInformation: 400 } });
    try {
      const order: string[] = [];
      const slow = ctx.admin.ssm.send(new DescribeInstanceInformationCommand({})).then(() => order.push('slow'));
      const fast = ctx.admin.ssm.send(new GetDocumentCommand({ Name: 'SSM-SessionManagerRunShell' })).then(() => order.push('fast'));
      await Promise.all([slow, fast]);
      expect(order).toEqual(['fast', 'slow']);
    } finally {
      ctx.emu.control.setFaults({ latencyMs: {} });
    }
  });
});
