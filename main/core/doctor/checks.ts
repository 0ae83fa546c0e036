import type { DoctorCheck, DoctorCheckId, DoctorReport, DoctorFeature } from '../../../preload/contract/doctor';
import { DOCTOR_CHECK_IDS } from '../../../preload/contract/doctor';
import { isAccessDenied, parseDenial } from '../aws/aws-errors';
import { meets, requirementsFor, thresholdText } from './agent-requirements';
import type { AwsFailure, DoctorFacts, Outcome } from './facts';

/**
 * The doctor's verdicts: pure functions of the facts, one per check, in the order the checks
 * matter (a sign-in problem explains every later one). The report's problem is the first
 * failed check, said in one sentence, with its fix.
 */

const TITLES: Record<DoctorCheckId, string> = {
  'sign-in': 'Sign-in',
  permissions: 'Permissions',
  managed: 'Managed node',
  ping: 'Agent connection',
  'agent-version': 'Agent version',
  document: 'Platform and document',
  kms: 'KMS encryption',
  'start-session': 'StartSession',
};

const FEATURE_NAMES: Record<DoctorFeature, string> = {
  shell: 'a shell',
  port: 'port forwarding',
  'remote-port': 'port forwarding to a remote host',
  rdp: 'RDP',
};

const AGENT_FIX =
  'Update the SSM agent (Run Command document AWS-UpdateSSMAgent, or turn on agent auto-update in Fleet Manager), then run the doctor again.';
const NETWORK_FIX =
  'Check that the instance is running, that the SSM agent service runs (systemctl status amazon-ssm-agent; on Windows Get-Service AmazonSSMAgent), and that it reaches the ssm, ssmmessages and ec2messages endpoints of its region (VPC endpoints, NAT or proxy).';

type Verdict = Omit<DoctorCheck, 'id' | 'title'>;

const pass = (summary: string, fix?: string): Verdict => ({ status: 'pass', summary, ...(fix ? { fix } : {}) });
const warn = (summary: string, fix: string): Verdict => ({ status: 'warn', summary, fix });
const fail = (summary: string, fix: string): Verdict => ({ status: 'fail', summary, fix });
const skip = (summary: string): Verdict => ({ status: 'skip', summary });

function label(f: DoctorFacts): string {
  return f.target.name ? `${f.target.name} (${f.target.instanceId})` : f.target.instanceId;
}

function where(f: DoctorFacts): string {
  return `account ${f.target.accountId} in ${f.target.region}`;
}

export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} seconds ago`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} minutes ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} hours ago`;
  return `${Math.round(h / 24)} days ago`;
}

/** "ssm:StartSession on arn:…": the exact action (and resource) a denial names, else the action of the call. */
export function deniedText(e: AwsFailure): string {
  const d = parseDenial(e.message);
  return `${d.action ?? e.action}${d.resource && d.resource !== '*' ? ` on ${d.resource}` : ''}`;
}

/** The denial a call got, if it was refused. */
const denied = (o: Outcome<unknown> | undefined): AwsFailure | undefined => (o && !o.ok && isAccessDenied(o.error.name) ? o.error : undefined);

function signIn(f: DoctorFacts): Verdict {
  const s = f.signIn;
  if (s.state !== 'signed-in') {
    const what = s.state === 'expired' ? `Your sign-in to ${s.label} expired` : s.state === 'signing-in' ? `The sign-in to ${s.label} is still waiting for approval` : `You are not signed in to ${s.label}`;
    return fail(`${what}.`, s.error?.hint ?? 'Sign in again (`bastionless login`, or Sign in on the Instances view).');
  }
  const c = f.credentials;
  if (!c) return skip('Role credentials were not asked for.');
  if (!c.ok) return fail(c.error.message, c.error.hint ?? 'Check the sign-in source (profile or permission set), sign in again, then run the doctor again.');
  const until = c.expiresAt ? `, valid for another ${Math.max(0, Math.round((c.expiresAt - f.now) / 60_000))} minutes` : '';
  return pass(`Signed in to ${s.label}; role ${f.target.roleName} in ${where(f)} has credentials${until}.`);
}

