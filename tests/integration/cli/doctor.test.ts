import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_FILE_NAME } from '../../../main/core/aws/auth';
import { DoctorReportSchema, type DoctorReport } from '../../../preload/contract/doctor';
import { startCliWorld, type CliWorld } from './world';

/** `bastionless doctor` as a child process against the emulator: table, JSON (schema-checked), exit codes. */

const PROD = '111122223333';
const AUDIT = '444455556666';
const REGION = 'eu-west-1';
const WEB = 'i-0a1b2c3d4e5f60001';
const LEGACY = 'i-0a1b2c3d4e5f60002';
const AUDITED = 'i-0a1b2c3d4e5f60003';
let world: CliWorld;

beforeAll(async () => {
  world = await startCliWorld({
    sso: { startUrl: 'https://d-1111111111.awsapps.com/start', region: REGION },
    accounts: [
      { id: PROD, name: 'prod', roles: [{ name: 'Admin' }], regions: [REGION] },
      // May look, not connect.
      { id: AUDIT, name: 'audit', roles: [{ name: 'Auditor', allow: ['ssm:Describe*', 'ssm:GetDocument', 'ec2:Describe*'] }], regions: [REGION] },
    ],
    instances: [
      { id: WEB, account: PROD, region: REGION, name: 'web-1' },
      { id: LEGACY, account: PROD, region: REGION, name: 'legacy-1', agentVersion: '3.0.1000.0' },
      { id: AUDITED, account: AUDIT, region: REGION, name: 'ledger-1' },
    ],
  });
  const login = await world.run(['login', '--no-browser']);
  expect(login.code, login.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

async function report(args: string[]): Promise<{ code: number | null; report: DoctorReport; stderr: string }> {
  const r = await world.run(['doctor', ...args, '--json']);
  return { code: r.code, report: DoctorReportSchema.strict().parse(JSON.parse(r.stdout.toString())), stderr: r.stderr };
}

const startSessions = () => world.emu.control.calls().filter((c) => c.api === 'StartSession').length;

describe('bastionless doctor', () => {
  it('nothing wrong: every check as a table, "No problem found.", exit 0, no session opened', async () => {
    const before = startSessions();
    const r = await world.run(['doctor', 'web-1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Checking shell on prod/${REGION}/web-1 (${WEB}, account ${PROD}) as role Admin.`);
    const lines = r.stdout.toString().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CHECK\s+RESULT\s+FOUND$/);
    expect(lines.slice(1, 9).map((l) => l.split(/\s{2,}/).slice(0, 2))).toEqual([
      ['Sign-in', 'ok'],
      ['Permissions', 'ok'],
      ['Managed node', 'ok'],
      ['Agent connection', 'ok'],
      ['Agent version', 'ok'],
      ['Platform and document', 'ok'],
      ['KMS encryption', 'ok'],
      ['StartSession', '-'],
    ]);
    expect(lines.slice(9)).toEqual(['', 'No problem found.']);
    expect(startSessions()).toBe(before);
  });

  it('--json: the report schema; a too-old agent for remote-host forwarding is the problem, exit 1', async () => {
    const { code, report: rep } = await report(['legacy-1', '--feature', 'remote-port']);
    expect(code).toBe(1);
    expect(rep).toMatchObject({ ok: false, feature: 'remote-port', documentName: 'AWS-StartPortForwardingSessionToRemoteHost', target: { instanceId: LEGACY, name: 'legacy-1', accountId: PROD, roleName: 'Admin', region: REGION } });
    expect(rep.problem).toEqual({ check: 'agent-version', sentence: `SSM agent 3.0.1000.0 on legacy-1 (${LEGACY}) is too old: port forwarding to a remote host needs 3.1.1188.0 or later.`, fix: expect.stringContaining('AWS-UpdateSSMAgent') });
    const table = await world.run(['doctor', 'legacy-1', '--feature', 'remote-port']);
    expect(table.code).toBe(1);
    expect(table.stdout.toString()).toContain(`\nProblem: SSM agent 3.0.1000.0 on legacy-1 (${LEGACY}) is too old: port forwarding to a remote host needs 3.1.1188.0 or later.\nFix: Update the SSM agent`);
  });

  it('an agent taken offline (fault): the ping check, by instance id', async () => {
    world.emu.control.setInstanceOnline(WEB, false);
    try {
      const { code, report: rep } = await report([WEB]);
      expect(code).toBe(1);
      expect(rep.problem?.check).toBe('ping');
      expect(rep.problem?.sentence).toMatch(/^The SSM agent on web-1 \(i-0a1b2c3d4e5f60001\) lost its connection to Systems Manager/);
    } finally {
      world.emu.control.setInstanceOnline(WEB, true);
    }
  });

  it('--connect tries StartSession and names the exact action refused; without it the role looks fine', async () => {
    expect((await report(['ledger-1'])).code).toBe(0);
    const before = startSessions();
    const { code, report: rep } = await report(['audit/eu-west-1/ledger-1', '--connect']);
    expect(code).toBe(1);
    expect(startSessions()).toBe(before + 1);
    expect(rep.problem).toEqual({
      check: 'start-session',
      sentence: `StartSession was refused: role Auditor may not call ssm:StartSession on arn:aws:ec2:${REGION}:${AUDIT}:instance/${AUDITED}.`,
      fix: `Allow ssm:StartSession on arn:aws:ec2:${REGION}:${AUDIT}:instance/${AUDITED} in the permission set or policy of Auditor, or use a role that has it.`,
    });
  });

  it('bad arguments exit 2 with what to do; an unknown target exits 4', async () => {
    const feature = await world.run(['doctor', 'web-1', '--feature', 'ftp']);
    expect(feature.code).toBe(2);
    expect(feature.stderr).toContain('--feature is shell, port, remote-port or rdp');
    const remote = await world.run(['doctor', 'web-1', '--feature', 'remote-port', '--connect']);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain('bastionless forward TARGET --host H --remote-port P');
    const missing = await world.run(['doctor']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('TARGET is missing');
    const unknown = await world.run(['doctor', 'nope-1']);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('No instance "nope-1"');
  });

  it('signed out: the cached inventory still names the target, and the sign-in is the problem', async () => {
    rmSync(join(world.dataDir, TOKEN_FILE_NAME));
    const { code, report: rep } = await report(['web-1']);
    expect(code).toBe(1);
    expect(rep.problem).toMatchObject({ check: 'sign-in', sentence: expect.stringMatching(/^You are not signed in to /) });
    expect(rep.checks.slice(1).every((c) => c.status === 'skip')).toBe(true);
  });
});
