import { describe, expect, it } from 'vitest';
import { DOCTOR_CHECK_IDS, DoctorReportSchema } from '../../../preload/contract/doctor';
import { AGENT_REQUIREMENTS, meets, requirementsFor } from '../../../main/core/doctor/agent-requirements';
import { evaluate } from '../../../main/core/doctor/checks';
import type { AwsFailure, DoctorFacts } from '../../../main/core/doctor/facts';
import { selectPortMode } from '../../../main/core/ssm/port';
import { portFeatures } from '../../../emulator/agent/versions';

/** The doctor's verdicts from literal facts: order, first problem, and the agent-version table. */

const NOW = Date.parse('2026-12-07T10:00:00Z');

/** Everything fine: a signed-in Linux node, online, a current agent, no KMS. */
function healthy(over: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    target: { instanceId: 'i-0a1b2c3d4e5f60001', name: 'web-1', sourceId: 'corp', accountId: '111122223333', roleName: 'Admin', region: 'eu-west-1' },
    feature: 'shell',
    documentName: 'SSM-SessionManagerRunShell',
    now: NOW,
    signIn: { kind: 'sso', label: 'corp', state: 'signed-in' },
    credentials: { ok: true, expiresAt: NOW + 3_600_000 },
    node: { ok: true, value: { pingStatus: 'Online', lastPingAt: NOW - 60_000, agentVersion: '3.3.1802.0', isLatestVersion: true, platform: 'Linux', platformName: 'Amazon Linux' } },
    ec2: { ok: true, value: { state: 'running', platform: 'Linux/UNIX' } },
    preferences: { ok: true, value: {} },
    document: { ok: true, value: { sessionType: 'Standard_Stream' } },
    ...over,
  };
}

const denied = (action: string, resource = '*'): { ok: false; error: AwsFailure } => ({
  ok: false,
  error: { name: 'AccessDeniedException', message: `User: arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_x/demo is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`, action },
});

function agent(version: string, platform: 'Linux' | 'Windows' = 'Linux'): Pick<DoctorFacts, 'node'> {
  return { node: { ok: true, value: { pingStatus: 'Online', lastPingAt: NOW - 60_000, agentVersion: version, platform } } };
}

