import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SSO_SESSION_NAME } from '../../emulator/config-snippet';
import { generateFleet } from '../../emulator/generate-fleet';
import { createAwsServices } from '../../main/core/aws/index';
import { MemorySecretStore } from '../../main/core/store/secrets';
import { startRemoteEmulator } from './support/remote-emulator';
import type { BenchResult } from './types';

/**
 * Discovery at organisation scale: 100 accounts × 17 regions × 20 instances, every API answering
 * after 100 ms. Measured from the moment sign-in completes to the first rows and to the full
 * inventory. The serial baseline is what one call after another would cost: the number of API
 * calls this very scan made × 100 ms (a lower bound for a serial scan; it ignores CPU time).
 * The emulator runs on its own thread: its CPU stands for AWS's machines, not ours.
 */

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);

export async function run(): Promise<BenchResult[]> {
  const fixture = generateFleet({ accounts: 100, regionsPerAccount: 17, instancesPerRegion: 20 });
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
    let firstRows = 0;
    aws.inventory.onDelta((d) => {
      if (!firstRows && d.upsert.length) firstRows = performance.now() - t0;
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
    const full = performance.now() - t0;
    const calls = (await emulator.callCount()) - callsBefore;
    const found = aws.inventory.list().length;
    const expected = fixture.instances.filter((i) => i.state === 'running').length;
    const errors = aws.inventory.snapshot().rows.filter((r) => r.state === 'error').length;
    if (found !== expected || errors) throw new Error(`inventory bench found ${found} instances (expected ${expected}) and ${errors} failed account-regions`);
    const serial = calls * LATENCY_MS;
    const notes = `${found} instances, ${aws.inventory.snapshot().progress.total} account-regions, ${calls} API calls at ${LATENCY_MS} ms`;
    return [
      { name: 'inventory: first rows after sign-in', value: firstRows, unit: 'ms', notes: 'goal ≤ 500 ms' },
      { name: 'inventory: full inventory after sign-in', value: full, unit: 'ms', baseline: { name: 'serial (calls × latency)', value: serial, unit: 'ms' }, ratio: full / serial, notes: `${notes}; goal ≤ 3000 ms` },
    ];
  } finally {
    await aws.dispose();
    await emulator.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
