import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assumedRoleArn } from '../../../emulator/auth';
import { loadFixtureFile, parseFixture, type FixtureInput } from '../../../emulator/fixture';
import { DEMO_FIXTURE } from '../../../emulator/demo';
import { SessionListingSchema, type SessionRecord, type SessionScopeResult } from '../../../preload/contract/sessions';
import { AppError } from '../../../main/core/errors';
import { startSignedInCore, type SignedInCore } from '../../support/signed-in-core';
import { instanceTunnel } from '../../support/tunnel-profile';

/**
 * The core's session history: every account-region the inventory scanned, one DescribeSessions
 * per place, merged; failures stay on their row; terminate goes to AWS or through a tab's close.
 */

const STAGING = '123456789012';
const AUDIT = '444455556666';
const ME_STAGING = assumedRoleArn(STAGING, 'AdministratorAccess', 'demo');

function fixture(): FixtureInput {
  const demo = loadFixtureFile(DEMO_FIXTURE);
  const staging = demo.instances.find((i) => i.name === 'staging-web-1')!.id;
  return parseFixture({
    ...demo,
    // An account where the only role may read but not terminate sessions.
    accounts: [...demo.accounts, { id: AUDIT, name: 'audit', roles: [{ name: 'Auditor', allow: ['ssm:Describe*', 'ssm:GetDocument', 'ec2:Describe*'] }], regions: ['eu-west-1'] }],
    // Staging eu-west-1 sends session logs to S3 and CloudWatch; the other places do not log.
    sessionPreferences: { ...demo.sessionPreferences, [`${STAGING}/eu-west-1`]: { idleSessionTimeout: 20, s3BucketName: 'acme-session-logs', s3KeyPrefix: 'ssm/', cloudWatchLogGroupName: '/aws/ssm/sessions' } },
    sessions: [
      { id: 'demo-00000000000000001', account: STAGING, region: 'eu-west-1', target: staging, owner: { role: 'AdministratorAccess', username: 'demo' }, startDate: '2026-12-01T08:00:00Z', endDate: '2026-12-01T09:00:00Z', reason: 'hotfix' },
      { id: 'carol-0000000000000002', account: STAGING, region: 'eu-west-1', target: 'i-0000000000000dead', owner: `arn:aws:sts::${STAGING}:assumed-role/Ops/carol`, startDate: '2026-12-02T08:00:00Z', endDate: '2026-12-02T08:30:00Z' },
      { id: 'bob-00000000000000003', account: AUDIT, region: 'eu-west-1', target: 'i-0aaaaaaaaaaaaaaa1', owner: `arn:aws:sts::${AUDIT}:assumed-role/Ops/bob`, status: 'Connected', startDate: '2026-12-03T08:00:00Z' },
    ],
  });
}

