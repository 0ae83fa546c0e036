import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SSO_SESSION_NAME } from '../../emulator/config-snippet';
import type { Fixture } from '../../emulator/fixture';
import { generateFleet, type FleetOptions } from '../../emulator/generate-fleet';
import { signInToEmulator } from '../../emulator/sdk-login';
import { createAwsServices } from '../../main/core/aws/index';
import { MemorySecretStore } from '../../main/core/store/secrets';
import { bareFirstRow, bareScan, prefetchCredentials } from './support/bare-inventory';
import { startRemoteEmulator, type RemoteEmulator } from './support/remote-emulator';
import type { BenchResult } from './types';

/**
 * Discovery at organisation scale: 100 accounts × 17 regions × 20 instances, every API answering
 * after 100 ms. Measured from the moment sign-in completes to the first rows and to the full
 * inventory. The serial baseline is what one call after another would cost: the number of API
 * calls this very scan made × 100 ms (a lower bound for a serial scan; it ignores CPU time).
 * Then a sparser organisation (the same size, nodes in 3 of each account's 17 regions) is scanned
 * twice: the refresh against the first scan, in time and API calls.
 * Then the limit itself: 32 accounts × 17 regions scanned by the app and by the same SDK calls
 * made straight with plain clients (support/bare-inventory.ts), against one emulator process, in
 * wall time and in the client's CPU per API call (this process's CPU: the emulator has its own).
 * The emulator runs on its own thread or process: its CPU stands for AWS's machines, not ours.
 */

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);
/** Rounds of (bare, full) against one emulator; each figure is the best round's (BENCH_INVENTORY_ROUNDS). */
const ROUNDS = Number(process.env.BENCH_INVENTORY_ROUNDS ?? 2);

interface Discovery {
  firstRowsMs: number;
  fullMs: number;
  calls: number;
  /** This process's CPU (user + system) from sign-in to the end of the scan. */
  cpuMs: number;
  byApi: Record<string, number>;
  instances: number;
  accountRegions: number;
  /** A second scan of the same organisation, as the periodic refresh makes. */
  refresh?: { ms: number; calls: number; cpuMs: number };
}

function fleetFixture(fleet: FleetOptions): Fixture {
  const fixture = generateFleet(fleet);
  fixture.faults.latencyMs = { '*': LATENCY_MS };
  return fixture;
}

async function withEmulator<T>(fixture: Fixture, where: 'thread' | 'process', body: (emulator: RemoteEmulator) => Promise<T>): Promise<T> {
  const emulator = await startRemoteEmulator({ fixture, autoApprove: true }, where);
  try {
    return await body(emulator);
  } finally {
    await emulator.stop();
  }
}

const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

/** Calls per API between two emulator readings. */
function callsBetween(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).flatMap(([api, n]) => (n - (before[api] ?? 0) > 0 ? [[api, n - (before[api] ?? 0)]] : [])));
}

/** Signs a fresh app in to `emulator`, scans, and (if asked) scans again. */
async function discover(emulator: RemoteEmulator, fixture: Fixture, options: { refresh: boolean }): Promise<Discovery> {
  const home = mkdtempSync(join(tmpdir(), 'bastionless-bench-inventory-'));
  const configFile = join(home, 'aws-config');
  writeFileSync(configFile, emulator.awsConfigSnippet);
  const aws = createAwsServices({
    dataDir: join(home, 'data'),
    secretStore: new MemorySecretStore(),
    endpoint: emulator.url,
    awsFiles: { configFile, credentialsFile: join(home, 'none') },
    cliCacheDir: null,
    refreshEveryMs: 0,
  });
  try {
    await aws.auth.init();
    let t0 = 0;
    let cpu0 = process.cpuUsage();
    let firstRowsMs = 0;
    aws.inventory.onDelta((d) => {
      if (!firstRowsMs && d.upsert.length) firstRowsMs = performance.now() - t0;
    });
    const signedIn = new Promise<void>((resolve) =>
      aws.auth.onSignedIn(() => {
        t0 = performance.now();
        cpu0 = process.cpuUsage();
        resolve();
      }),
    );
    const callsBefore = await emulator.callsByApi();
    await aws.auth.signIn(SSO_SESSION_NAME);
    await signedIn;
    await aws.inventory.scan();
    const fullMs = performance.now() - t0;
    const cpuMs = cpuMsSince(cpu0);
    const byApi = callsBetween(callsBefore, await emulator.callsByApi());
    const calls = Object.values(byApi).reduce((a, b) => a + b, 0);
    const found = aws.inventory.list().length;
    const expected = fixture.instances.filter((i) => i.state === 'running').length;
    const errors = aws.inventory.snapshot().rows.filter((r) => r.state === 'error').length;
    if (found !== expected || errors) throw new Error(`inventory bench found ${found} instances (expected ${expected}) and ${errors} failed account-regions`);
    const result: Discovery = { firstRowsMs, fullMs, calls, cpuMs, byApi, instances: found, accountRegions: aws.inventory.snapshot().progress.total };
    if (options.refresh) {
      const before = await emulator.callCount();
      const start = performance.now();
      const cpu = process.cpuUsage();
      await aws.inventory.scan();
      result.refresh = { ms: performance.now() - start, cpuMs: cpuMsSince(cpu), calls: (await emulator.callCount()) - before };
      if (aws.inventory.list().length !== expected) throw new Error('the refresh lost instances');
    }
    return result;
  } finally {
    await aws.dispose();
    rmSync(home, { recursive: true, force: true });
  }
}