function permissions(f: DoctorFacts): Verdict {
  if (!f.credentials?.ok) return skip('Not checked: no credentials.');
  const refusedBy = (calls: Array<Outcome<unknown> | undefined>) => [...new Set(calls.flatMap((o) => { const e = denied(o); return e ? [deniedText(e)] : []; }))];
  const actions = (texts: string[]) => texts.map((t) => t.split(' on ')[0]).join(', ');
  // Without DescribeInstanceInformation the app cannot list the instance (nor the doctor judge it).
  const blocking = refusedBy([f.node]);
  const other = refusedBy([f.ec2, f.preferences, f.document]);
  if (blocking.length) {
    return fail(
      `Role ${f.target.roleName} in ${where(f)} may not call ${[...blocking, ...other].join(', ')}.`,
      `Add ${actions([...blocking, ...other])} to the permission set or policy of ${f.target.roleName}, or use a role that has ${blocking.length + other.length > 1 ? 'them' : 'it'}.`,
    );
  }
  // EC2 names and the documents help the diagnosis; StartSession works without them.
  if (other.length) return warn(`Role ${f.target.roleName} in ${where(f)} may not call ${other.join(', ')}, so some checks below are unknown.`, `Add ${actions(other)} to the permission set or policy of ${f.target.roleName} for a full diagnosis.`);
  const asked = ['ssm:DescribeInstanceInformation', ...(f.ec2 ? ['ec2:DescribeInstances'] : []), 'ssm:GetDocument'];
  return pass(`The read APIs answered (${asked.join(', ')}); ssm:StartSession itself shows only when a session starts.`);
}

function managed(f: DoctorFacts): Verdict {
  const n = f.node;
  if (!n) return skip('Not checked: no credentials.');
  if (!n.ok) return denied(n) ? skip('Unknown: DescribeInstanceInformation was refused (see Permissions).') : fail(`Systems Manager did not answer DescribeInstanceInformation: ${n.error.name}: ${n.error.message}`, 'Check the network or proxy, then run the doctor again.');
  if (n.value) return pass(`${label(f)} is a managed node${n.value.platformName ? ` (${n.value.platformName})` : ''}.`);
  const e = f.ec2;
  if (e?.ok && e.value === null) return fail(`No instance ${f.target.instanceId} exists in ${where(f)}.`, 'Check the instance id, account and region (it may have been terminated).');
  const state = e?.ok ? e.value?.state : undefined;
  if (state && state !== 'running' && state !== 'pending') return fail(`${label(f)} is ${state}, so Systems Manager does not list it.`, 'Start the instance, wait a minute for its agent to register, then connect again.');
  return fail(
    `${label(f)} is not a managed node: Systems Manager does not list it in ${where(f)}.`,
    `Give the instance an instance profile with AmazonSSMManagedInstanceCore (or turn on Default Host Management Configuration), and make sure the SSM agent is installed and running. ${NETWORK_FIX.replace(/^Check that the instance is running, that/, 'Check that')}`,
  );
}

function ping(f: DoctorFacts): Verdict {
  const n = f.node;
  if (!n?.ok || !n.value) return skip('Not checked: the node is not listed by Systems Manager.');
  const last = n.value.lastPingAt !== undefined ? `last ping ${ago(f.now - n.value.lastPingAt)}, at ${new Date(n.value.lastPingAt).toISOString().slice(0, 19).replace('T', ' ')} UTC` : 'no last ping reported';
  switch (n.value.pingStatus) {
    case 'Online':
      return pass(`The SSM agent is online (${last}).`);
    case 'ConnectionLost':
      return fail(`The SSM agent on ${label(f)} lost its connection to Systems Manager (${last}).`, NETWORK_FIX);
    case 'Inactive':
      return fail(`${label(f)} is Inactive in Systems Manager (${last}): its agent stopped reporting or it was deregistered.`, NETWORK_FIX);
    default:
      return warn(`Systems Manager reports ping status "${n.value.pingStatus}" (${last}).`, NETWORK_FIX);
  }
}

