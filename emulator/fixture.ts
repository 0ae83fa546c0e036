import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The emulator's world: who can sign in, which accounts and roles exist, which regions each
 * account has enabled, and which managed instances live where and what their ports reach.
 * Every fixture, from a file or built by a test, is parsed with this schema first, so a mistake
 * is reported with its path instead of surfacing later as a strange API answer.
 */

const accountId = z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits, e.g. "111122223333"');
const regionName = z
  .string()
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'a region name looks like "eu-west-1"');
const hostPort = z
  .string()
  .regex(/^[^\s:]+:\d{1,5}$/, 'a TCP address is "host:port", e.g. "127.0.0.1:5432"');

export const RoleSchema = z.object({
  name: z.string().min(1).max(64),
  /**
   * IAM-style action patterns this role may call, e.g. "ssm:*", "ec2:Describe*".
   * Omitted: everything. A call outside the list gets AccessDeniedException.
   */
  allow: z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z*]+$/)).optional(),
});

export const AccountSchema = z.object({
  id: accountId,
  name: z.string().min(1),
  email: z.string().email().optional(),
  roles: z.array(RoleSchema).min(1, 'an account needs at least one role (permission set)'),
  regions: z.array(regionName).min(1, 'an account needs at least one enabled region'),
});

export const InstanceSchema = z.object({
  id: z
    .string()
    .regex(/^(i-[0-9a-f]{8,17}|mi-[0-9a-f]{17})$/, 'an instance id is "i-" + 8–17 hex digits, or "mi-" + 17 for on-prem nodes'),
  account: accountId,
  region: regionName,
  name: z.string().optional(),
  tags: z.record(z.string(), z.string()).default({}),
  platform: z.enum(['Linux', 'Windows', 'MacOS']).default('Linux'),
  platformName: z.string().optional(),
  platformVersion: z.string().optional(),
  state: z.enum(['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated']).default('running'),
  pingStatus: z.enum(['Online', 'ConnectionLost', 'Inactive']).default('Online'),
  agentVersion: z.string().regex(/^\d+\.\d+\.\d+\.\d+$/, 'agent versions have four numeric parts').default('3.3.1802.0'),
  privateIp: z.string().optional(),
  /** What the instance's own `localhost:<port>` reaches: port → "host:port" on this machine. */
  ports: z.record(z.string().regex(/^\d{1,5}$/), hostPort).default({}),
  /** Hosts reachable through the instance (RemoteHost documents): "name:port" → "host:port" here. */
  remoteHosts: z.record(hostPort, hostPort).default({}),
  /** Local program standing in for the instance's login shell. */
  shell: z.object({ command: z.string(), args: z.array(z.string()).default([]) }).optional(),
});

export const SessionPreferencesSchema = z.object({
  kmsKeyId: z.string().optional(),
  idleSessionTimeout: z.number().int().min(1).max(60).default(20),
  maxSessionDuration: z.number().int().min(1).max(1440).optional(),
  runAsEnabled: z.boolean().default(false),
  runAsDefaultUser: z.string().optional(),
  shellProfileLinux: z.string().optional(),
  /** Session logging as the console's Preferences page sets it ('' = off). */
  s3BucketName: z.string().default(''),
  s3KeyPrefix: z.string().default(''),
  cloudWatchLogGroupName: z.string().default(''),
});

const documentName = z.string().regex(/^[a-zA-Z0-9_\-.]{3,128}$/, 'a document name is 3–128 of a-z A-Z 0-9 _ - .');
const DocumentParameterSchema = z.object({ type: z.literal('String'), description: z.string().optional(), default: z.string().optional(), allowedPattern: z.string().optional() });
const CommandsPropertiesSchema = z
  .partialRecord(z.enum(['linux', 'windows', 'macos']), z.object({ commands: z.union([z.string(), z.array(z.string()).min(1)]), runAsElevated: z.boolean().optional() }))
  .refine((p) => Object.keys(p).length > 0, 'a commands document needs properties for at least one of linux, windows, macos');

/**
 * A Session document of the account's own (Documents → Create document → Session), as
 * GetDocument returns it. Session Manager documents are regional: give account and region, or
 * leave them out for every account-region. AWS reserves the prefixes AWS-, Amazon and amzn.
 */
export const SessionDocumentSchema = z.object({
  name: documentName.refine((n) => !/^(aws-|amazon|amzn)/i.test(n), 'names starting with AWS-, Amazon or amzn are reserved by AWS'),
  account: accountId.optional(),
  region: regionName.optional(),
  content: z.discriminatedUnion('sessionType', [
    z.object({ schemaVersion: z.string().default('1.0'), description: z.string().optional(), sessionType: z.literal('Standard_Stream'), inputs: z.record(z.string(), z.unknown()).default({}) }),
    z.object({
      schemaVersion: z.string().default('1.0'),
      description: z.string().optional(),
      sessionType: z.enum(['InteractiveCommands', 'NonInteractiveCommands']),
      parameters: z.record(z.string(), DocumentParameterSchema).default({}),
      properties: CommandsPropertiesSchema,
    }),
  ]),
});

