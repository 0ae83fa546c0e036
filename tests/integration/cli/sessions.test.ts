import { SSMClient, StartSessionCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assumedRoleArn } from '../../../emulator/auth';
import { emulatorRoleCredentials, signInToEmulator } from '../../../emulator/sdk-login';
import { SessionListingSchema } from '../../../preload/contract/sessions';
import { RawDataChannel } from '../../support/raw-data-channel';
import { startCliWorld, type CliWorld } from './world';

/** `bastionless sessions` and `bastionless terminate` as child processes against the emulator. */

const PROD = '111122223333';
const STAGING = '444455556666';
const WEB = 'i-0a1b2c3d4e5f60001';
const ME = assumedRoleArn(PROD, 'Admin', 'demo');
let world: CliWorld;

beforeAll(async () => {
  world = await startCliWorld({
    sso: { startUrl: 'https://d-1111111111.awsapps.com/start', region: 'eu-west-1' },
    accounts: [
      { id: PROD, name: 'prod', roles: [{ name: 'Admin' }], regions: ['eu-west-1', 'us-east-1'] },
      { id: STAGING, name: 'staging', roles: [{ name: 'Auditor', allow: ['ssm:Describe*', 'ec2:Describe*'] }], regions: ['eu-west-1'] },
    ],
    instances: [
      { id: WEB, account: PROD, region: 'eu-west-1', name: 'web-1' },
      { id: 'i-0a1b2c3d4e5f60004', account: STAGING, region: 'eu-west-1', name: 'win-1', platform: 'Windows' },
    ],
    sessions: [
      { id: 'demo-00000000000000001', account: PROD, region: 'eu-west-1', target: WEB, owner: { role: 'Admin', username: 'demo' }, startDate: '2026-12-01T08:00:00Z', endDate: '2026-12-01T09:30:00Z' },
      { id: 'carol-0000000000000002', account: PROD, region: 'eu-west-1', target: 'i-0000000000000dead', owner: `arn:aws:sts::${PROD}:assumed-role/Ops/carol`, startDate: '2026-12-02T08:00:00Z', endDate: '2026-12-02T08:05:00Z', status: 'Failed' },
      { id: 'bob-00000000000000003', account: STAGING, region: 'eu-west-1', target: 'i-0a1b2c3d4e5f60004', owner: `arn:aws:sts::${STAGING}:assumed-role/Ops/bob`, status: 'Connected', startDate: '2026-12-03T08:00:00Z' },
    ],
    // prod eu-west-1 logs its sessions to CloudWatch and S3; staging logs nowhere.
    sessionPreferences: { [`${PROD}/eu-west-1`]: { cloudWatchLogGroupName: '/ssm/sessions', s3BucketName: 'audit-logs', s3KeyPrefix: 'ssm' } },
    // One account-region answers AccessDenied to everything: reported, never hiding the rest.
    faults: { accessDenied: [{ account: PROD, region: 'us-east-1' }] },
  });
  const login = await world.run(['login', '--no-browser']);
  expect(login.code, login.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

describe('bastionless sessions / terminate', () => {
  it('--json: every account-region merged, newest first, the failing one reported on stderr and in scopes', async () => {
    const r = await world.run(['sessions', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const listing = SessionListingSchema.strict().parse(JSON.parse(r.stdout.toString()));
    expect(listing.sessions.map((s) => s.sessionId)).toEqual(['bob-00000000000000003', 'carol-0000000000000002', 'demo-00000000000000001']);
    expect(listing.sessions.map((s) => [s.state, s.status, s.mine])).toEqual([
      ['Active', 'Connected', false],
      ['History', 'Failed', false],
      ['History', 'Terminated', true],
    ]);
    expect(listing.sessions[2]).toMatchObject({ owner: ME, targetName: 'web-1', target: WEB, startDate: Date.parse('2026-12-01T08:00:00Z'), endDate: Date.parse('2026-12-01T09:30:00Z') });
    expect(listing.scopes.map((s) => [s.scope.accountName, s.scope.region, s.state])).toEqual([
      ['prod', 'eu-west-1', 'done'],
      ['prod', 'us-east-1', 'error'],
      ['staging', 'eu-west-1', 'done'],
    ]);
    expect(r.stderr).toMatch(/^error: prod \(111122223333\) us-east-1: Access denied: ssm:DescribeSessions — Role \S+ may not call ssm:DescribeSessions in us-east-1\.[^\n]*\n {2}AWS said: AccessDeniedException: User: \S+ is not authorized to perform: ssm:DescribeSessions/m);
  });

  it('prints a table, and filters by state, owner and target (name or instance id)', async () => {
    const table = await world.run(['sessions', '--history', '--mine']);
    expect(table.code).toBe(0);
    const lines = table.stdout.toString().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SESSION\s+STATUS\s+TARGET\s+ACCOUNT\s+REGION\s+OWNER\s+STARTED \(UTC\)\s+ENDED \(UTC\)\s+LOG$/);
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^demo-00000000000000001\s+Terminated\s+web-1 \(i-0a1b2c3d4e5f60001\)\s+prod\s+eu-west-1\s+demo \(you\)\s+2026-12-01 08:00\s+2026-12-01 09:30\s+CloudWatch, S3$/)]);
    const active = (await world.run(['sessions', '--active'])).stdout.toString().trimEnd().split('\n');
    expect(active[1]).toMatch(/^bob-00000000000000003\s+Connected\s.*\sstaging\s+eu-west-1\s+bob\s+2026-12-03 08:00\s+-\s+-$/);

    const ids = async (args: string[]) => SessionListingSchema.parse(JSON.parse((await world.run(['sessions', '--json', ...args])).stdout.toString())).sessions.map((s) => s.sessionId);
    expect(await ids(['--active'])).toEqual(['bob-00000000000000003']);
    expect(await ids(['--target', 'web-1'])).toEqual(['demo-00000000000000001']);
    expect(await ids(['--target', 'i-0000000000000dead'])).toEqual(['carol-0000000000000002']);

    const none = await world.run(['sessions', '--active', '--mine']);
    expect(none.code).toBe(0);
    expect(none.stdout.length).toBe(0);
    expect(none.stderr).toContain('No open sessions of yours in 2 account-region(s).');
  });

  it("log prints the console links of a session's log, and says what to turn on where nothing is logged", async () => {
    const r = await world.run(['log', 'demo-00000000000000001']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.toString().split('\n')).toEqual([
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fssm$252Fsessions/log-events/demo-00000000000000001',
      'https://s3.console.aws.amazon.com/s3/object/audit-logs?region=eu-west-1&prefix=ssm%2Fdemo-00000000000000001.log',
      '',
    ]);
    const none = await world.run(['log', 'bob-00000000000000003']);
    expect(none.code).toBe(1);
    expect(none.stdout.length).toBe(0);
    expect(none.stderr).toContain('Sessions in staging eu-west-1 are not logged: its Session Manager preferences send logs neither to CloudWatch nor to S3.');
    expect(none.stderr).toContain('Systems Manager → Session Manager → Preferences');
    const unknown = await world.run(['log', 'nobody-0000000000000000']);
    expect(unknown.code).toBe(4);
    const missing = await world.run(['log']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('SESSION_ID is missing');
  });

  it('refuses bad command lines with exit 2 and says why', async () => {
    const both = await world.run(['sessions', '--active', '--history']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--active and --history exclude each other');
    const missing = await world.run(['terminate']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('SESSION_ID is missing');
    const bad = await world.run(['terminate', 'not a session']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('SESSION_ID is a Session Manager session id');
    const unknownTarget = await world.run(['sessions', '--target', 'nope-1']);
    expect(unknownTarget.code).toBe(4);
  });

  it('terminate ends a live session: the client connected to it sees the channel close', async () => {
    const { accessToken } = await signInToEmulator(world.emu);
    const ssm = new SSMClient({ region: 'eu-west-1', endpoint: world.emu.url, credentials: await emulatorRoleCredentials(world.emu, accessToken, PROD, 'Admin'), maxAttempts: 1 });
    try {
      const started = await ssm.send(new StartSessionCommand({ Target: WEB }));
      const dc = await RawDataChannel.open({ SessionId: started.SessionId!, TokenValue: started.TokenValue!, StreamUrl: started.StreamUrl! }, { clientVersion: '1.2.650.0' });
      await dc.waitForText('$ ');
      const r = await world.run(['terminate', started.SessionId!]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.toString()).toBe(`terminated ${started.SessionId}\n`);
      expect(r.stderr).toContain(`Ended session ${started.SessionId} on web-1 (prod eu-west-1).`);
      await dc.waitForClose();
      expect(dc.closeCode).toBe(1000);

      const again = await world.run(['terminate', started.SessionId!]);
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(new RegExp(`Session ${started.SessionId} on web-1 \\(prod eu-west-1\\) already ended \\(Terminated at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\); nothing to do\\.`));
    } finally {
      ssm.destroy();
    }
  });

  it("terminate: AWS's refusal exits 1 with its message; an unknown id exits 4", async () => {
    const denied = await world.run(['terminate', 'bob-00000000000000003']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain(`is not authorized to perform: ssm:TerminateSession on resource: arn:aws:ssm:eu-west-1:${STAGING}:session/bob-00000000000000003`);
    expect(denied.stderr).toContain('Role Auditor in staging needs ssm:TerminateSession');

    const unknown = await world.run(['terminate', 'nobody-0000000000000000']);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('No session nobody-0000000000000000 in the 2 account-region(s) that answered.');
    expect(unknown.stderr).toContain('1 account-region(s) failed (above); it may be there.');
  });
});