interface Bare {
  ms: number;
  cpuMs: number;
  calls: number;
  byApi: Record<string, number>;
  firstRow: { credentialsMs: number; callMs: number };
}

/** The same organisation through support/bare-inventory.ts: credentials first, then the timed calls. */
async function bare(emulator: RemoteEmulator, fixture: Fixture): Promise<Bare> {
  const { accessToken } = await signInToEmulator(emulator);
  const portal = { endpoint: emulator.url, ssoRegion: fixture.sso.region, accessToken };
  const firstRow = await bareFirstRow(portal);
  const credentials = await prefetchCredentials(portal);
  const before = await emulator.callsByApi();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const nodes = await bareScan(portal, credentials);
  const ms = performance.now() - t0;
  const cpuMs = cpuMsSince(cpu0);
  const byApi = callsBetween(before, await emulator.callsByApi());
  const expected = fixture.instances.filter((i) => i.state === 'running').length;
  if (nodes !== expected) throw new Error(`the bare scan listed ${nodes} managed nodes (expected ${expected})`);
  return { ms, cpuMs, calls: Object.values(byApi).reduce((a, b) => a + b, 0), byApi, firstRow };
}

/** The bare scan must make the app's calls, minus the role credentials it fetched beforehand. */
function checkSameCalls(full: Record<string, number>, bareCalls: Record<string, number>): void {
  const { GetRoleCredentials: _fetched, ...rest } = full;
  const describe = (c: Record<string, number>) => JSON.stringify(Object.fromEntries(Object.entries(c).sort()));
  if (describe(rest) !== describe(bareCalls)) throw new Error(`the bare scan's calls ${describe(bareCalls)} differ from the app's ${describe(rest)}`);
}

