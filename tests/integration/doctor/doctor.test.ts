import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureInput } from '../../../emulator/index';
import type { SessionTarget } from '../../../main/core/aws/target';
import type { DoctorRequest } from '../../../main/core/doctor/index';
import { doctorHandlers } from '../../../main/ipc/handlers/doctor';
import { DoctorReportSchema, DoctorRunSchema, type DoctorCheckId, type DoctorReport, type DoctorRun } from '../../../preload/contract/doctor';
import { startSignedInCore, type SignedInCore } from '../../support/signed-in-core';

/**
 * The connectivity doctor against the emulator: each check provoked through the fixture (roles'
 * permissions, instance states, agent versions, platforms, documents, KMS preferences) or a
 * fault (an agent going offline), plus the case where nothing is wrong.
 */

const PROD = '111122223333';
const SECURE = '222233334444';
const REGION = 'eu-west-1';
const WEB = 'i-0a1b2c3d4e5f60001';
const WIN = 'i-0a1b2c3d4e5f60002';
const OLD = 'i-0a1b2c3d4e5f60003';
const STOPPED = 'i-0a1b2c3d4e5f60004';
const VAULT = 'i-0b1b2c3d4e5f60001';

const FIXTURE: FixtureInput = {
  sso: { startUrl: 'https://d-1111111111.awsapps.com/start', region: REGION },
  accounts: [
    {
      id: PROD,
      name: 'prod',
      regions: [REGION],
      roles: [
        { name: 'Admin' },
        // Can connect but cannot list: the app never sees its instances.
        { name: 'Blind', allow: ['ssm:StartSession', 'ssm:GetDocument', 'ec2:Describe*'] },
        // Can list but not connect.
        { name: 'ReadOnly', allow: ['ssm:Describe*', 'ssm:GetDocument', 'ec2:Describe*'] },
      ],
    },
    { id: SECURE, name: 'secure', regions: [REGION], roles: [{ name: 'Admin' }, { name: 'NoKms', allow: ['ssm:*', 'ec2:*'] }] },
  ],
  instances: [
    { id: WEB, account: PROD, region: REGION, name: 'web-1' },
    { id: WIN, account: PROD, region: REGION, name: 'win-1', platform: 'Windows' },
    { id: OLD, account: PROD, region: REGION, name: 'legacy-1', agentVersion: '3.0.1000.0' },
    { id: STOPPED, account: PROD, region: REGION, name: 'batch-1', state: 'stopped' },
    { id: VAULT, account: SECURE, region: REGION, name: 'vault-1' },
  ],
  sessionPreferences: { [`${SECURE}/${REGION}`]: { kmsKeyId: 'alias/session-key' } },
  documents: [{ name: 'Ops-Bash', account: PROD, content: { sessionType: 'InteractiveCommands', properties: { linux: { commands: 'bash -l' } } } }],
};

let world: SignedInCore;

beforeAll(async () => {
  world = await startSignedInCore({ fixture: FIXTURE });
});

afterAll(async () => {
  await world?.stop();
});

function target(instanceId: string, over: Partial<SessionTarget> = {}): SessionTarget {
  const inst = world.core.inventory.list().find((i) => i.instanceId === instanceId);
  return { sourceId: world.sourceId, accountId: inst?.accountId ?? PROD, roleName: 'Admin', region: REGION, instanceId, platform: inst?.platform ?? 'Linux', ...(inst?.name ? { name: inst.name } : {}), ...over };
}

async function doctor(req: DoctorRequest): Promise<DoctorReport> {
  return DoctorReportSchema.strict().parse(await world.core.doctor(req));
}

const check = (report: DoctorReport, id: DoctorCheckId) => report.checks.find((c) => c.id === id)!;
const startSessionCalls = () => world.emulator.control.calls().filter((c) => c.api === 'StartSession').length;