function agentVersion(f: DoctorFacts): Verdict {
  const n = f.node;
  if (!n?.ok || !n.value) return skip('Not checked: the node is not listed by Systems Manager.');
  const version = n.value.agentVersion;
  if (!version) return warn('Systems Manager reports no agent version for this node.', AGENT_FIX);
  const sessionType = f.document?.ok ? f.document.value.sessionType : undefined;
  const kmsRequired = Boolean(f.preferences?.ok && f.preferences.value.kmsKeyId);
  const reqs = requirementsFor(f.feature, sessionType, kmsRequired);
  for (const r of reqs) {
    const ok = meets(version, r);
    if (ok === undefined) return warn(`Agent version "${version}" cannot be compared with the versions features need.`, AGENT_FIX);
    if (!ok && r.blocking) return { ...fail(`SSM agent ${version} on ${label(f)} is too old: ${r.label} needs ${thresholdText(r)}.`, AGENT_FIX), source: r.source };
    if (!ok) return { ...warn(`SSM agent ${version} works, but without ${r.label}, which needs ${thresholdText(r)}.`, AGENT_FIX), source: r.source };
  }
  return pass(`SSM agent ${version} supports ${FEATURE_NAMES[f.feature]}${n.value.isLatestVersion === false ? ' (a newer agent exists)' : ''}.`);
}

const SHELL_TYPES = ['Standard_Stream', 'InteractiveCommands', 'NonInteractiveCommands'];

function document(f: DoctorFacts): Verdict {
  const platform = f.node?.ok && f.node.value ? f.node.value.platform : f.ec2?.ok && f.ec2.value ? (f.ec2.value.platform === 'Windows' ? 'Windows' : 'Linux') : undefined;
  if (f.feature === 'rdp' && (platform === 'Linux' || platform === 'MacOS')) {
    return fail(`${label(f)} runs ${platform}, which has no RDP server by default.`, 'Open a shell instead, or forward the port of your own remote-desktop server with --feature port.');
  }
  const d = f.document;
  if (!d) return skip('Not checked: no credentials.');
  if (!d.ok) {
    if (denied(d)) return skip('Unknown: GetDocument was refused (see Permissions).');
    if (d.error.name === 'InvalidDocument') return fail(`There is no session document ${f.documentName} in ${where(f)}.`, 'Pick a document that exists there (Session Manager documents are regional), or create it.');
    return warn(`GetDocument ${f.documentName} failed: ${d.error.name}: ${d.error.message}`, 'Check the network, then run the doctor again.');
  }
  const type = d.value.sessionType;
  const wantsPort = f.feature !== 'shell';
  if (type && wantsPort && type !== 'Port') return fail(`${f.documentName} is a ${type} document, but ${FEATURE_NAMES[f.feature]} needs a Port document.`, 'Use AWS-StartPortForwardingSession (or AWS-StartPortForwardingSessionToRemoteHost for a remote host), or a Port document of your own.');
  if (type && !wantsPort && !SHELL_TYPES.includes(type)) return fail(`${f.documentName} is a ${type} document, not a shell document.`, 'Use SSM-SessionManagerRunShell, AWS-StartInteractiveCommand, or a Standard_Stream document of your own.');
  const key = platform?.toLowerCase();
  if (key && d.value.platforms && !d.value.platforms.includes(key)) {
    return fail(`${f.documentName} has commands only for ${d.value.platforms.join(' and ') || 'no platform'}, so the agent on ${platform} ${label(f)} cannot run it.`, `Add "${key}" commands to the document, or pick another document for this instance.`);
  }
  if (f.feature === 'shell' && platform === 'Windows') return pass(`${f.documentName} runs on Windows: the shell is PowerShell, which does not report exit codes.`);
  return pass(`${f.documentName} (${type ?? 'unknown type'}) suits ${FEATURE_NAMES[f.feature]}${platform ? ` on ${platform}` : ''}.`);
}

