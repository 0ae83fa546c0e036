import {
  AccessDeniedException,
  DescribeSessionsCommand,
  InvalidFilterKey,
  InvalidNextToken,
  paginateDescribeSessions,
  StartSessionCommand,
  TerminateSessionCommand,
  type Session,
  type SessionFilter,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assumedRoleArn } from '../../../emulator/auth';
import { parseFixture, type FixtureInput } from '../../../emulator/fixture';
import { startEmulator, type RunningEmulator } from '../../../emulator/index';
import { MessageType } from '../../../main/core/ssm/constants';
import { RawDataChannel } from '../../support/raw-data-channel';
import { demoFixture } from './fixture-helpers';
import { failure, signedClients, type SignedClients } from './signed-clients';

/** DescribeSessions and TerminateSession through the real SDK: seeded history, live sessions, errors. */

const STAGING = '123456789012';
const REGION = 'eu-west-1';
// The user signInToEmulator signs in as.
const ME = assumedRoleArn(STAGING, 'AdministratorAccess', 'demo');
const HOUR = 3600_000;
const BASE = Date.parse('2026-12-01T08:00:00Z');

/** 25 finished sessions an hour apart (mine on even hours), and one of bob's still open elsewhere. */
function seededSessions(target: string): NonNullable<FixtureInput['sessions']> {
  const history = Array.from({ length: 25 }, (_, n) => ({
    id: `demo-${n.toString(16).padStart(17, '0')}`,
    account: STAGING,
    region: REGION,
    target,
    owner: n % 2 === 0 ? { role: 'AdministratorAccess', username: 'demo' } : `arn:aws:sts::${STAGING}:assumed-role/Ops/carol`,
    status: n === 3 ? ('Failed' as const) : ('Terminated' as const),
    startDate: new Date(BASE + n * HOUR).toISOString(),
    endDate: new Date(BASE + n * HOUR + 600_000).toISOString(),
    ...(n === 0 ? { reason: 'change 42' } : {}),
  }));
  const open = { id: 'bob-0123456789abcdef0', account: STAGING, region: REGION, target, owner: { role: 'ReadOnlyAccess', username: 'bob' }, status: 'Connected' as const, startDate: new Date(BASE + 30 * HOUR).toISOString() };
  return [...history, open];
}

async function describeAll(clients: SignedClients, State: 'Active' | 'History', Filters?: SessionFilter[]): Promise<Session[]> {
  const out: Session[] = [];
  for await (const page of paginateDescribeSessions({ client: clients.ssm, pageSize: 200 }, { State, ...(Filters ? { Filters } : {}) })) out.push(...(page.Sessions ?? []));
  return out;
}

