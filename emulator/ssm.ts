import { z } from 'zod';
import type { Caller } from './auth';
import type { EmulatorContext } from './context';
import { customDocumentFor, getSessionDocument, sessionPreferencesFor } from './documents';
import { EmulatorApiError } from './errors';
import type { FixtureInstance } from './fixture';
import { parseInput as parse } from './http';
import { paginate } from './paging';
import type { JsonService } from './server';
import type { SessionHub, SessionSummary } from './sessions/hub';

/** SSM (AWS JSON 1.1): instance discovery, session lifecycle, and the Session Manager documents. */

const LATEST_AGENT_VERSION = '3.3.1802.0';
const DEFAULT_DOCUMENT = 'SSM-SessionManagerRunShell';
const INSTANCE_ID = /^(i-[0-9a-f]{8,17}|mi-[0-9a-f]{17})$/;


const InstanceInfoInput = z.object({
  InstanceInformationFilterList: z.array(z.object({ key: z.string(), valueSet: z.array(z.string()).min(1).max(100) })).optional(),
  Filters: z.array(z.object({ Key: z.string().min(1).max(200), Values: z.array(z.string()).min(1).max(100) })).optional(),
  MaxResults: z.number().int().min(5, 'Member must have value greater than or equal to 5').max(50, 'Member must have value less than or equal to 50').optional(),
  NextToken: z.string().optional(),
});

const StartSessionInput = z.object({
  Target: z.string().min(1).max(400),
  DocumentName: z.string().regex(/^[a-zA-Z0-9_\-.:/]{3,128}$/).optional(),
  Reason: z.string().min(1).max(256).optional(),
  Parameters: z.record(z.string(), z.array(z.string())).optional(),
});

const SessionIdInput = z.object({ SessionId: z.string().min(1).max(96) });

const SESSION_FILTER_KEYS = ['InvokedAfter', 'InvokedBefore', 'Target', 'Owner', 'Status', 'SessionId', 'AccessType'] as const;
const SESSION_STATUSES = ['Connected', 'Connecting', 'Disconnected', 'Terminated', 'Terminating', 'Failed'];

/** Request validation as the SSM front end words it (ValidationException); values are checked below. */
const DescribeSessionsInput = z.object({
  State: z.enum(['Active', 'History'], { error: (i) => (i.input === undefined ? 'Member must not be null' : 'Member must satisfy enum value set: [Active, History]') }),
  MaxResults: z.number().int().min(1, 'Member must have value greater than or equal to 1').max(200, 'Member must have value less than or equal to 200').optional(),
  NextToken: z.string().optional(),
  Filters: z
    .array(
      z.object({
        key: z.enum(SESSION_FILTER_KEYS, { error: `Member must satisfy enum value set: [${SESSION_FILTER_KEYS.join(', ')}]` }),
        value: z.string().min(1, 'Member must have length greater than or equal to 1').max(400, 'Member must have length less than or equal to 400'),
      }),
    )
    .min(1, 'Member must have length greater than or equal to 1')
    .max(6, 'Member must have length less than or equal to 6')
    .optional(),
});

type SessionFilter = NonNullable<z.infer<typeof DescribeSessionsInput>['Filters']>[number];

/**
 * Filter values the key cannot use. DescribeSessions models InvalidFilterKey as its only filter
 * error, so a value that is not a timestamp / status / access type, or a key given twice, gets it.
 */
function checkSessionFilters(filters: readonly SessionFilter[]): void {
  const seen = new Set<string>();
  for (const f of filters) {
    if (seen.has(f.key)) throw new EmulatorApiError('InvalidFilterKey', `The filter key ${f.key} is given more than once; pass each key at most once.`);
    seen.add(f.key);
    if ((f.key === 'InvokedAfter' || f.key === 'InvokedBefore') && Number.isNaN(Date.parse(f.value)))
      throw new EmulatorApiError('InvalidFilterKey', `The value ${f.value} of filter ${f.key} is not a timestamp; use ISO-8601, e.g. 2024-08-29T00:00:00Z.`);
    if (f.key === 'Status' && !SESSION_STATUSES.includes(f.value))
      throw new EmulatorApiError('InvalidFilterKey', `The value ${f.value} of filter Status is not a session status; use one of ${SESSION_STATUSES.join(', ')}.`);
    if (f.key === 'AccessType' && f.value !== 'Standard' && f.value !== 'JustInTime')
      throw new EmulatorApiError('InvalidFilterKey', `The value ${f.value} of filter AccessType is not valid; use Standard or JustInTime.`);
  }
}

