import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { parseFixture, type Fixture, type FixtureInput } from './fixture';
import { DEFAULT_REGIONS } from './regions';

/**
 * Big deterministic fleets for discovery and scale tests, e.g. 100 accounts × 17 regions × 20
 * instances. The same options always give the same fixture (ids are hashes of their position).
 */

export const FleetOptionsSchema = z.object({
  accounts: z.number().int().min(1).max(1000),
  regionsPerAccount: z.number().int().min(1).max(DEFAULT_REGIONS.length),
  instancesPerRegion: z.number().int().min(0).max(5000),
  /** Regions per account that hold instances; the rest are enabled but empty, as most are in a real organisation (default: all). */
  populatedRegionsPerAccount: z.number().int().min(0).optional(),
  /** One in N instances is Windows (0: none). */
  windowsEvery: z.number().int().min(0).default(5),
  /** One in N instances is stopped (0: none). */
  stoppedEvery: z.number().int().min(0).default(10),
  /** One in N instances has lost its agent connection (0: none). */
  connectionLostEvery: z.number().int().min(0).default(25),
  startUrl: z.string().url().default('https://d-90fleet000.awsapps.com/start'),
  ssoRegion: z.string().default('us-east-1'),
  seed: z.string().default('fleet'),
});
export type FleetOptions = z.input<typeof FleetOptionsSchema>;

const ENVIRONMENTS = ['prod', 'staging', 'dev', 'qa', 'sandbox'];
const ROLES_OF_SERVICE = ['web', 'api', 'worker', 'db', 'cache', 'batch', 'bastion'];

function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

export function generateFleet(input: FleetOptions): Fixture {
  const o = FleetOptionsSchema.parse(input);
  const accounts: FixtureInput['accounts'] = [];
  const instances: NonNullable<FixtureInput['instances']> = [];
  for (let a = 0; a < o.accounts; a++) {
    const id = String(100000000000 + a * 7919 + 1).padStart(12, '0');
    const env = ENVIRONMENTS[a % ENVIRONMENTS.length]!;
    const regions = DEFAULT_REGIONS.slice(0, o.regionsPerAccount).map((_, i) => DEFAULT_REGIONS[(a + i) % DEFAULT_REGIONS.length]!);
    accounts.push({
      id,
      name: `${env}-${String(a + 1).padStart(3, '0')}`,
      roles: [{ name: 'AdministratorAccess' }, { name: 'ReadOnlyAccess', allow: ['ssm:Describe*', 'ssm:GetDocument', 'ec2:Describe*'] }],
      regions,
    });
    for (const region of regions.slice(0, o.populatedRegionsPerAccount ?? regions.length)) {
      for (let n = 0; n < o.instancesPerRegion; n++) {
        const k = a * 1_000_003 + n;
        const service = ROLES_OF_SERVICE[n % ROLES_OF_SERVICE.length]!;
        const windows = o.windowsEvery > 0 && n % o.windowsEvery === o.windowsEvery - 1;
        instances.push({
          id: `i-0${hex(`${o.seed}/${id}/${region}/${n}`, 16)}`,
          account: id,
          region,
          name: `${env}-${service}-${n + 1}`,
          tags: { Environment: env, Service: service },
          platform: windows ? 'Windows' : 'Linux',
          state: o.stoppedEvery > 0 && k % o.stoppedEvery === o.stoppedEvery - 1 ? 'stopped' : 'running',
          pingStatus: o.connectionLostEvery > 0 && k % o.connectionLostEvery === o.connectionLostEvery - 2 ? 'ConnectionLost' : 'Online',
        });
      }
    }
  }
  return parseFixture({ sso: { startUrl: o.startUrl, region: o.ssoRegion }, accounts, instances }, 'generated fleet');
}

const CliArgs = z.object({
  accounts: z.coerce.number().int().min(1),
  regions: z.coerce.number().int().min(1),
  instances: z.coerce.number().int().min(0),
  out: z.string().optional(),
});

function main(argv: string[]): void {
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) throw new Error(`unexpected argument ${argv[i]}; usage: generate-fleet --accounts N --regions N --instances N [--out FILE]`);
    args[m[1]!] = m[2] ?? argv[++i] ?? '';
  }
  const parsed = CliArgs.safeParse({ accounts: args.accounts ?? '100', regions: args.regions ?? '17', instances: args.instances ?? '20', out: args.out });
  if (!parsed.success) throw new Error(`bad arguments: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const fleet = generateFleet({ accounts: parsed.data.accounts, regionsPerAccount: parsed.data.regions, instancesPerRegion: parsed.data.instances });
  const json = JSON.stringify(fleet, null, 1);
  if (parsed.data.out) {
    writeFileSync(parsed.data.out, json);
    console.error(`wrote ${fleet.accounts.length} accounts, ${fleet.instances.length} instances to ${parsed.data.out}`);
  } else process.stdout.write(json + '\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(`generate-fleet: ${(err as Error).message}`);
    process.exit(2);
  }
}