describe('DescribeSessions and TerminateSession against the real SDK client', () => {
  let emu: RunningEmulator;
  let admin: SignedClients;
  let readOnly: SignedClients;
  let target: string;

  beforeAll(async () => {
    const demo = demoFixture();
    target = demo.instances.find((i) => i.name === 'staging-web-1')!.id;
    emu = await startEmulator({ fixture: parseFixture({ ...demo, sessions: seededSessions(target) }) });
    admin = await signedClients(emu, STAGING, 'AdministratorAccess', REGION);
    readOnly = await signedClients(emu, STAGING, 'ReadOnlyAccess', REGION);
  });
  afterAll(async () => {
    admin.destroy();
    readOnly.destroy();
    await emu.stop();
  });

  it('pages seeded history newest first, in the shapes AWS answers', async () => {
    const sizes: number[] = [];
    const ids: string[] = [];
    for await (const page of paginateDescribeSessions({ client: admin.ssm, pageSize: 10 }, { State: 'History' })) {
      sizes.push(page.Sessions!.length);
      ids.push(...page.Sessions!.map((s) => s.SessionId!));
    }
    expect(sizes).toEqual([10, 10, 5]);
    expect(ids[0]).toBe('demo-00000000000000018');
    expect(ids.at(-1)).toBe('demo-00000000000000000');
    const oldest = (await admin.ssm.send(new DescribeSessionsCommand({ State: 'History', Filters: [{ key: 'SessionId', value: 'demo-00000000000000000' }] }))).Sessions!;
    expect(oldest).toEqual([
      {
        SessionId: 'demo-00000000000000000',
        Target: target,
        Status: 'Terminated',
        StartDate: new Date(BASE),
        EndDate: new Date(BASE + 600_000),
        DocumentName: 'SSM-SessionManagerRunShell',
        Owner: ME,
        Reason: 'change 42',
        AccessType: 'Standard',
        // staging/eu-west-1's Session Manager preferences cap sessions at 480 minutes.
        MaxSessionDuration: '480',
      },
    ]);
    // History never shows the open session, Active never shows the finished ones.
    expect((await describeAll(admin, 'Active')).map((s) => s.SessionId)).toEqual(['bob-0123456789abcdef0']);
  });

  it('filters by time window, owner, status and target', async () => {
    const window = await describeAll(admin, 'History', [
      { key: 'InvokedAfter', value: new Date(BASE + 5 * HOUR).toISOString() },
      { key: 'InvokedBefore', value: new Date(BASE + 9 * HOUR).toISOString() },
    ]);
    // After is inclusive, before is strict: hours 5, 6, 7, 8.
    expect(window.map((s) => s.StartDate!.getTime())).toEqual([8, 7, 6, 5].map((h) => BASE + h * HOUR));
    const mine = await describeAll(admin, 'History', [{ key: 'Owner', value: ME }]);
    expect(mine).toHaveLength(13);
    expect(new Set(mine.map((s) => s.Owner))).toEqual(new Set([ME]));
    expect((await describeAll(admin, 'History', [{ key: 'Status', value: 'Failed' }])).map((s) => s.SessionId)).toEqual(['demo-00000000000000003']);
    expect(await describeAll(admin, 'History', [{ key: 'Target', value: 'i-0000000000000dead' }])).toEqual([]);
  });

  it('refuses bad requests with the error types AWS uses', async () => {
    const noState = await failure(admin.ssm.send(new DescribeSessionsCommand({} as never)));
    expect(noState.name).toBe('ValidationException');
    expect(noState.message).toContain("'State' failed to satisfy constraint: Member must not be null");
    for (const MaxResults of [0, 201]) {
      const bad = await failure(admin.ssm.send(new DescribeSessionsCommand({ State: 'Active', MaxResults })));
      expect(bad.name).toBe('ValidationException');
      expect(bad.message).toContain('MaxResults');
    }
    const unknownKey = await failure(admin.ssm.send(new DescribeSessionsCommand({ State: 'Active', Filters: [{ key: 'Colour' as never, value: 'red' }] })));
    expect(unknownKey.name).toBe('ValidationException');
    expect(unknownKey.message).toContain('Member must satisfy enum value set: [InvokedAfter, InvokedBefore, Target, Owner, Status, SessionId, AccessType]');
    const badTime = await failure(admin.ssm.send(new DescribeSessionsCommand({ State: 'History', Filters: [{ key: 'InvokedAfter', value: 'yesterday' }] })));
    expect(badTime).toBeInstanceOf(InvalidFilterKey);
    expect(badTime.message).toContain('ISO-8601');
    expect(await failure(admin.ssm.send(new DescribeSessionsCommand({ State: 'History', Filters: [{ key: 'Status', value: 'Sleeping' }] })))).toBeInstanceOf(InvalidFilterKey);
    expect(await failure(admin.ssm.send(new DescribeSessionsCommand({ State: 'History', NextToken: 'garbage' })))).toBeInstanceOf(InvalidNextToken);
    // A token is bound to the query that produced it.
    const first = await admin.ssm.send(new DescribeSessionsCommand({ State: 'History', MaxResults: 5 }));
    const replay = await failure(admin.ssm.send(new DescribeSessionsCommand({ State: 'History', MaxResults: 5, NextToken: first.NextToken!, Filters: [{ key: 'Owner', value: ME }] })));
    expect(replay).toBeInstanceOf(InvalidNextToken);
  });

  it('shows a live session as Active, Disconnected while its client is away, and History once the shell exits', async () => {
    const started = await admin.ssm.send(new StartSessionCommand({ Target: target, Reason: 'deploy' }));
    const one = async (State: 'Active' | 'History') => (await describeAll(admin, State, [{ key: 'SessionId', value: started.SessionId! }]))[0];
    const dc = await RawDataChannel.open({ SessionId: started.SessionId!, TokenValue: started.TokenValue!, StreamUrl: started.StreamUrl! }, { clientVersion: '1.2.650.0' });
    await dc.waitForText('$ ');
    const active = await one('Active');
    expect(active).toMatchObject({ SessionId: started.SessionId, Target: target, Status: 'Connected', DocumentName: 'SSM-SessionManagerRunShell', Owner: ME, Reason: 'deploy' });
    expect(active!.EndDate).toBeUndefined();
    expect(Math.abs(active!.StartDate!.getTime() - Date.now())).toBeLessThan(60_000);

    dc.close();
    await expect.poll(async () => (await one('Active'))?.Status).toBe('Disconnected');
    await dc.connect(started.TokenValue!);
    await expect.poll(async () => (await one('Active'))?.Status).toBe('Connected');
    dc.sendText('exit\r');
    await dc.waitForClose();
    await expect.poll(async () => (await one('History'))?.Status).toBe('Terminated');
    const ended = (await one('History'))!;
    expect(ended.EndDate!.getTime()).toBeGreaterThanOrEqual(ended.StartDate!.getTime());
    expect(await one('Active')).toBeUndefined();
  });

  it('TerminateSession closes the data channel, and answers with the id for finished and unknown sessions', async () => {
    const started = await admin.ssm.send(new StartSessionCommand({ Target: target }));
    const dc = await RawDataChannel.open({ SessionId: started.SessionId!, TokenValue: started.TokenValue!, StreamUrl: started.StreamUrl! }, { clientVersion: '1.2.650.0' });
    await dc.waitForText('$ ');
    const out = await admin.ssm.send(new TerminateSessionCommand({ SessionId: started.SessionId! }));
    expect(out.SessionId).toBe(started.SessionId);
    await dc.waitForClose();
    expect(dc.closeCode).toBe(1000);
    expect(dc.messages(MessageType.ChannelClosed)).toHaveLength(1);
    await expect.poll(async () => (await describeAll(admin, 'History', [{ key: 'SessionId', value: started.SessionId! }]))[0]?.Status).toBe('Terminated');
    expect((await admin.ssm.send(new TerminateSessionCommand({ SessionId: started.SessionId! }))).SessionId).toBe(started.SessionId);
    expect((await admin.ssm.send(new TerminateSessionCommand({ SessionId: 'nobody-00000000000000000' }))).SessionId).toBe('nobody-00000000000000000');
  });

  it('refuses TerminateSession to a role without ssm:TerminateSession, and ends a seeded session for one that has it', async () => {
    const denied = await failure(readOnly.ssm.send(new TerminateSessionCommand({ SessionId: 'bob-0123456789abcdef0' })));
    expect(denied).toBeInstanceOf(AccessDeniedException);
    expect(denied.message).toContain(`is not authorized to perform: ssm:TerminateSession on resource: arn:aws:ssm:${REGION}:${STAGING}:session/bob-0123456789abcdef0`);
    expect((await describeAll(admin, 'Active')).map((s) => s.SessionId)).toContain('bob-0123456789abcdef0');

    await admin.ssm.send(new TerminateSessionCommand({ SessionId: 'bob-0123456789abcdef0' }));
    expect((await describeAll(admin, 'Active')).map((s) => s.SessionId)).not.toContain('bob-0123456789abcdef0');
    const bob = (await describeAll(admin, 'History', [{ key: 'SessionId', value: 'bob-0123456789abcdef0' }]))[0]!;
    expect(bob.Status).toBe('Terminated');
    expect(bob.Owner).toBe(assumedRoleArn(STAGING, 'ReadOnlyAccess', 'bob'));
    expect(bob.EndDate).toBeInstanceOf(Date);
  });
});