/** Session statuses DescribeSessions reports; the last two are History, the others Active. */
export const ACTIVE_SESSION_STATUSES = ['Connected', 'Connecting', 'Disconnected', 'Terminating'] as const;
export const HISTORY_SESSION_STATUSES = ['Terminated', 'Failed'] as const;

/**
 * A session that exists before the emulator starts: yesterday's history, or someone else's session
 * that is still open elsewhere (Active, with no data channel here; TerminateSession ends it).
 */
export const SeededSessionSchema = z
  .object({
    /** As AWS names them: "<user>-<17 hex digits>". */
    id: z.string().regex(/^[A-Za-z0-9_.@=,+-]{1,96}$/, 'a session id is 1–96 of A-Z a-z 0-9 _ . @ = , + -, e.g. "alice@example.com-0123456789abcdef0"'),
    account: accountId,
    region: regionName,
    target: z.string().regex(/^(i-[0-9a-f]{8,17}|mi-[0-9a-f]{17})$/, 'a session target is an instance id such as "i-0123456789abcdef0"'),
    /** The assumed-role ARN, or the Identity Center role and user it is built from. */
    owner: z.union([
      z.string().regex(/^arn:aws[a-z-]*:(sts|iam)::\d{12}:/, 'an owner ARN looks like "arn:aws:sts::111122223333:assumed-role/Role/user"'),
      z.object({ role: z.string().min(1), username: z.string().min(1) }),
    ]),
    documentName: z.string().regex(/^[a-zA-Z0-9_\-.]{3,128}$/).default('SSM-SessionManagerRunShell'),
    status: z.enum([...ACTIVE_SESSION_STATUSES, ...HISTORY_SESSION_STATUSES]).default('Terminated'),
    startDate: z.iso.datetime({ offset: true, error: 'an ISO-8601 timestamp, e.g. "2026-12-06T09:30:00Z"' }),
    endDate: z.iso.datetime({ offset: true, error: 'an ISO-8601 timestamp, e.g. "2026-12-06T10:05:00Z"' }).optional(),
    reason: z.string().min(1).max(256).optional(),
  })
  .superRefine((s, issue) => {
    const over = (HISTORY_SESSION_STATUSES as readonly string[]).includes(s.status);
    if (over && s.endDate === undefined) issue.addIssue({ code: 'custom', path: ['endDate'], message: `a ${s.status} session needs an endDate` });
    if (!over && s.endDate !== undefined) issue.addIssue({ code: 'custom', path: ['endDate'], message: `a ${s.status} session is still active and has no endDate; drop it or set status "Terminated"` });
    if (s.endDate !== undefined && Date.parse(s.endDate) < Date.parse(s.startDate)) issue.addIssue({ code: 'custom', path: ['endDate'], message: 'endDate is before startDate' });
  });

export const FaultsSchema = z.object({
  /** Added to every API answer, per API name ("ListAccounts", "DescribeInstanceInformation", "*"). */
  latencyMs: z.record(z.string(), z.number().int().min(0)).default({}),
  /** Every Nth call of an API answers ThrottlingException (API name or "*"). */
  throttleEvery: z.record(z.string(), z.number().int().min(2)).default({}),
  /** AccessDenied for everything in these accounts, or only these account/region pairs. */
  accessDenied: z.array(z.object({ account: accountId, region: regionName.optional() })).default([]),
  ssoTokenTtlSeconds: z.number().int().min(1).optional(),
  roleCredentialsTtlSeconds: z.number().int().min(1).optional(),
  /** Drop data-channel sockets after this many bytes or seconds (each connection counts anew). */
  dropSocketAfterBytes: z.number().int().min(1).optional(),
  dropSocketAfterSeconds: z.number().min(0.1).optional(),
  /** The service's ~60-minute socket recycle, compressed; ResumeSession is refused afterwards. */
  recycleAfterSeconds: z.number().min(0.1).optional(),
  /**
   * The Session Manager preferences' timeouts, compressed: idleSessionTimeout and
   * maxSessionDuration (minutes in the preferences) are enforced after this many seconds instead.
   * Sessions started afterwards use the value.
   */
  idleSessionTimeoutSeconds: z.number().min(0.1).optional(),
  maxSessionDurationSeconds: z.number().min(0.1).optional(),
  /**
   * The agent's largest output message (bytes) for sessions started afterwards, instead of the
   * pace's (1 KiB faithful, 64 KiB unpaced): the bench's same-size download baseline.
   */
  agentReadBytes: z.number().int().min(1).max(1024 * 1024).optional(),
  /** Fraction (0–1) of data-channel frames reordered, duplicated or delayed in each direction. */
  reorderRate: z.number().min(0).max(1).default(0),
  duplicateRate: z.number().min(0).max(1).default(0),
  delayRate: z.number().min(0).max(1).default(0),
  delayMs: z.number().int().min(0).default(50),
  /** Instances whose agent is offline (TargetNotConnected on StartSession). */
  offlineInstances: z.array(z.string()).default([]),
});

