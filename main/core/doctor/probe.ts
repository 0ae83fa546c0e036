import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeInstanceInformationCommand, GetDocumentCommand, SSMClient, type GetDocumentCommandOutput } from '@aws-sdk/client-ssm';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { DoctorFeature } from '../../../preload/contract/doctor';
import type { SourceInfo } from '../../../preload/contract/auth';
import { errorMessage, errorName } from '../aws/aws-errors';
import { PREFERENCES_DOCUMENT } from '../aws/session-preferences';
import type { SessionService } from '../aws/sessions';
import type { CredentialsForTarget, SessionTarget } from '../aws/target';
import { AppError } from '../errors';
import { DATA_KEY_BYTES, kmsClientConfig } from '../ssm/encryption';
import type { AwsFailure, DocumentInfo, DoctorFacts, Ec2Info, NodeInfo, Outcome } from './facts';

/**
 * Gathers the doctor's facts with read-only calls, as the target's own role: the sign-in, role
 * credentials, DescribeInstanceInformation, EC2 DescribeInstances, the Session Manager
 * preferences and the requested document (GetDocument), and kms:GenerateDataKey with DryRun.
 * A session is started only when the caller says the user asked for one (`connect`).
 */

/** The document each feature starts its sessions with, unless another is asked for. */
export const FEATURE_DOCUMENTS: Readonly<Record<DoctorFeature, string>> = {
  shell: PREFERENCES_DOCUMENT,
  port: 'AWS-StartPortForwardingSession',
  rdp: 'AWS-StartPortForwardingSession',
  'remote-port': 'AWS-StartPortForwardingSessionToRemoteHost',
};

export interface DoctorDeps {
  auth: { init(): Promise<void>; sources(): SourceInfo[] };
  credentials: CredentialsForTarget;
  /** Needed only to connect (DoctorRequest.connect). */
  sessions?: SessionService;
  /** Extra SDK client settings (tests pass an explicit endpoint). */
  clientConfig?: { endpoint?: string };
  now?: () => number;
}

export interface DoctorRequest {
  target: SessionTarget;
  feature: DoctorFeature;
  /** Default: FEATURE_DOCUMENTS[feature]. */
  documentName?: string;
  /** The user asked to connect: start a session with the document (then end it at once) to hear StartSession's own answer. */
  connect?: { parameters?: Record<string, string[]> };
  /** The error of the user's own failed attempt, translated as StartSession's answer. Default: the session service's last failure on this target. */
  startError?: unknown;
}

const PLATFORM_KEYS = ['linux', 'windows', 'macos'];

/** The AWS error behind an error, looking through the AppError the session service wraps it in. */
export function awsFailure(err: unknown, action: string): AwsFailure {
  const inner = err instanceof AppError && err.cause instanceof Error ? err.cause : err;
  return { name: errorName(inner) || 'Error', message: errorMessage(inner), action };
}

async function outcome<T>(action: string, call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (err) {
    return { ok: false, error: awsFailure(err, action) };
  }
}

function parseDocument(content: string | undefined): DocumentInfo {
  let doc: unknown;
  try {
    doc = JSON.parse(content ?? '');
  } catch {
    return {};
  }
  const d = (doc ?? {}) as { sessionType?: unknown; properties?: unknown; inputs?: unknown };
  const sessionType = typeof d.sessionType === 'string' ? d.sessionType : undefined;
  const commands = sessionType === 'InteractiveCommands' || sessionType === 'NonInteractiveCommands';
  const props = d.properties && typeof d.properties === 'object' ? Object.keys(d.properties) : [];
  return { ...(sessionType ? { sessionType } : {}), ...(commands ? { platforms: props.filter((k) => PLATFORM_KEYS.includes(k)) } : {}) };
}

function kmsKeyOf(content: string | undefined): string | undefined {
  try {
    const inputs = (JSON.parse(content ?? '') as { inputs?: { kmsKeyId?: unknown } }).inputs;
    return typeof inputs?.kmsKeyId === 'string' && inputs.kmsKeyId.trim() ? inputs.kmsKeyId.trim() : undefined;
  } catch {
    return undefined;
  }
}

function signInFact(target: SessionTarget, sources: SourceInfo[]): DoctorFacts['signIn'] {
  const source = sources.find((s) => s.id === target.sourceId);
  if (!source) return { kind: 'sso', label: target.sourceId, state: 'signed-out', error: { code: 'unknown-source', message: `No sign-in source called "${target.sourceId}".` } };
  return { kind: source.kind, label: source.label, state: source.state, ...(source.error ? { error: source.error } : {}) };
}

