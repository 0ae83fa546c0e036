import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InstanceSummarySchema } from '../../../preload/contract/inventory';
import { ProfileStore } from '../../../main/core/tunnels/profile-store';
import { runProgram, startPgCluster, type PgCluster } from '../tunnels/postgres-cluster';
import { startSshd, type PrivateSshd } from './sshd';
import { BIN, startCliWorld, type CliWorld } from './world';

/**
 * The `bastionless` command end to end, as child processes against the emulator, with real
 * programs on the other side: ssh and scp through `ssh-proxy` to a private sshd, psql through
 * `forward` to a private PostgreSQL, an interactive `shell` in a pseudo-terminal.
 */

const PROD = '111122223333';
const STAGING = '444455556666';
const WEB = 'i-0a1b2c3d4e5f60001';

let sshd: PrivateSshd;
let pg: PgCluster;
let world: CliWorld;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

beforeAll(async () => {
  [sshd, pg] = await Promise.all([startSshd(), startPgCluster()]);
  world = await startCliWorld({
    sso: { startUrl: 'https://d-1111111111.awsapps.com/start', region: 'eu-west-1' },
    accounts: [
      { id: PROD, name: 'prod', roles: [{ name: 'Admin' }], regions: ['eu-west-1', 'us-east-1'] },
      { id: STAGING, name: 'staging', roles: [{ name: 'Admin' }], regions: ['eu-west-1'] },
    ],
    instances: [
      { id: WEB, account: PROD, region: 'eu-west-1', name: 'web-1', ports: { '22': `127.0.0.1:${sshd.port}`, '5432': `127.0.0.1:${pg.port}` } },
      { id: 'i-0a1b2c3d4e5f60002', account: PROD, region: 'eu-west-1', name: 'twin' },
      { id: 'i-0a1b2c3d4e5f60003', account: PROD, region: 'us-east-1', name: 'twin' },
      { id: 'i-0a1b2c3d4e5f60004', account: STAGING, region: 'eu-west-1', name: 'win-1', platform: 'Windows' },
    ],
  });
}, 120_000);

afterAll(async () => {
  await world?.stop();
  await Promise.all([sshd?.stop(), pg?.stop()]);
});