function kms(f: DoctorFacts): Verdict {
  const p = f.preferences;
  if (!p) return skip('Not checked: no credentials.');
  if (!p.ok) return denied(p) ? skip('Unknown: the Session Manager preferences could not be read (see Permissions).') : warn(`The Session Manager preferences could not be read: ${p.error.name}: ${p.error.message}`, 'Run the doctor again.');
  const key = p.value.kmsKeyId;
  if (!key) return pass(`The Session Manager preferences of ${where(f)} do not require KMS encryption.`);
  const k = f.kms;
  if (!k || k.ok) return pass(`Sessions are encrypted with KMS key ${key}, and role ${f.target.roleName} may call kms:GenerateDataKey on it.`);
  if (isAccessDenied(k.error.name)) {
    return fail(
      `Sessions in ${where(f)} must be encrypted with KMS key ${key}, but role ${f.target.roleName} may not call ${deniedText(k.error)}.`,
      `Allow kms:GenerateDataKey on ${key} for ${f.target.roleName} (in its permission set and in the key policy).`,
    );
  }
  if (k.error.name === 'NotFoundException') return fail(`The KMS key ${key} that the Session Manager preferences require does not exist in ${where(f)}.`, 'Fix the KMS key in the Session Manager preferences (Systems Manager console → Session Manager → Preferences).');
  if (k.error.name === 'DisabledException' || k.error.name === 'KMSInvalidStateException') return fail(`The KMS key ${key} that sessions must use is disabled or pending deletion.`, 'Enable the key, or choose another in the Session Manager preferences.');
  return warn(`kms:GenerateDataKey on ${key} could not be checked: ${k.error.name}: ${k.error.message}`, 'Run the doctor again.');
}

function startSession(f: DoctorFacts): Verdict {
  const s = f.startSession;
  if (!s) return skip('Not tried: the doctor starts a session only when you ask it to connect.');
  if (s.ok) return pass(`StartSession with ${f.documentName} succeeded (the test session was ended at once).`);
  const e = s.error;
  if (e.name === 'TargetNotConnected') {
    const online = f.node?.ok && f.node.value?.pingStatus === 'Online';
    return fail(
      `StartSession answered TargetNotConnected: ${label(f)} is not connected to Session Manager.`,
      online
        ? `Its agent pings Systems Manager but has no session channel: make sure it reaches ssmmessages.${f.target.region}.amazonaws.com (VPC endpoint or proxy) and that its instance profile allows ssmmessages:*, then restart the agent.`
        : NETWORK_FIX,
    );
  }
  if (isAccessDenied(e.name)) {
    const text = deniedText(e);
    return fail(`StartSession was refused: role ${f.target.roleName} may not call ${text}.`, `Allow ${text} in the permission set or policy of ${f.target.roleName}, or use a role that has it.`);
  }
  if (e.name === 'InvalidDocument') return fail(`StartSession refused the document ${f.documentName}: ${e.message}`, 'Pick a session document that exists in this region and that you may use.');
  if (/Throttl/i.test(e.name)) return warn('StartSession was throttled.', 'Wait a few seconds and try again.');
  return fail(`StartSession failed: ${e.name}: ${e.message}`, 'Read the message above; the checks before this one passed.');
}

const CHECKS: Record<DoctorCheckId, (f: DoctorFacts) => Verdict> = {
  'sign-in': signIn,
  permissions,
  managed,
  ping,
  'agent-version': agentVersion,
  document,
  kms,
  'start-session': startSession,
};

export function evaluate(facts: DoctorFacts): DoctorReport {
  const checks: DoctorCheck[] = DOCTOR_CHECK_IDS.map((id) => ({ id, title: TITLES[id], ...CHECKS[id](facts) }));
  const first = checks.find((c) => c.status === 'fail');
  return {
    target: facts.target,
    feature: facts.feature,
    documentName: facts.documentName,
    ok: !first,
    ...(first ? { problem: { check: first.id, sentence: first.summary, fix: first.fix ?? '' } } : {}),
    checks,
    checkedAt: facts.now,
  };
}