describe('doctor checks', () => {
  it('all good: no problem, every check in order, the report matches its schema', () => {
    const report = DoctorReportSchema.strict().parse(evaluate(healthy()));
    expect(report.ok).toBe(true);
    expect(report.problem).toBeUndefined();
    expect(report.checks.map((c) => c.id)).toEqual([...DOCTOR_CHECK_IDS]);
    expect(report.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'skip']);
  });

  it('reports the first failure, even when later checks fail too', () => {
    const facts = healthy({ ...agent('2.3.50.0'), feature: 'rdp', preferences: { ok: true, value: { kmsKeyId: 'alias/ssm' } }, kms: denied('kms:GenerateDataKey') });
    const report = evaluate(facts);
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['agent-version', 'document', 'kms']);
    expect(report.problem).toEqual({
      check: 'agent-version',
      sentence: 'SSM agent 2.3.50.0 on web-1 (i-0a1b2c3d4e5f60001) is too old: any Session Manager session needs 2.3.68.0 or later.',
      fix: expect.stringContaining('AWS-UpdateSSMAgent'),
    });
    expect(report.checks.find((c) => c.id === 'agent-version')?.source).toBe(AGENT_REQUIREMENTS.session.source);
  });

  it('sign-in comes first and explains everything after it', () => {
    const report = evaluate({ ...healthy(), signIn: { kind: 'sso', label: 'corp', state: 'expired' }, credentials: undefined, node: undefined, ec2: undefined, preferences: undefined, document: undefined });
    expect(report.problem?.check).toBe('sign-in');
    expect(report.problem?.sentence).toBe('Your sign-in to corp expired.');
    expect(report.checks.slice(1).map((c) => c.status)).toEqual(Array(7).fill('skip'));
  });

  it('a refused DescribeInstanceInformation fails Permissions with the exact action; a refused EC2 call only warns', () => {
    const blocked = evaluate(healthy({ node: denied('ssm:DescribeInstanceInformation') }));
    expect(blocked.problem).toMatchObject({ check: 'permissions', sentence: 'Role Admin in account 111122223333 in eu-west-1 may not call ssm:DescribeInstanceInformation.' });
    expect(blocked.checks.find((c) => c.id === 'managed')?.status).toBe('skip');

    const ec2: { ok: false; error: AwsFailure } = { ok: false, error: { name: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.', action: 'ec2:DescribeInstances' } };
    const partial = evaluate(healthy({ ec2 }));
    expect(partial.ok).toBe(true);
    expect(partial.checks.find((c) => c.id === 'permissions')).toMatchObject({ status: 'warn', summary: expect.stringContaining('may not call ec2:DescribeInstances') });
  });

  it('managed node: stopped, unknown, and not registered are told apart', () => {
    expect(evaluate(healthy({ node: { ok: true, value: null }, ec2: { ok: true, value: { state: 'stopped', platform: 'Linux/UNIX' } } })).problem?.sentence).toBe('web-1 (i-0a1b2c3d4e5f60001) is stopped, so Systems Manager does not list it.');
    expect(evaluate(healthy({ node: { ok: true, value: null }, ec2: { ok: true, value: null } })).problem?.sentence).toBe('No instance i-0a1b2c3d4e5f60001 exists in account 111122223333 in eu-west-1.');
    expect(evaluate(healthy({ node: { ok: true, value: null } })).problem?.fix).toContain('AmazonSSMManagedInstanceCore');
  });

  it('ping status: ConnectionLost and Inactive fail with the last ping', () => {
    const lost = evaluate(healthy({ node: { ok: true, value: { pingStatus: 'ConnectionLost', lastPingAt: NOW - 3_600_000, agentVersion: '3.3.1802.0', platform: 'Linux' } } }));
    expect(lost.problem).toMatchObject({ check: 'ping', sentence: 'The SSM agent on web-1 (i-0a1b2c3d4e5f60001) lost its connection to Systems Manager (last ping 60 minutes ago, at 2026-12-07 09:00:00 UTC).' });
  });

  it('platform vs document: RDP on Linux, a Linux-only commands document on Windows, a Port document for a shell', () => {
    expect(evaluate(healthy({ feature: 'rdp', documentName: 'AWS-StartPortForwardingSession', document: { ok: true, value: { sessionType: 'Port' } } })).problem?.sentence).toBe('web-1 (i-0a1b2c3d4e5f60001) runs Linux, which has no RDP server by default.');
    const windows = evaluate(healthy({ ...agent('3.3.1802.0', 'Windows'), documentName: 'Ops-Bash', document: { ok: true, value: { sessionType: 'InteractiveCommands', platforms: ['linux'] } } }));
    expect(windows.problem?.sentence).toBe('Ops-Bash has commands only for linux, so the agent on Windows web-1 (i-0a1b2c3d4e5f60001) cannot run it.');
    expect(evaluate(healthy({ documentName: 'AWS-StartSSHSession', document: { ok: true, value: { sessionType: 'Port' } } })).problem?.check).toBe('document');
    expect(evaluate(healthy(agent('3.3.1802.0', 'Windows'))).checks.find((c) => c.id === 'document')).toMatchObject({ status: 'pass', summary: expect.stringContaining('PowerShell') });
  });

  it('KMS required by the preferences: a refused kms:GenerateDataKey names the key and the action', () => {
    const report = evaluate(healthy({ preferences: { ok: true, value: { kmsKeyId: 'alias/ssm' } }, kms: denied('kms:GenerateDataKey', 'arn:aws:kms:eu-west-1:111122223333:key/k') }));
    expect(report.problem).toMatchObject({ check: 'kms', sentence: 'Sessions in account 111122223333 in eu-west-1 must be encrypted with KMS key alias/ssm, but role Admin may not call kms:GenerateDataKey on arn:aws:kms:eu-west-1:111122223333:key/k.' });
  });

  it("StartSession's own errors, translated", () => {
    const start = (name: string, message: string) => evaluate(healthy({ startSession: { ok: false, error: { name, message, action: 'ssm:StartSession' } } })).problem;
    expect(start('TargetNotConnected', 'i-0a1b2c3d4e5f60001 is not connected.')).toMatchObject({ check: 'start-session', sentence: 'StartSession answered TargetNotConnected: web-1 (i-0a1b2c3d4e5f60001) is not connected to Session Manager.', fix: expect.stringContaining('ssmmessages.eu-west-1.amazonaws.com') });
    expect(denied('ssm:StartSession', 'arn:aws:ec2:eu-west-1:111122223333:instance/i-0a1b2c3d4e5f60001').error.message).toContain('ssm:StartSession');
    const refused = evaluate(healthy({ startSession: denied('ssm:StartSession', 'arn:aws:ec2:eu-west-1:111122223333:instance/i-0a1b2c3d4e5f60001') })).problem;
    expect(refused?.sentence).toBe('StartSession was refused: role Admin may not call ssm:StartSession on arn:aws:ec2:eu-west-1:111122223333:instance/i-0a1b2c3d4e5f60001.');
    expect(start('InvalidDocument', 'Document Ops-Bash has no properties for the Windows platform.')?.sentence).toBe('StartSession refused the document SSM-SessionManagerRunShell: Document Ops-Bash has no properties for the Windows platform.');
  });
});