export async function gatherFacts(deps: DoctorDeps, req: DoctorRequest): Promise<DoctorFacts> {
  const now = deps.now?.() ?? Date.now();
  const { target } = req;
  await deps.auth.init();
  const facts: DoctorFacts = {
    target: { instanceId: target.instanceId, ...(target.name ? { name: target.name } : {}), sourceId: target.sourceId, accountId: target.accountId, roleName: target.roleName, region: target.region },
    feature: req.feature,
    documentName: req.documentName ?? FEATURE_DOCUMENTS[req.feature],
    now,
    signIn: signInFact(target, deps.auth.sources()),
  };
  if (facts.signIn.state !== 'signed-in') return facts;

  const provider: AwsCredentialIdentityProvider = deps.credentials(target);
  try {
    const creds = await provider();
    facts.credentials = { ok: true, ...(creds.expiration ? { expiresAt: creds.expiration.getTime() } : {}) };
  } catch (err) {
    facts.credentials = {
      ok: false,
      error: err instanceof AppError ? { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) } : { code: 'credentials-unavailable', message: errorMessage(err) },
    };
    return facts;
  }

  // One attempt each: a diagnosis should report what AWS answers now, not retry through it.
  const config = { region: target.region, credentials: provider, maxAttempts: 1, ...deps.clientConfig };
  const ssm = new SSMClient(config);
  const ec2 = new EC2Client(config);
  const kms = new KMSClient(kmsClientConfig(config));
  try {
    // The shell feature's document is the preferences document itself: ask once.
    const documents = new Map<string, Promise<GetDocumentCommandOutput>>();
    const getDocument = (name: string) => {
      let answer = documents.get(name);
      if (!answer) documents.set(name, (answer = ssm.send(new GetDocumentCommand({ Name: name, DocumentFormat: 'JSON' }))));
      return answer;
    };
    const [node, ec2Info, preferences, document] = await Promise.all([
      outcome<NodeInfo | null>('ssm:DescribeInstanceInformation', async () => {
        const out = await ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [target.instanceId] }], MaxResults: 5 }));
        const info = out.InstanceInformationList?.find((i) => i.InstanceId === target.instanceId);
        if (!info) return null;
        const p = info.PlatformType;
        return {
          pingStatus: info.PingStatus ?? 'Unknown',
          ...(info.LastPingDateTime ? { lastPingAt: info.LastPingDateTime.getTime() } : {}),
          ...(info.AgentVersion ? { agentVersion: info.AgentVersion } : {}),
          ...(info.IsLatestVersion !== undefined ? { isLatestVersion: info.IsLatestVersion } : {}),
          platform: p === 'Linux' || p === 'Windows' || p === 'MacOS' ? p : 'Unknown',
          ...(info.PlatformName ? { platformName: info.PlatformName } : {}),
        };
      }),
      target.instanceId.startsWith('i-')
        ? outcome<Ec2Info | null>('ec2:DescribeInstances', async () => {
            try {
              const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [target.instanceId] }));
              const inst = out.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === target.instanceId);
              return inst ? { ...(inst.State?.Name ? { state: inst.State.Name } : {}), platform: inst.Platform?.toLowerCase() === 'windows' ? 'Windows' : 'Linux/UNIX' } : null;
            } catch (err) {
              if (errorName(err) === 'InvalidInstanceID.NotFound') return null;
              throw err;
            }
          })
        : Promise.resolve(undefined),
      outcome('ssm:GetDocument', async () => {
        try {
          const kmsKeyId = kmsKeyOf((await getDocument(PREFERENCES_DOCUMENT)).Content);
          return kmsKeyId ? { kmsKeyId } : {};
        } catch (err) {
          // An account that never saved its preferences has no such document: no KMS requirement.
          if (errorName(err) === 'InvalidDocument') return {};
          throw err;
        }
      }),
      outcome('ssm:GetDocument', async () => {
        try {
          return parseDocument((await getDocument(facts.documentName)).Content);
        } catch (err) {
          // StartSession without a document uses the service's own Standard_Stream default when
          // the account never saved preferences (no SSM-SessionManagerRunShell of its own).
          if (facts.documentName === PREFERENCES_DOCUMENT && errorName(err) === 'InvalidDocument') return { sessionType: 'Standard_Stream' };
          throw err;
        }
      }),
    ]);
    facts.node = node;
    if (ec2Info) facts.ec2 = ec2Info;
    facts.preferences = preferences;
    facts.document = document;

    const keyId = preferences.ok ? preferences.value.kmsKeyId : undefined;
    if (keyId) {
      facts.kms = await outcome('kms:GenerateDataKey', async () => {
        try {
          // DryRun asks KMS whether the call would be allowed, without making a key.
          await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: DATA_KEY_BYTES, DryRun: true }));
        } catch (err) {
          if (errorName(err) !== 'DryRunOperationException') throw err;
        }
        return 'allowed' as const;
      });
    }
  } finally {
    ssm.destroy();
    ec2.destroy();
    kms.destroy();
  }

  // Asked to connect: try now. Otherwise the user's own failed attempt (given, or the last one
  // this process made on the target) is StartSession's answer; no session is opened unasked.
  if (req.startError === undefined && req.connect && deps.sessions) {
    try {
      // The shell's default goes unnamed, as the app starts it (the account may have no such document).
      const started = await deps.sessions.start(target, { ...(facts.documentName === PREFERENCES_DOCUMENT ? {} : { documentName: facts.documentName }), ...(req.connect.parameters ? { parameters: req.connect.parameters } : {}), reason: 'bastionless doctor' });
      await deps.sessions.terminate(target, started.sessionId).catch(() => undefined);
      facts.startSession = { ok: true };
    } catch (err) {
      facts.startSession = { ok: false, error: awsFailure(err, 'ssm:StartSession') };
    }
  } else {
    const startError = req.startError ?? deps.sessions?.lastStartFailure(target);
    if (startError !== undefined) facts.startSession = { ok: false, error: awsFailure(startError, 'ssm:StartSession') };
  }
  return facts;
}