describe('session history across account-regions', () => {
  let world: SignedInCore;
  let stagingKey: string;

  beforeAll(async () => {
    world = await startSignedInCore({ fixture: fixture() });
    stagingKey = world.core.inventory.list().find((i) => i.name === 'staging-web-1')!.key;
  });
  afterAll(async () => {
    await world.stop();
  });

  it('lists every scanned account-region, newest first, and keeps a failing one on its own row', async () => {
    const streamed: SessionScopeResult[] = [];
    const listing = SessionListingSchema.parse(await world.core.sessionHistory.list({ state: 'all' }, (result) => streamed.push(result)));
    expect(listing.sessions.map((s) => s.sessionId)).toEqual(['bob-00000000000000003', 'carol-0000000000000002', 'demo-00000000000000001']);
    const scannedPlaces = world.core.inventory.scopes().length;
    expect(listing.scopes).toHaveLength(scannedPlaces);
    expect(streamed).toHaveLength(scannedPlaces);
    // The demo's prod ap-southeast-2 answers AccessDenied: its error is on its row, the rest answered.
    const failed = listing.scopes.filter((s) => s.state === 'error');
    expect(failed.map((s) => `${s.scope.accountName}/${s.scope.region}`)).toEqual(['prod/ap-southeast-2']);
    expect(failed[0]!.error).toMatchObject({ code: 'access-denied' });
    expect(failed[0]!.error!.hint).toContain('ssm:DescribeSessions');

    const mine = listing.sessions.find((s) => s.sessionId === 'demo-00000000000000001')!;
    expect(mine).toMatchObject({
      key: `${world.sourceId}/${STAGING}/eu-west-1/demo-00000000000000001`,
      scope: { sourceId: world.sourceId, accountId: STAGING, accountName: 'staging', roleName: 'AdministratorAccess', region: 'eu-west-1' },
      targetName: 'staging-web-1',
      state: 'History',
      status: 'Terminated',
      startDate: Date.parse('2026-12-01T08:00:00Z'),
      endDate: Date.parse('2026-12-01T09:00:00Z'),
      documentName: 'SSM-SessionManagerRunShell',
      owner: ME_STAGING,
      reason: 'hotfix',
      mine: true,
    });
    // An instance the inventory does not know (terminated since) has no name.
    expect(listing.sessions.find((s) => s.sessionId === 'carol-0000000000000002')).toMatchObject({ mine: false, target: 'i-0000000000000dead' });
    expect(listing.sessions.find((s) => s.sessionId === 'carol-0000000000000002')!.targetName).toBeUndefined();
  });

  it("links each session to its log where the account-region's preferences send logs", async () => {
    const listing = await world.core.sessionHistory.list({ state: 'all' });
    const byId = new Map(listing.sessions.map((s) => [s.sessionId, s]));
    expect(byId.get('demo-00000000000000001')!.logs).toEqual({
      cloudWatch: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Fssm$252Fsessions/log-events/demo-00000000000000001',
      s3: 'https://s3.console.aws.amazon.com/s3/object/acme-session-logs?region=eu-west-1&prefix=ssm%2Fdemo-00000000000000001.log',
    });
    expect(byId.get('carol-0000000000000002')!.logs?.s3).toContain('prefix=ssm%2Fcarol-0000000000000002.log');
    // The audit account's preferences log nowhere: no link rather than a link to nothing.
    expect(byId.get('bob-00000000000000003')!.logs).toBeUndefined();
  });

  it('filters by state, target and owner', async () => {
    const history = await world.core.sessionHistory.list({ state: 'history' });
    expect(history.sessions.every((s) => s.state === 'History')).toBe(true);
    expect((await world.core.sessionHistory.list({ state: 'active' })).sessions.map((s) => s.sessionId)).toEqual(['bob-00000000000000003']);
    expect((await world.core.sessionHistory.list({ mine: true })).sessions.map((s) => s.sessionId)).toEqual(['demo-00000000000000001']);
    expect((await world.core.sessionHistory.list({ target: 'i-0000000000000dead' })).sessions.map((s) => s.sessionId)).toEqual(['carol-0000000000000002']);
    await expect(world.core.sessionHistory.list({ target: 'web-1' })).rejects.toMatchObject({ code: 'bad-query', message: expect.stringContaining('instance id') });
  });

  it('marks a shell tab of this app as local and mine, and terminating it closes the tab', async () => {
    const tab = await world.core.shells.open({ instanceKey: stagingKey });
    await expect.poll(() => tab.currentSessionId).toBeTruthy();
    const sessionId = tab.currentSessionId!;
    const active = await world.core.sessionHistory.list({ state: 'active', mine: true });
    const record = active.sessions.find((s) => s.sessionId === sessionId)!;
    expect(record).toMatchObject({ state: 'Active', status: expect.stringMatching(/^(Connected|Connecting)$/), mine: true, targetName: 'staging-web-1', local: { kind: 'tab', label: tab.title } });

    await world.core.sessionHistory.terminate(record.key);
    expect(world.core.shells.list().map((t) => t.tabId)).not.toContain(tab.id);
    await expect.poll(async () => (await world.core.sessionHistory.list({ state: 'history' })).sessions.find((s) => s.sessionId === sessionId)?.status).toBe('Terminated');
  });

  it('marks a tunnel of this app as local, and terminating its session stops the tunnel', async () => {
    const instance = world.core.inventory.find(stagingKey)!;
    const profile = await world.core.tunnels.saveProfile(instanceTunnel(instance, 'staging web', 80));
    await world.core.tunnels.start(profile.id);
    await expect.poll(() => world.core.tunnels.localSessions().length).toBeGreaterThan(0);
    const sessionId = world.core.tunnels.localSessions()[0]!.sessionId;
    const record = (await world.core.sessionHistory.list({ state: 'active' })).sessions.find((s) => s.sessionId === sessionId)!;
    expect(record.local).toEqual({ kind: 'tunnel', label: 'staging web' });

    await world.core.sessionHistory.terminate(record.key);
    expect(world.core.tunnels.list()).toEqual([]);
    await expect.poll(async () => (await world.core.sessionHistory.list({ state: 'active' })).sessions.some((s) => s.local)).toBe(false);
  });

  it("keeps AWS's refusal when the role may not terminate, and terminates other people's sessions where it may", async () => {
    await world.core.sessionHistory.list();
    const refused = await world.core.sessionHistory.terminate('bob-00000000000000003').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('access-denied');
    expect((refused as AppError).message).toContain(`is not authorized to perform: ssm:TerminateSession on resource: arn:aws:ssm:eu-west-1:${AUDIT}:session/bob-00000000000000003`);
    expect((refused as AppError).hint).toContain('Role Auditor in audit needs ssm:TerminateSession');
    expect((await world.core.sessionHistory.list({ state: 'active' })).sessions.map((s: SessionRecord) => s.sessionId)).toContain('bob-00000000000000003');

    await expect(world.core.sessionHistory.terminate('no-such-session')).rejects.toMatchObject({ code: 'session-not-found' });
  });
});