describe('agent-version table', () => {
  it('has the documented thresholds, inclusive except smux (strictly newer than 3.0.196.0)', () => {
    const table = Object.fromEntries(Object.values(AGENT_REQUIREMENTS).map((r) => [r.capability, `${r.inclusive ? '>=' : '>'}${r.version}`]));
    expect(table).toEqual({
      session: '>=2.3.68.0',
      'port-forwarding': '>=2.3.672.0',
      'remote-host-forwarding': '>=3.1.1188.0',
      'kms-encryption': '>=2.3.539.0',
      'tcp-multiplexing': '>3.0.196.0',
      'interactive-commands': '>=2.3.668.0',
      'non-interactive-commands': '>=3.0.1124.0',
    });
    for (const r of Object.values(AGENT_REQUIREMENTS)) expect(r.source).toMatch(/AWS Systems Manager User Guide|aws\/amazon-ssm-agent|aws\/session-manager-plugin/);
  });

  it('compares numerically, at the boundary, and refuses what is not four numbers', () => {
    const port = AGENT_REQUIREMENTS['port-forwarding'];
    expect([meets('2.3.671.0', port), meets('2.3.672.0', port), meets('2.3.1000.0', port), meets('10.0.0.0', port)]).toEqual([false, true, true, true]);
    const smux = AGENT_REQUIREMENTS['tcp-multiplexing'];
    expect([meets('3.0.196.0', smux), meets('3.0.196.1', smux), meets('3.0.1000.0', smux)]).toEqual([false, true, true]);
    expect(meets('3.1', port)).toBeUndefined();
    expect(meets('3.x.1.0', port)).toBeUndefined();
  });

  it("agrees with the protocol code's and the emulated agent's smux gate", () => {
    const smux = AGENT_REQUIREMENTS['tcp-multiplexing'];
    for (const v of ['3.0.196.0', '3.0.196.1', '3.0.195.9', '3.3.1802.0']) {
      const client = selectPortMode({ agentVersion: v, properties: { type: 'LocalPortForwarding' } }) === 'mux';
      expect([v, client, portFeatures(v, '1.2.694.0').mux]).toEqual([v, meets(v, smux), meets(v, smux)]);
    }
  });

  it('asks of each feature what it needs, most basic first, smux last', () => {
    const ids = (...a: Parameters<typeof requirementsFor>) => requirementsFor(...a).map((r) => r.capability);
    expect(ids('shell', 'Standard_Stream', false)).toEqual(['session']);
    expect(ids('shell', 'InteractiveCommands', true)).toEqual(['session', 'interactive-commands', 'kms-encryption']);
    expect(ids('shell', 'NonInteractiveCommands', false)).toEqual(['session', 'non-interactive-commands']);
    expect(ids('rdp', 'Port', false)).toEqual(['session', 'port-forwarding', 'tcp-multiplexing']);
    expect(ids('remote-port', 'Port', true)).toEqual(['session', 'port-forwarding', 'remote-host-forwarding', 'kms-encryption', 'tcp-multiplexing']);
  });

  it('an agent without smux still forwards ports: a warning, not the problem', () => {
    const report = evaluate(healthy({ ...agent('3.0.196.0'), feature: 'port', documentName: 'AWS-StartPortForwardingSession', document: { ok: true, value: { sessionType: 'Port' } } }));
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.id === 'agent-version')).toMatchObject({ status: 'warn', summary: 'SSM agent 3.0.196.0 works, but without several connections over one tunnel session (smux), which needs newer than 3.0.196.0.' });
  });
});