const GetDocumentInput = z.object({
  Name: z.string().min(1),
  VersionName: z.string().optional(),
  DocumentVersion: z.string().optional(),
  DocumentFormat: z.enum(['YAML', 'JSON', 'TEXT']).optional(),
});

type InfoFilter = { key: string; values: string[] };

function tagsOf(inst: FixtureInstance): Record<string, string> {
  return inst.name === undefined ? inst.tags : { Name: inst.name, ...inst.tags };
}

function matchesFilter(inst: FixtureInstance, pingStatus: string, f: InfoFilter): boolean {
  const tags = tagsOf(inst);
  if (f.key.startsWith('tag:')) {
    const value = tags[f.key.slice(4)];
    return value !== undefined && f.values.includes(value);
  }
  switch (f.key) {
    case 'tag-key':
      return f.values.some((k) => k in tags);
    case 'InstanceIds':
      return f.values.includes(inst.id);
    case 'PingStatus':
      return f.values.includes(pingStatus);
    case 'PlatformTypes':
      return f.values.includes(inst.platform);
    case 'AgentVersion':
      return f.values.includes(inst.agentVersion);
    case 'ResourceType':
      return f.values.includes(inst.id.startsWith('mi-') ? 'ManagedInstance' : 'EC2Instance');
    case 'IamRole':
      return f.values.includes(`SSMInstanceProfile`);
    case 'AssociationStatus':
      return f.values.includes('Success');
    case 'ActivationIds':
    case 'SourceIds':
      return false;
    case 'SourceTypes':
      return f.values.includes(inst.id.startsWith('mi-') ? 'AWS::SSM::ManagedInstance' : 'AWS::EC2::Instance');
    default:
      throw new EmulatorApiError('InvalidFilterKey', `The filter key ${f.key} is not valid.`);
  }
}

const LEGACY_KEYS = ['InstanceIds', 'AgentVersion', 'PingStatus', 'PlatformTypes', 'ActivationIds', 'IamRole', 'ResourceType', 'AssociationStatus'];

function infoFilters(req: z.infer<typeof InstanceInfoInput>): InfoFilter[] {
  if (req.InstanceInformationFilterList && req.Filters)
    throw new EmulatorApiError('InvalidInstanceInformationFilterValue', 'Use either Filters or InstanceInformationFilterList, not both.');
  const legacy = (req.InstanceInformationFilterList ?? []).map((f) => {
    if (!LEGACY_KEYS.includes(f.key)) throw new EmulatorApiError('InvalidInstanceInformationFilterValue', `${f.key} is not a valid InstanceInformationFilterList key.`);
    return { key: f.key, values: f.valueSet };
  });
  const filters = [...legacy, ...(req.Filters ?? []).map((f) => ({ key: f.Key, values: f.Values }))];
  const tagFilters = filters.filter((f) => f.key.startsWith('tag:') || f.key === 'tag-key');
  if (tagFilters.length && tagFilters.length !== filters.length)
    throw new EmulatorApiError('InvalidFilterKey', 'Tag filters (tag:<key>, tag-key) cannot be combined with other filter keys.');
  for (const f of filters) {
    if (f.key === 'InstanceIds') {
      const bad = f.values.find((v) => !INSTANCE_ID.test(v));
      if (bad) throw new EmulatorApiError('InvalidInstanceId', `Instance id ${bad} is not valid; instance ids look like i-0123456789abcdef0.`);
    }
  }
  return filters;
}

function ec2InstanceArn(caller: Caller, target: string): string {
  return `arn:aws:ec2:${caller.region}:${caller.account}:instance/${target}`;
}

/** The ping status DescribeInstanceInformation shows, after the "agent goes offline" fault. */
export function effectivePingStatus(inst: FixtureInstance, offline: readonly string[]): FixtureInstance['pingStatus'] {
  return offline.includes(inst.id) ? 'ConnectionLost' : inst.pingStatus;
}