export const FixtureSchema = z.object({
  sso: z.object({
    startUrl: z.string().url(),
    region: regionName,
    users: z
      .array(z.object({ username: z.string(), displayName: z.string().optional() }))
      .default([{ username: 'demo', displayName: 'Demo User' }]),
  }),
  accounts: z.array(AccountSchema).min(1),
  instances: z.array(InstanceSchema).default([]),
  /** Session preferences (SSM-SessionManagerRunShell), per "account/region" or "*". */
  sessionPreferences: z.record(z.string(), SessionPreferencesSchema).default({}),
  /** Sessions DescribeSessions knows from before the emulator started (history, other users' sessions). */
  sessions: z.array(SeededSessionSchema).default([]),
  /** Session documents of the accounts' own, next to the AWS-managed ones GetDocument always knows. */
  documents: z.array(SessionDocumentSchema).default([]),
  faults: FaultsSchema.default(FaultsSchema.parse({})),
});

export type Fixture = z.infer<typeof FixtureSchema>;
export type FixtureInput = z.input<typeof FixtureSchema>;
export type FixtureAccount = z.infer<typeof AccountSchema>;
export type FixtureInstance = z.infer<typeof InstanceSchema>;
export type FixtureFaults = z.infer<typeof FaultsSchema>;
export type SessionPreferences = z.infer<typeof SessionPreferencesSchema>;
export type SeededSession = z.infer<typeof SeededSessionSchema>;
export type SessionDocument = z.infer<typeof SessionDocumentSchema>;

export class FixtureError extends Error {
  override name = 'FixtureError';
}

/** Parses a fixture and checks the cross-references zod cannot see on its own. */
export function parseFixture(input: unknown, source = 'fixture'): Fixture {
  const result = FixtureSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new FixtureError(`${source} is not a valid emulator fixture:\n${lines.join('\n')}`);
  }
  const fixture = result.data;
  const problems: string[] = [];
  const accounts = new Map(fixture.accounts.map((a) => [a.id, a]));
  const seenIds = new Set<string>();
  fixture.instances.forEach((inst, i) => {
    const account = accounts.get(inst.account);
    if (!account) problems.push(`  instances.${i} (${inst.id}): account ${inst.account} is not in accounts`);
    else if (!account.regions.includes(inst.region))
      problems.push(`  instances.${i} (${inst.id}): region ${inst.region} is not enabled for account ${inst.account}`);
    if (seenIds.has(inst.id)) problems.push(`  instances.${i}: duplicate instance id ${inst.id}`);
    seenIds.add(inst.id);
  });
  const seenSessions = new Set<string>();
  fixture.sessions.forEach((s, i) => {
    const account = accounts.get(s.account);
    if (!account) problems.push(`  sessions.${i} (${s.id}): account ${s.account} is not in accounts`);
    else if (!account.regions.includes(s.region)) problems.push(`  sessions.${i} (${s.id}): region ${s.region} is not enabled for account ${s.account}`);
    if (seenSessions.has(s.id)) problems.push(`  sessions.${i}: duplicate session id ${s.id}`);
    seenSessions.add(s.id);
  });
  const seenDocuments = new Set<string>();
  fixture.documents.forEach((d, i) => {
    const account = d.account === undefined ? undefined : accounts.get(d.account);
    if (d.account !== undefined && !account) problems.push(`  documents.${i} (${d.name}): account ${d.account} is not in accounts`);
    else if (account && d.region !== undefined && !account.regions.includes(d.region)) problems.push(`  documents.${i} (${d.name}): region ${d.region} is not enabled for account ${d.account}`);
    const where = `${d.name}@${d.account ?? '*'}/${d.region ?? '*'}`;
    if (seenDocuments.has(where)) problems.push(`  documents.${i}: duplicate document ${d.name} for the same account and region`);
    seenDocuments.add(where);
  });
  if (problems.length) throw new FixtureError(`${source} has inconsistent references:\n${problems.join('\n')}`);
  return fixture;
}

export function loadFixtureFile(path: string): Fixture {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FixtureError(`cannot read fixture ${path}: ${(err as Error).message}. Pass --fixture with an existing JSON file, e.g. emulator/fixtures/demo.json`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new FixtureError(`fixture ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseFixture(json, path);
}
