import { createHash, randomUUID } from 'node:crypto';
import type { Caller } from './auth';
import type { EmulatorContext } from './context';
import { EmulatorApiError } from './errors';
import type { FixtureInstance } from './fixture';
import { xmlEscape } from './http';
import { paginate } from './paging';
import { ALL_REGIONS, isOptInRegion } from './regions';
import type { QueryService } from './server';

/**
 * EC2 in its query protocol: form-encoded requests (Filter.1.Name, Filter.1.Value.1, InstanceId.1)
 * and XML answers in the EC2 namespace with <item> lists, as the SDK's ec2Query deserialiser reads.
 */

const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const STATE_CODES: Record<FixtureInstance['state'], number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };

/** A form list "Prefix.1", "Prefix.2", ... in index order. */
function formList(form: URLSearchParams, prefix: string): string[] {
  const out: [number, string][] = [];
  for (const [k, v] of form) {
    const m = new RegExp(`^${prefix.replace('.', '\\.')}\\.(\\d+)$`).exec(k);
    if (m) out.push([Number(m[1]), v]);
  }
  return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

interface Filter {
  name: string;
  values: string[];
}

function formFilters(form: URLSearchParams): Filter[] {
  const filters: Filter[] = [];
  for (let i = 1; form.has(`Filter.${i}.Name`); i++) filters.push({ name: form.get(`Filter.${i}.Name`)!, values: formList(form, `Filter.${i}.Value`) });
  return filters;
}

/** EC2 filter values allow * and ? wildcards. */
function wildcardMatch(pattern: string, value: string): boolean {
  const re = new RegExp('^' + pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('') + '$');
  return re.test(value);
}

function anyMatch(values: string[], actual: string | undefined): boolean {
  return actual !== undefined && values.some((v) => wildcardMatch(v, actual));
}

function tagsOf(inst: FixtureInstance): Record<string, string> {
  return inst.name === undefined ? inst.tags : { Name: inst.name, ...inst.tags };
}

function privateIp(inst: FixtureInstance): string {
  return inst.privateIp ?? `10.0.${parseInt(inst.id.slice(-4, -2), 16) % 256}.${(parseInt(inst.id.slice(-2), 16) % 254) + 1}`;
}

function platformDetails(inst: FixtureInstance): string {
  return inst.platform === 'Windows' ? 'Windows' : 'Linux/UNIX';
}

function instanceMatches(inst: FixtureInstance, f: Filter): boolean {
  const tags = tagsOf(inst);
  if (f.name.startsWith('tag:')) return anyMatch(f.values, tags[f.name.slice(4)]);
  switch (f.name) {
    case 'instance-state-name':
      return anyMatch(f.values, inst.state);
    case 'instance-state-code':
      return anyMatch(f.values, String(STATE_CODES[inst.state]));
    case 'instance-id':
      return anyMatch(f.values, inst.id);
    case 'tag-key':
      return Object.keys(tags).some((k) => anyMatch(f.values, k));
    case 'tag-value':
      return Object.values(tags).some((v) => anyMatch(f.values, v));
    case 'platform':
      return inst.platform === 'Windows' && anyMatch(f.values, 'windows');
    case 'platform-details':
      return anyMatch(f.values, platformDetails(inst));
    case 'private-ip-address':
      return anyMatch(f.values, privateIp(inst));
    case 'availability-zone':
      return anyMatch(f.values, `${inst.region}a`);
    default:
      throw new EmulatorApiError('InvalidParameterValue', `The filter '${f.name}' is invalid`);
  }
}

function stableId(prefix: string, seed: string, length = 17): string {
  return prefix + createHash('sha256').update(seed).digest('hex').slice(0, length);
}

function instanceXml(inst: FixtureInstance, launchTime: string): string {
  const tags = Object.entries(tagsOf(inst))
    .map(([k, v]) => `<item><key>${xmlEscape(k)}</key><value>${xmlEscape(v)}</value></item>`)
    .join('');
  const ip = privateIp(inst);
  const running = inst.state === 'running';
  return (
    `<item><instanceId>${inst.id}</instanceId><imageId>${stableId('ami-', inst.platform)}</imageId>` +
    `<instanceState><code>${STATE_CODES[inst.state]}</code><name>${inst.state}</name></instanceState>` +
    `<privateDnsName>ip-${ip.replace(/\./g, '-')}.${inst.region}.compute.internal</privateDnsName><dnsName/>` +
    `<amiLaunchIndex>0</amiLaunchIndex><instanceType>t3.micro</instanceType><launchTime>${launchTime}</launchTime>` +
    `<placement><availabilityZone>${inst.region}a</availabilityZone><tenancy>default</tenancy></placement>` +
    (inst.platform === 'Windows' ? '<platform>windows</platform>' : '') +
    `<monitoring><state>disabled</state></monitoring>` +
    `<subnetId>${stableId('subnet-', inst.account + inst.region)}</subnetId><vpcId>${stableId('vpc-', inst.account + inst.region)}</vpcId>` +
    (running ? `<privateIpAddress>${ip}</privateIpAddress>` : '') +
    `<architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName>` +
    `<iamInstanceProfile><arn>arn:aws:iam::${inst.account}:instance-profile/SSMInstanceProfile</arn><id>AIPA${stableId('', inst.id, 16).toUpperCase()}</id></iamInstanceProfile>` +
    `<virtualizationType>hvm</virtualizationType><hypervisor>xen</hypervisor>` +
    (tags ? `<tagSet>${tags}</tagSet>` : '') +
    `<platformDetails>${platformDetails(inst)}</platformDetails><usageOperation>${inst.platform === 'Windows' ? 'RunInstances:0002' : 'RunInstances'}</usageOperation>` +
    `</item>`
  );
}

interface DescribeInstancesResult {
  kind: 'instances';
  instances: FixtureInstance[];
  nextToken?: string;
}
interface DescribeRegionsResult {
  kind: 'regions';
  regions: { name: string; optIn: string }[];
}

export function createEc2Service(ctx: EmulatorContext): QueryService {
  const launchTime = new Date(Math.floor(ctx.now() / 1000 - 7 * 24 * 3600) * 1000).toISOString().replace(/\.\d{3}Z$/, '.000Z');

  function describeInstances(form: URLSearchParams, caller: Caller): DescribeInstancesResult {
    const ids = formList(form, 'InstanceId');
    const filters = formFilters(form);
    const maxRaw = form.get('MaxResults');
    let pageSize = 1000;
    if (maxRaw !== null) {
      if (ids.length) throw new EmulatorApiError('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
      const n = Number(maxRaw);
      if (!Number.isInteger(n) || n < 5 || n > 1000)
        throw new EmulatorApiError('InvalidParameterValue', `Value ( ${maxRaw} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
      pageSize = n;
    }
    const own = ctx.instancesIn(caller.account, caller.region);
    for (const id of ids) {
      if (!/^i-[0-9a-f]{8,17}$/.test(id)) throw new EmulatorApiError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
      if (!own.some((i) => i.id === id)) throw new EmulatorApiError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    }
    const matching = own.filter((i) => (ids.length === 0 || ids.includes(i.id)) && filters.every((f) => instanceMatches(i, f)));
    const page = paginate(matching, { nextToken: form.get('NextToken') ?? undefined, pageSize, query: [caller.account, caller.region, ids, filters], invalidTokenCode: 'InvalidPaginationToken' });
    return { kind: 'instances', instances: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  function describeRegions(form: URLSearchParams, caller: Caller): DescribeRegionsResult {
    const enabled = ctx.fixture().accounts.find((a) => a.id === caller.account)?.regions ?? [];
    const all = form.get('AllRegions') === 'true';
    const names = formList(form, 'RegionName');
    for (const n of names) if (!ALL_REGIONS.includes(n) && !enabled.includes(n)) throw new EmulatorApiError('InvalidParameterValue', `Invalid region: ${n}`);
    const known = [...new Set([...ALL_REGIONS, ...enabled])];
    let regions = known.map((name) => ({ name, optIn: !enabled.includes(name) ? 'not-opted-in' : isOptInRegion(name) ? 'opted-in' : 'opt-in-not-required' }));
    if (!all) regions = regions.filter((r) => r.optIn !== 'not-opted-in');
    if (names.length) regions = regions.filter((r) => names.includes(r.name));
    for (const f of formFilters(form)) {
      if (f.name === 'opt-in-status') regions = regions.filter((r) => anyMatch(f.values, r.optIn));
      else if (f.name === 'region-name') regions = regions.filter((r) => anyMatch(f.values, r.name));
      else if (f.name === 'endpoint') regions = regions.filter((r) => anyMatch(f.values, `ec2.${r.name}.amazonaws.com`));
      else throw new EmulatorApiError('InvalidParameterValue', `The filter '${f.name}' is invalid`);
    }
    return { kind: 'regions', regions };
  }

  function dryRun(form: URLSearchParams): void {
    if (form.get('DryRun') === 'true') throw new EmulatorApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
  }

  return {
    family: 'ec2',
    operations: {
      DescribeInstances: {
        run: (input, caller) => {
          const form = input as URLSearchParams;
          const result = describeInstances(form, caller);
          dryRun(form);
          return result;
        },
      },
      DescribeRegions: {
        run: (input, caller) => {
          const form = input as URLSearchParams;
          const result = describeRegions(form, caller);
          dryRun(form);
          return result;
        },
      },
    },
    render(action, result) {
      const r = result as DescribeInstancesResult | DescribeRegionsResult;
      const head = `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_XMLNS}"><requestId>${randomUUID()}</requestId>`;
      const tail = `</${action}Response>`;
      if (r.kind === 'regions') {
        const items = r.regions
          .map((x) => `<item><regionName>${x.name}</regionName><regionEndpoint>ec2.${x.name}.amazonaws.com</regionEndpoint><optInStatus>${x.optIn}</optInStatus></item>`)
          .join('');
        return `${head}<regionInfo>${items}</regionInfo>${tail}`;
      }
      // One reservation per instance: the fixture does not model launch batches.
      const reservations = r.instances
        .map(
          (inst) =>
            `<item><reservationId>${stableId('r-', inst.id)}</reservationId><ownerId>${inst.account}</ownerId><groupSet/>` +
            `<instancesSet>${instanceXml(inst, launchTime)}</instancesSet></item>`,
        )
        .join('');
      return `${head}<reservationSet>${reservations}</reservationSet>${r.nextToken ? `<nextToken>${r.nextToken}</nextToken>` : ''}${tail}`;
    },
  };
}
