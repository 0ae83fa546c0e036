import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SSO_SESSION_NAME } from '../../emulator/config-snippet';
import { generateFleet, type FleetOptions } from '../../emulator/generate-fleet';
import { createAwsServices } from '../../main/core/aws/index';
import { MemorySecretStore } from '../../main/core/store/secrets';
import { startRemoteEmulator } from './support/remote-emulator';
import type { BenchResult } from './types';

/**
 * Discovery at organisation scale: 100 accounts × 17 regions × 20 instances, every API answering
 * after 100 ms. Measured from the moment sign-in completes to the first rows and to the full
 * inventory. The serial baseline is what one call after another would cost: the number of API
 * calls this very scan made × 100 ms (a lower bound for a serial scan; it ignores CPU time).
 * Then a sparser organisation (the same size, nodes in 3 of each account's 17 regions) is scanned
 * twice: the refresh against the first scan, in time and API calls.
 * The emulator runs on its own thread: its CPU stands for AWS's machines, not ours.
 */

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);

interface Discovery {
  firstRowsMs: number;
  fullMs: number;
  calls: number;
  instances: number;
  accountRegions: number;
  /** A second scan of the same organisation, as the periodic refresh makes. */
  refresh?: { ms: number; calls: number };
}

/** Signs in to a fresh emulator with `fleet`, scans, and (if asked) scans again. */
async function discover(fleet: FleetOptions, options: { refresh: boolean }): Promise<Discovery> {
  const fixture = generateFleet(fleet);
  fixture.faults.latencyMs = { '*': LATENCY_MS };
  const emulator = await startRemoteEmulator({ fixture, autoApprove: true });
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
    let firstRowsMs = 0;
    aws.inventory.onDelta((d) => {
      if (!firstRowsMs && d.upsert.length) firstRowsMs = performance.now() - t0;
    });
    const signedIn = new Promise<void>((resolve) =>
      aws.auth.onSignedIn(() => {
        t0 = performance.now();
        resolve();
      }),
    );
    const callsBefore = await emulator.callCount();
    await aws.auth.signIn(SSO_SESSION_NAME);
    await signedIn;
    await aws.inventory.scan();
    const fullMs = performance.now() - t0;
    const calls = (await emulator.callCount()) - callsBefore;
    const found = aws.inventory.list().length;
    const expected = fixture.instances.filter((i) => i.state === 'running').length;
    const errors = aws.inventory.snapshot().rows.filter((r) => r.state === 'error').length;
    if (found !== expected || errors) throw new Error(`inventory bench found ${found} instances (expected ${expected}) and ${errors} failed account-regions`);
    const result: Discovery = { firstRowsMs, fullMs, calls, instances: found, accountRegions: aws.inventory.snapshot().progress.total };
    if (options.refresh) {
      const before = await emulator.callCount();
      const start = performance.now();
      await aws.inventory.scan();
      result.refresh = { ms: performance.now() - start, calls: (await emulator.callCount()) - before };
      if (aws.inventory.list().length !== expected) throw new Error('the refresh lost instances');
    }
    return result;
  } finally {
    await aws.dispose();
    await emulator.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  const dense = await discover({ accounts: 100, regionsPerAccount: 17, instancesPerRegion: 20 }, { refresh: false });
  const serial = dense.calls * LATENCY_MS;
  const notes = `${dense.instances} instances, ${dense.accountRegions} account-regions, ${dense.calls} API calls at ${LATENCY_MS} ms`;
  // Most regions of a real organisation hold no managed nodes: here 3 of each account's 17.
  const sparse = await discover({ accounts: 100, regionsPerAccount: 17, instancesPerRegion: 20, populatedRegionsPerAccount: 3 }, { refresh: true });
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
  ];
}