export function createSsmService(ctx: EmulatorContext, hub: () => SessionHub): JsonService {
  /** The registration time each instance reports; fixed per run so pages agree with each other. */
  const registered = ctx.now() / 1000 - 30 * 24 * 3600;

  function visibleInstances(caller: Caller): FixtureInstance[] {
    // Stopped and terminated nodes drop out of Systems Manager's inventory view.
    return ctx.instancesIn(caller.account, caller.region).filter((i) => !['stopped', 'terminated', 'shutting-down'].includes(i.state));
  }

  function resolveTarget(caller: Caller, target: string): FixtureInstance {
    const fixture = ctx.fixture();
    const inst = fixture.instances.find((i) => i.id === target);
    const notConnected = (hint: string) => new EmulatorApiError('TargetNotConnected', `${target} is not connected. (${hint})`);
    if (!inst) {
      const known = ctx.instancesIn(caller.account, caller.region).slice(0, 5).map((i) => i.id);
      throw notConnected(
        `emulator: no instance ${target} in the fixture; account ${caller.account} in ${caller.region} has ${known.length ? known.join(', ') + (known.length === 5 ? ', ...' : '') : 'no instances'}. Add it to the fixture's instances or use DescribeInstanceInformation.`,
      );
    }
    if (inst.account !== caller.account || inst.region !== caller.region)
      throw notConnected(`emulator: ${target} lives in account ${inst.account} region ${inst.region}, but the request was signed for account ${caller.account} region ${caller.region}.`);
    if (inst.state !== 'running') throw notConnected(`emulator: the instance is ${inst.state}; start it in the fixture.`);
    const ping = effectivePingStatus(inst, fixture.faults.offlineInstances);
    if (ping !== 'Online') throw notConnected(`emulator: its agent is ${ping}; bring it back with POST /_emulator/instances/${target}/online or remove it from faults.offlineInstances.`);
    return inst;
  }

  function sessionMatches(s: SessionSummary, f: SessionFilter): boolean {
    switch (f.key) {
      case 'InvokedAfter':
        return s.StartDate.getTime() >= Date.parse(f.value);
      case 'InvokedBefore':
        return s.StartDate.getTime() < Date.parse(f.value);
      case 'Target':
        return s.Target === f.value;
      case 'Owner':
        return s.Owner === f.value;
      case 'Status':
        return s.Status === f.value;
      case 'SessionId':
        return s.SessionId === f.value;
      case 'AccessType':
        // The emulator has no just-in-time node access: every session is Standard.
        return f.value === 'Standard';
    }
  }

  return {
    family: 'ssm',
    targetPrefix: 'AmazonSSM',
    operations: {
      DescribeInstanceInformation: {
        run: (input, caller) => {
          const req = parse(InstanceInfoInput, input);
          const filters = infoFilters(req);
          const offline = ctx.fixture().faults.offlineInstances;
          const matching = visibleInstances(caller).filter((inst) => filters.every((f) => matchesFilter(inst, effectivePingStatus(inst, offline), f)));
          const page = paginate(matching, {
            nextToken: req.NextToken,
            pageSize: req.MaxResults ?? 10,
            query: [caller.account, caller.region, filters],
            invalidTokenCode: 'InvalidNextToken',
          });
          const now = ctx.now() / 1000;
          return {
            InstanceInformationList: page.items.map((inst) => {
              const ping = effectivePingStatus(inst, offline);
              const managed = inst.id.startsWith('mi-');
              const ip = inst.privateIp ?? `10.0.${parseInt(inst.id.slice(-4, -2), 16) % 256}.${parseInt(inst.id.slice(-2), 16) % 254 + 1}`;
              return {
                InstanceId: inst.id,
                PingStatus: ping,
                LastPingDateTime: ping === 'Online' ? now - 60 : now - 3600,
                AgentVersion: inst.agentVersion,
                IsLatestVersion: inst.agentVersion === LATEST_AGENT_VERSION,
                PlatformType: inst.platform,
                PlatformName: inst.platformName ?? (inst.platform === 'Windows' ? 'Microsoft Windows Server 2022 Datacenter' : inst.platform === 'MacOS' ? 'macOS' : 'Amazon Linux'),
                PlatformVersion: inst.platformVersion ?? (inst.platform === 'Windows' ? '10.0.20348' : inst.platform === 'MacOS' ? '14.6' : '2023'),
                IamRole: managed ? 'SSMServiceRole' : undefined,
                RegistrationDate: managed ? registered : undefined,
                ResourceType: managed ? 'ManagedInstance' : 'EC2Instance',
                // Only hybrid nodes report a Name here; EC2 Name tags come from DescribeInstances.
                Name: managed ? inst.name : undefined,
                IPAddress: ip,
                ComputerName: `ip-${ip.replace(/\./g, '-')}.${inst.region}.compute.internal`,
                AssociationStatus: 'Success',
                SourceId: inst.id,
                SourceType: managed ? 'AWS::SSM::ManagedInstance' : 'AWS::EC2::Instance',
              };
            }),
            ...(page.nextToken ? { NextToken: page.nextToken } : {}),
          };
        },
      },
      StartSession: {
        resource: (input, caller) => ec2InstanceArn(caller, String((input as { Target?: unknown } | null)?.Target ?? '*')),
        run: (input, caller) => {
          const req = parse(StartSessionInput, input);
          const instance = resolveTarget(caller, req.Target);
          return hub().start({
            account: caller.account,
            region: caller.region,
            instance,
            documentName: req.DocumentName ?? DEFAULT_DOCUMENT,
            parameters: req.Parameters ?? {},
            ...(req.Reason !== undefined ? { reason: req.Reason } : {}),
            owner: caller.arn,
          });
        },
      },
      ResumeSession: {
        run: (input, caller) => hub().resume(parse(SessionIdInput, input).SessionId, caller.account, caller.region),
      },
      TerminateSession: {
        resource: (input, caller) => `arn:aws:ssm:${caller.region}:${caller.account}:session/${String((input as { SessionId?: unknown } | null)?.SessionId ?? '*')}`,
        run: (input, caller) => {
          const { SessionId } = parse(SessionIdInput, input);
          hub().terminate(SessionId, caller.account, caller.region);
          return { SessionId };
        },
      },
      DescribeSessions: {
        run: (input, caller) => {
          const req = parse(DescribeSessionsInput, input);
          const filters = req.Filters ?? [];
          checkSessionFilters(filters);
          const maxDuration = sessionPreferencesFor(ctx.fixture(), caller.account, caller.region).maxSessionDuration;
          const sessions = hub()
            .describe(caller.account, caller.region, req.State)
            .filter((s) => filters.every((f) => sessionMatches(s, f)));
          const page = paginate(sessions, { nextToken: req.NextToken, pageSize: req.MaxResults ?? 20, query: [caller.account, caller.region, req.State, filters], invalidTokenCode: 'InvalidNextToken' });
          return {
            Sessions: page.items.map((s) => ({
              ...s,
              StartDate: s.StartDate.getTime() / 1000,
              ...(s.EndDate ? { EndDate: s.EndDate.getTime() / 1000 } : {}),
              AccessType: 'Standard',
              ...(maxDuration !== undefined ? { MaxSessionDuration: String(maxDuration) } : {}),
            })),
            ...(page.nextToken ? { NextToken: page.nextToken } : {}),
          };
        },
      },
      GetDocument: {
        resource: (input, caller) => `arn:aws:ssm:${caller.region}::document/${String((input as { Name?: unknown } | null)?.Name ?? '*')}`,
        run: (input, caller) => {
          const req = parse(GetDocumentInput, input);
          if (req.DocumentFormat && req.DocumentFormat !== 'JSON')
            throw new EmulatorApiError('InvalidDocumentOperation', `The emulator serves session documents as JSON only; omit DocumentFormat or pass JSON (got ${req.DocumentFormat}).`);
          const fixture = ctx.fixture();
          return getSessionDocument(req.Name, sessionPreferencesFor(fixture, caller.account, caller.region), req.DocumentVersion, customDocumentFor(fixture, req.Name, caller.account, caller.region));
        },
      },
    },
  };
}