describe('connectivity doctor against the emulator', () => {
  it('all good: a shell on an online Linux node, with no session opened unasked', async () => {
    const before = startSessionCalls();
    const report = await doctor({ target: target(WEB), feature: 'shell' });
    expect(report.problem).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['sign-in', 'pass'],
      ['permissions', 'pass'],
      ['managed', 'pass'],
      ['ping', 'pass'],
      ['agent-version', 'pass'],
      ['document', 'pass'],
      ['kms', 'pass'],
      ['start-session', 'skip'],
    ]);
    expect(check(report, 'managed').summary).toBe(`web-1 (${WEB}) is a managed node (Amazon Linux).`);
    expect(startSessionCalls()).toBe(before);
  });

  it('asked to connect, it starts a session, ends it, and reports StartSession passed', async () => {
    const before = startSessionCalls();
    const report = await doctor({ target: target(WEB), feature: 'port', connect: { parameters: { portNumber: ['22'] } } });
    expect(report.ok).toBe(true);
    expect(check(report, 'start-session')).toMatchObject({ status: 'pass', summary: 'StartSession with AWS-StartPortForwardingSession succeeded (the test session was ended at once).' });
    expect(startSessionCalls()).toBe(before + 1);
    expect(world.emulator.hub.describe(PROD, REGION, 'Active').filter((s) => s.Target === WEB)).toEqual([]);
  });

  it('permissions: a role without ssm:DescribeInstanceInformation, from the error the read API returns', async () => {
    const report = await doctor({ target: target(WEB, { roleName: 'Blind' }), feature: 'shell' });
    expect(report.problem).toEqual({
      check: 'permissions',
      sentence: `Role Blind in account ${PROD} in ${REGION} may not call ssm:DescribeInstanceInformation.`,
      fix: 'Add ssm:DescribeInstanceInformation to the permission set or policy of Blind, or use a role that has it.',
    });
    expect(check(report, 'managed').status).toBe('skip');
  });

  it('managed node: a stopped instance, and an id EC2 does not know', async () => {
    const stopped = await doctor({ target: target(STOPPED, { name: 'batch-1' }), feature: 'shell' });
    expect(stopped.problem).toMatchObject({ check: 'managed', sentence: `batch-1 (${STOPPED}) is stopped, so Systems Manager does not list it.` });
    const unknown = await doctor({ target: target('i-0a1b2c3d4e5f6ffff'), feature: 'shell' });
    expect(unknown.problem).toMatchObject({ check: 'managed', sentence: `No instance i-0a1b2c3d4e5f6ffff exists in account ${PROD} in ${REGION}.` });
  });

  it('ping: an agent that went offline (fault) is ConnectionLost, with its last ping', async () => {
    world.emulator.control.setInstanceOnline(WEB, false);
    try {
      const report = await doctor({ target: target(WEB), feature: 'shell' });
      expect(report.problem).toMatchObject({ check: 'ping', sentence: expect.stringMatching(new RegExp(`^The SSM agent on web-1 \\(${WEB}\\) lost its connection to Systems Manager \\(last ping 60 minutes ago, at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\)\\.$`)) });
      expect(report.problem?.fix).toContain('ssmmessages');
    } finally {
      world.emulator.control.setInstanceOnline(WEB, true);
    }
  });

  it('agent version: port forwarding to a remote host needs 3.1.1188.0, with the source of that number', async () => {
    const report = await doctor({ target: target(OLD), feature: 'remote-port' });
    expect(report.documentName).toBe('AWS-StartPortForwardingSessionToRemoteHost');
    expect(report.problem).toMatchObject({ check: 'agent-version', sentence: `SSM agent 3.0.1000.0 on legacy-1 (${OLD}) is too old: port forwarding to a remote host needs 3.1.1188.0 or later.` });
    expect(check(report, 'agent-version').source).toContain('3.1.1188.0');
    // The same agent forwards local ports fine.
    expect((await doctor({ target: target(OLD), feature: 'port' })).ok).toBe(true);
  });

  it('platform vs document: RDP on Linux, a Linux-only document on Windows, a document that does not exist', async () => {
    const rdp = await doctor({ target: target(WEB), feature: 'rdp' });
    expect(rdp.problem).toMatchObject({ check: 'document', sentence: `web-1 (${WEB}) runs Linux, which has no RDP server by default.` });

    const windows = await doctor({ target: target(WIN), feature: 'shell', documentName: 'Ops-Bash', connect: {} });
    expect(windows.problem).toMatchObject({ check: 'document', sentence: `Ops-Bash has commands only for linux, so the agent on Windows win-1 (${WIN}) cannot run it.` });
    // Asked to connect anyway, StartSession's own refusal is translated as well.
    expect(check(windows, 'start-session')).toMatchObject({ status: 'fail', summary: 'StartSession refused the document Ops-Bash: Document Ops-Bash has no properties for the Windows platform (it has linux).' });
    // The same document suits the Linux node.
    expect((await doctor({ target: target(WEB), feature: 'shell', documentName: 'Ops-Bash' })).ok).toBe(true);

    const missing = await doctor({ target: target(WEB), feature: 'shell', documentName: 'Ops-Nope' });
    expect(missing.problem).toMatchObject({ check: 'document', sentence: `There is no session document Ops-Nope in account ${PROD} in ${REGION}.` });
  });

  it('KMS: the preferences require a key, and the role may not call kms:GenerateDataKey (DryRun, no key made)', async () => {
    const ok = await doctor({ target: target(VAULT), feature: 'shell' });
    expect(check(ok, 'kms')).toMatchObject({ status: 'pass', summary: 'Sessions are encrypted with KMS key alias/session-key, and role Admin may call kms:GenerateDataKey on it.' });
    const report = await doctor({ target: target(VAULT, { roleName: 'NoKms' }), feature: 'shell' });
    expect(report.problem).toMatchObject({
      check: 'kms',
      sentence: expect.stringMatching(new RegExp(`^Sessions in account ${SECURE} in ${REGION} must be encrypted with KMS key alias/session-key, but role NoKms may not call kms:GenerateDataKey on arn:aws:kms:${REGION}:${SECURE}:key/[0-9a-f-]+\\.$`)),
      fix: 'Allow kms:GenerateDataKey on alias/session-key for NoKms (in its permission set and in the key policy).',
    });
  });

  it('StartSession: AccessDenied names the exact action and resource', async () => {
    const report = await doctor({ target: target(WEB, { roleName: 'ReadOnly' }), feature: 'shell', connect: {} });
    expect(report.problem).toEqual({
      check: 'start-session',
      sentence: `StartSession was refused: role ReadOnly may not call ssm:StartSession on arn:aws:ec2:${REGION}:${PROD}:instance/${WEB}.`,
      fix: `Allow ssm:StartSession on arn:aws:ec2:${REGION}:${PROD}:instance/${WEB} in the permission set or policy of ReadOnly, or use a role that has it.`,
    });
  });

  it("StartSession: a tab's TargetNotConnected is translated, though the agent pings again", async () => {
    world.emulator.control.setInstanceOnline(WIN, false);
    await expect(world.core.sessions.start(target(WIN))).rejects.toMatchObject({ code: 'target-not-connected' });
    world.emulator.control.setInstanceOnline(WIN, true);
    const report = await doctor({ target: target(WIN), feature: 'shell' });
    expect(check(report, 'ping').status).toBe('pass');
    expect(report.problem).toMatchObject({ check: 'start-session', sentence: `StartSession answered TargetNotConnected: win-1 (${WIN}) is not connected to Session Manager.`, fix: expect.stringContaining(`ssmmessages.${REGION}.amazonaws.com`) });
    // A later session that opens clears it.
    const started = await world.core.sessions.start(target(WIN));
    await world.core.sessions.terminate(target(WIN), started.sessionId);
    expect((await doctor({ target: target(WIN), feature: 'shell' })).ok).toBe(true);
  });

  it('doctor.run (IPC) for a tunnel profile: its kind and host pick the feature; RDP to a Linux node is the problem', async () => {
    const run = (arg: DoctorRun) => doctorHandlers({ core: world.core })['doctor.run'](DoctorRunSchema.parse(arg), { transport: 'web' });
    const source = { type: 'sso' as const, ssoSession: world.sourceId, accountId: PROD, roleName: 'Admin' };
    const rdp = await world.core.tunnels.saveProfile({ name: 'web RDP', source, region: REGION, target: { type: 'instance', instanceId: WEB }, remotePort: 3389, kind: 'rdp' });
    const report = DoctorReportSchema.parse(await run({ tunnelProfileId: rdp.id }));
    expect(report).toMatchObject({ feature: 'rdp', documentName: 'AWS-StartPortForwardingSession', problem: { check: 'document', sentence: `web-1 (${WEB}) runs Linux, which has no RDP server by default.` } });
    const db = await world.core.tunnels.saveProfile({ name: 'legacy db', source, region: REGION, target: { type: 'instance', instanceId: OLD }, remoteHost: 'db.internal', remotePort: 5432, kind: 'postgres' });
    expect(DoctorReportSchema.parse(await run({ tunnelProfileId: db.id })).problem).toMatchObject({ check: 'agent-version', sentence: expect.stringContaining('port forwarding to a remote host needs 3.1.1188.0 or later') });
    // An instance of the inventory, for a shell: the same report the core gives.
    const key = world.core.inventory.list().find((i) => i.instanceId === WEB)!.key;
    expect(DoctorReportSchema.parse(await run({ instanceKey: key })).ok).toBe(true);
    await expect(run({ tunnelProfileId: 'gone-000000' })).rejects.toMatchObject({ code: 'profile-not-found' });
    // A tag query: the instance a start would pick.
    const tagged = await world.core.tunnels.saveProfile({ name: 'tagged', source, region: REGION, target: { type: 'tags', tags: { Name: 'legacy-1' } }, remotePort: 22, kind: 'custom' });
    expect(DoctorReportSchema.parse(await run({ tunnelProfileId: tagged.id })).target).toMatchObject({ instanceId: OLD, name: 'legacy-1' });
  });

  it('sign-in: a role the user is not assigned gets no credentials, and the reason is the problem', async () => {
    const report = await doctor({ target: target(WEB, { roleName: 'NotAssigned' }), feature: 'shell' });
    expect(report.problem).toEqual({ check: 'sign-in', sentence: `You may not use role NotAssigned in account ${PROD}.`, fix: 'Pick another role for this account in Settings, or ask for the permission set.' });
    expect(report.checks.slice(1).every((c) => c.status === 'skip')).toBe(true);
  });

  it('sign-in: signed out, nothing else is asked', async () => {
    await world.core.auth.signOut(world.sourceId);
    const report = await doctor({ target: target(WEB), feature: 'shell' });
    expect(report.problem).toMatchObject({ check: 'sign-in', sentence: `You are not signed in to ${world.sourceId}.` });
    expect(report.checks.slice(1).every((c) => c.status === 'skip')).toBe(true);
  });
});
