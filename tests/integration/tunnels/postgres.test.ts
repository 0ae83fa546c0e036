import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planLaunch, systemProbe } from '../../../main/core/tunnels/launchers/index';
import { LauncherSettingsSchema } from '../../../main/core/tunnels/profile-schema';
import { runProgram, startPgCluster, type PgCluster } from './postgres-cluster';
import { startWorld, type World } from './world';

const DB_HOST = 'i-0ccccccccccccccc1';

describe('PostgreSQL behind an emulated instance, through a Bastionless tunnel', () => {
  let pg: PgCluster;
  let world: World;
  beforeAll(async () => {
    pg = await startPgCluster();
    world = await startWorld([{ id: DB_HOST, name: 'db-bastion', remoteHosts: { [`orders.cluster-abc.eu-west-1.rds.amazonaws.com:5432`]: `127.0.0.1:${pg.port}` } }]);
  });
  afterAll(async () => {
    await world?.close();
    await pg?.stop();
  });

  it('the launcher plan runs a real psql that queries through the tunnel; 50 concurrent connections all succeed', async () => {
    const tunnel = world.tunnel(DB_HOST, { port: 5432, remoteHost: 'orders.cluster-abc.eu-west-1.rds.amazonaws.com' }, { poolSize: 2 });
    const port = await tunnel.start();
    const plan = planLaunch('postgres', 'linux', { host: '127.0.0.1', port, label: 'orders' }, LauncherSettingsSchema.parse({ username: 'postgres', database: 'postgres' }), systemProbe());
    expect(plan?.terminal).toBe(true);
    const psql = plan?.command as string;
    const conninfo = plan?.args[0] as string;
    expect(conninfo).toContain(`port=${port}`);

    const one = await runProgram(psql, [conninfo, '-XAtc', "select 'through the tunnel: ' || (6*7)::text, current_setting('port')"]);
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    expect(one.stdout.trim()).toBe(`through the tunnel: 42|${pg.port}`);

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => runProgram(psql, [conninfo, '-XAtc', `select ${i} * 2, pg_backend_pid() > 0 from generate_series(1, 200) limit 1`], { timeoutMs: 60_000 })),
    );
    results.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(`${i * 2}|t`);
    });
    const snap = tunnel.snapshot();
    expect(snap.counters.connectionsTotal).toBe(51);
    expect(snap.counters.connectionsFailed).toBe(0);
    expect(snap.sessions).toBeLessThanOrEqual(2);
    await tunnel.stop();
  });
});