describe('bastionless (child process, emulator, real clients)', () => {
  it('says "not signed in" with exit 3 before login', async () => {
    const r = await world.run(['ls']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('bastionless login');
    expect(r.stdout.length).toBe(0);
  });

  it('logs in with the device flow, printing the code, keeping the tokens for later commands', async () => {
    const r = await world.run(['login', '--no-browser']);
    expect(r.stderr).toMatch(/approve this code[\s\S]*[A-Z0-9]{4}-[A-Z0-9]{4}/);
    expect(r.stderr).toContain('Signed in to bastionless-emulator');
    expect(r.stderr).toContain('4 instances in 2 accounts');
    expect(r.code).toBe(0);
  });

  it('ls --json lists exactly the fixture instances as InstanceSummary objects', async () => {
    const r = await world.run(['ls', '--json']);
    expect(r.code).toBe(0);
    const listed = z.array(InstanceSummarySchema).parse(JSON.parse(r.stdout.toString()));
    const fixture = world.emu.fixture().instances;
    expect(listed.map((i) => [i.instanceId, i.name, i.accountId, i.region, i.platform]).sort()).toEqual(
      fixture.map((i) => [i.id, i.name, i.account, i.region, i.platform]).sort(),
    );
    const filtered = await world.run(['ls', '--json', '--account', 'prod', '--region', 'us-east-1']);
    expect(JSON.parse(filtered.stdout.toString()).map((i: { instanceId: string }) => i.instanceId)).toEqual(['i-0a1b2c3d4e5f60003']);
    const table = await world.run(['ls', '--filter', 'web']);
    expect(table.stdout.toString().trim().split('\n')).toHaveLength(2);
    expect(table.stdout.toString()).toMatch(/prod\s+eu-west-1\s+web-1\s+i-0a1b2c3d4e5f60001\s+Linux/);
  });

  it('reports per-(account, region) scan errors on stderr and still lists the rest', async () => {
    world.emu.control.setFaults({ accessDenied: [{ account: STAGING }] });
    try {
      const r = await world.run(['ls', '--json']);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/error: staging \(444455556666\)/);
      // The refused account keeps what the previous scan found (the core's rule); prod is fresh.
      expect(JSON.parse(r.stdout.toString()).filter((i: { accountId: string }) => i.accountId === PROD)).toHaveLength(3);
    } finally {
      world.emu.control.setFaults({ accessDenied: [] });
      await world.run(['ls']);
    }
  });

  it('lists the candidates of an ambiguous name and exits 4; an unknown name exits 4 with a hint', async () => {
    const ambiguous = await world.run(['ssh-proxy', 'twin', '22']);
    expect(ambiguous.code).toBe(4);
    expect(ambiguous.stderr).toContain('"twin" matches 2 instances');
    expect(ambiguous.stderr).toContain('prod/eu-west-1/twin (i-0a1b2c3d4e5f60002');
    expect(ambiguous.stderr).toContain('prod/us-east-1/twin (i-0a1b2c3d4e5f60003');
    expect(ambiguous.stdout.length).toBe(0);
    const unknown = await world.run(['shell', 'nope-1']);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('No instance "nope-1"');
  });

  it('runs a command over ssh with ProxyCommand bastionless ssh-proxy, and passes its exit code', async () => {
    const scansBefore = world.emu.control.calls().filter((c) => c.api === 'DescribeInstanceInformation').length;
    const r = await runProgram(
      'ssh',
      ['-o', `ProxyCommand=${world.proxyCommand}`, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-i', sshd.identity, `${sshd.user}@web-1.bastionless`, 'echo hello-from-$((6*7)); exit 5'],
      { env: world.env, timeoutMs: 60_000 },
    );
    expect(r.stderr).not.toContain('bastionless:');
    expect(r.stdout).toBe('hello-from-42\n');
    expect(r.code).toBe(5);
    // The cached inventory answered: one ssh connection does not scan the whole organisation.
    expect(world.emu.control.calls().filter((c) => c.api === 'DescribeInstanceInformation').length).toBe(scansBefore);
  });

  it('copies a 10 MB file with scp both ways, byte-identical', async () => {
    const data = randomBytes(10 * 1024 * 1024);
    const local = join(world.home, 'up.bin');
    const remote = join(sshd.dir, 'remote.bin');
    const back = join(world.home, 'down.bin');
    writeFileSync(local, data);
    const ssh = ['-o', `ProxyCommand=${world.proxyCommand}`, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-i', sshd.identity];
    const up = await runProgram('scp', ['-q', ...ssh, local, `${sshd.user}@${WEB}:${remote}`], { env: world.env, timeoutMs: 120_000 });
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(sha256(readFileSync(remote))).toBe(sha256(data));
    const down = await runProgram('scp', ['-q', ...ssh, `${sshd.user}@${WEB}:${remote}`, back], { env: world.env, timeoutMs: 120_000 });
    expect(down.code).toBe(0);
    expect(sha256(readFileSync(back))).toBe(sha256(data));
  }, 180_000);

  it('forward prints the local address, psql queries through it, Ctrl-C stops it with exit 0', async () => {
    const { child, firstLine: address, exited, stderr } = await world.startLong(['forward', 'web-1', '--remote-port', '5432']);
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    const [host, port] = address.split(':') as [string, string];
    const q = await runProgram('psql', ['-h', host, '-p', port, '-U', 'postgres', '-d', 'postgres', '-tA', '-c', 'select 6 * 7, current_user'], { env: { ...world.env, PGCONNECT_TIMEOUT: '20' } });
    expect(q.stderr).toBe('');
    expect(q.stdout.trim()).toBe('42|postgres');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr()).toContain('Stopping');
  });

  it("tunnels: lists the app's saved profiles, starts one here (psql through it), stops it from another process", async () => {
    await new ProfileStore({ dir: world.dataDir }).save({
      name: 'Prod DB',
      kind: 'postgres',
      source: { type: 'sso', ssoSession: 'bastionless-emulator', accountId: PROD, roleName: 'Admin' },
      region: 'eu-west-1',
      target: { type: 'instance', instanceId: WEB },
      remotePort: 5432,
    });
    const list = await world.run(['tunnels', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout.toString()).toMatch(/Prod DB\s+postgres\s+127\.0\.0\.1:auto\s+port 5432 via i-0a1b2c3d4e5f60001/);
    const { child, firstLine: address, exited } = await world.startLong(['tunnels', 'start', 'prod db']);
    const [host, port] = address.split(':') as [string, string];
    const q = await runProgram('psql', ['-h', host, '-p', port, '-U', 'postgres', '-d', 'postgres', '-tA', '-c', 'select 1 + 1'], { env: world.env });
    expect(q.stdout.trim()).toBe('2');
    const running = await world.run(['tunnels', 'list']);
    expect(running.stdout.toString()).toContain(`${address} (pid ${child.pid})`);
    const again = await world.run(['tunnels', 'start', 'Prod DB']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`already runs in process ${child.pid}`);
    const stop = await world.run(['tunnels', 'stop', 'Prod DB']);
    expect(stop.stderr).toContain('Stopped "Prod DB"');
    expect(stop.code).toBe(0);
    expect(await exited).toBe(0);
    const missing = await world.run(['tunnels', 'start', 'nope']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('Profiles: Prod DB');
  });

  it('shell in a pseudo-terminal: prompt, resize on SIGWINCH, remote exit code as ours', async () => {
    const term = pty.spawn(process.execPath, [BIN, 'shell', 'prod/eu-west-1/web-1'], { name: 'xterm-256color', cols: 100, rows: 30, env: world.env });
    let screen = '';
    // A failure guard only (never a synchronisation): says what the screen showed instead.
    const waitFor = (pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const guard = setTimeout(() => reject(new Error(`no ${pattern} on the screen:\n${JSON.stringify(screen)}`)), 45_000);
        const check = () => {
          if (!pattern.test(screen)) return;
          clearTimeout(guard);
          sub.dispose();
          resolve();
        };
        const sub = term.onData(check);
        term.onExit(({ exitCode }) => reject(new Error(`shell exited ${exitCode} before ${pattern}:\n${screen}`)));
        check();
      });
    term.onData((d) => (screen += d));
    const exit = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    await waitFor(/\[ec2-user@web-1 ~\]\$ $/);
    term.write('stty size\r');
    await waitFor(/[\r\n]30 100\r*\n/);
    term.resize(120, 40);
    term.write('stty size\r');
    await waitFor(/[\r\n]40 120\r*\n/);
    term.write('exit 7\r');
    expect(await exit).toBe(7);
  });
});