async function fullVsBare(): Promise<BenchResult[]> {
  const fixture = fleetFixture({ accounts: 32, regionsPerAccount: 17, instancesPerRegion: 20 });
  const { fulls, bares } = await withEmulator(fixture, 'process', async (emulator) => {
    const fulls: Discovery[] = [];
    const bares: Bare[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      bares.push(await bare(emulator, fixture));
      fulls.push(await discover(emulator, fixture, { refresh: true }));
      checkSameCalls(fulls[round]!.byApi, bares[round]!.byApi);
    }
    return { fulls, bares };
  });
  const best = <T>(runs: T[], of: (r: T) => number) => Math.min(...runs.map(of));
  const fullMs = best(fulls, (f) => f.fullMs);
  const bareMs = best(bares, (b) => b.ms);
  const fullCpu = best(fulls, (f) => f.cpuMs / f.calls);
  const bareCpu = best(bares, (b) => b.cpuMs / b.calls);
  const refreshCpu = best(fulls, (f) => f.refresh!.cpuMs / f.refresh!.calls);
  const firstRows = best(fulls, (f) => f.firstRowsMs);
  const firstRowLimit = best(bares, (b) => b.firstRow.credentialsMs + b.firstRow.callMs);
  const { calls, instances, accountRegions } = fulls[0]!;
  const scope = `32 accounts × 17 regions, ${instances} instances, ${accountRegions} account-regions at ${LATENCY_MS} ms; best of ${ROUNDS} rounds`;
  const bareNotes = `${bares[0]!.calls} API calls (${calls} for the app: + GetRoleCredentials)`;
  return [
    { name: 'inventory: bare SDK baseline', value: bareMs, unit: 'ms', notes: `${bareNotes}; plain @aws-sdk clients, same calls and concurrency, credentials fetched beforehand; ${scope}` },
    { name: 'inventory: full vs bare SDK', value: fullMs, unit: 'ms', baseline: { name: 'bare SDK baseline', value: bareMs, unit: 'ms' }, ratio: fullMs / bareMs, notes: `goal ratio ≤ 1.15; ${scope}` },
    {
      name: 'inventory: client CPU per call',
      value: fullCpu * 1000,
      unit: 'µs',
      baseline: { name: 'bare SDK baseline', value: bareCpu * 1000, unit: 'µs' },
      ratio: fullCpu / bareCpu,
      notes: `this process's user+system CPU / API calls (the emulator runs in its own process); ${scope}`,
    },
    {
      name: 'inventory: client CPU per call, refresh',
      value: refreshCpu * 1000,
      unit: 'µs',
      baseline: { name: 'bare SDK baseline', value: bareCpu * 1000, unit: 'µs' },
      ratio: refreshCpu / bareCpu,
      notes: `the same app scanning again (${fulls[0]!.refresh!.calls} API calls: regions and credentials are known); ${scope}`,
    },
    {
      name: 'inventory: first rows vs first credentials + one call',
      value: firstRows,
      unit: 'ms',
      baseline: { name: 'ListAccounts, ListAccountRoles, GetRoleCredentials, then one DescribeInstanceInformation', value: firstRowLimit, unit: 'ms' },
      ratio: firstRows / firstRowLimit,
      notes: `goal ratio ≤ 1.2; the bare chain's role-credential part ${best(bares, (b) => b.firstRow.credentialsMs).toFixed(0)} ms, the call ${best(bares, (b) => b.firstRow.callMs).toFixed(0)} ms; ${scope}`,
    },
  ];
}

/** `scale` (the 100-account figures), `limit` (against the bare SDK), or both (default). */
const PARTS = (process.env.BENCH_INVENTORY_PARTS ?? 'scale,limit').split(',');

export async function run(): Promise<BenchResult[]> {
  const limit = PARTS.includes('limit') ? await fullVsBare() : [];
  if (!PARTS.includes('scale')) return limit;
  const denseFleet = fleetFixture({ accounts: 100, regionsPerAccount: 17, instancesPerRegion: 20 });
  const dense = await withEmulator(denseFleet, 'thread', (emulator) => discover(emulator, denseFleet, { refresh: false }));
  const serial = dense.calls * LATENCY_MS;
  const notes = `${dense.instances} instances, ${dense.accountRegions} account-regions, ${dense.calls} API calls at ${LATENCY_MS} ms`;
  // Most regions of a real organisation hold no managed nodes: here 3 of each account's 17.
  const sparseFleet = fleetFixture({ accounts: 100, regionsPerAccount: 17, instancesPerRegion: 20, populatedRegionsPerAccount: 3 });
  const sparse = await withEmulator(sparseFleet, 'thread', (emulator) => discover(emulator, sparseFleet, { refresh: true }));
  const refresh = sparse.refresh!;
  return [
    { name: 'inventory: first rows after sign-in', value: dense.firstRowsMs, unit: 'ms', notes: 'goal ≤ 500 ms' },
    { name: 'inventory: full inventory after sign-in', value: dense.fullMs, unit: 'ms', baseline: { name: 'serial (calls × latency)', value: serial, unit: 'ms' }, ratio: dense.fullMs / serial, notes: `${notes}; goal ≤ 3000 ms` },
    {
      name: 'inventory: refresh, nodes in 3 of 17 regions',
      value: refresh.ms,
      unit: 'ms',
      baseline: { name: 'first scan of the same organisation', value: sparse.fullMs, unit: 'ms' },
      ratio: refresh.ms / sparse.fullMs,
      notes: `${refresh.calls} API calls vs ${sparse.calls} in the first scan; ${sparse.instances} instances, ${sparse.accountRegions} account-regions`,
    },
    ...limit,
  ];
}
