import { spawn } from 'node:child_process';
import { createServer, connect, type Server } from 'node:net';
import * as pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, startCliWorld, type CliWorld } from './world';

/**
 * The countdowns in the command line: `shell` and `forward` say the limits AWS will enforce as
 * they start, and they and `ssh-proxy` warn on stderr before a cut, on an account whose Session Manager preferences
 * allow 3-minute sessions (the default warning comes 5 minutes ahead, so at once).
 */

const PROD = '111122223333';
const CLOCK = '\\d{1,2}:\\d{2}( [AP]M)?';
let world: CliWorld;
let echo: Server;

beforeAll(async () => {
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const { port } = echo.address() as { port: number };
  world = await startCliWorld({
    sso: { startUrl: 'https://d-1111111111.awsapps.com/start', region: 'eu-west-1' },
    accounts: [{ id: PROD, name: 'prod', roles: [{ name: 'Admin' }], regions: ['eu-west-1'] }],
    instances: [{ id: 'i-0a1b2c3d4e5f60001', account: PROD, region: 'eu-west-1', name: 'web-1', ports: { '7': `127.0.0.1:${port}` } }],
    sessionPreferences: { [`${PROD}/eu-west-1`]: { idleSessionTimeout: 20, maxSessionDuration: 3 } },
  });
  const login = await world.run(['login', '--no-browser']);
  expect(login.code, login.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await world?.stop();
  await new Promise((resolve) => echo?.close(resolve));
});

describe('countdowns in the command line', () => {
  it('shell says the limits as it starts, then warns on a line of its own before the maximum duration', async () => {
    const term = pty.spawn(process.execPath, [BIN, 'shell', 'web-1'], { name: 'xterm-256color', cols: 200, rows: 30, env: world.env });
    let screen = '';
    term.onData((d) => (screen += d));
    const exit = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    await expect.poll(() => screen, { timeout: 45_000 }).toMatch(/\$ /);
    expect(screen).toMatch(new RegExp(`AWS closes this session after 20 min without input \\(idle timeout\\) and at ${CLOCK} at the latest \\(maximum session duration\\)\\.`));
    // Raw mode: the warning brings its own line breaks, so it never runs into the prompt.
    await expect.poll(() => screen, { timeout: 45_000 }).toMatch(new RegExp(`\\r+\\n\\[bastionless\\] Closes in [1-3] min: maximum session duration \\(at ${CLOCK}\\)\\.\\r+\\n`));
    // Once only, however often the countdown is recomputed.
    expect(screen.match(/\[bastionless\] Closes in/g)).toHaveLength(1);
    term.write('exit 3\r');
    expect(await exit).toBe(3);
  });

  it('ssh-proxy keeps stdout for the bytes and puts the warning, alone on its line, on stderr', async () => {
    const child = spawn(process.execPath, [BIN, 'ssh-proxy', 'web-1', '7'], { env: world.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    child.stdin.write('ping');
    await expect.poll(() => stdout, { timeout: 30_000 }).toBe('ping');
    // ssh's raw terminal does not add carriage returns: the line carries its own.
    await expect.poll(() => stderr, { timeout: 30_000 }).toMatch(new RegExp(`^\\r\\n\\[bastionless\\] Closes in [1-3] min: maximum session duration \\(at ${CLOCK}\\)\\.\\r\\n$`));
    child.stdin.end();
    expect(await exited).toBe(0);
    expect(stdout).toBe('ping');
  });

  it("forward says the limits of the tunnel's sessions, and warns once a connection opened one", async () => {
    const { child, firstLine: address, exited, stderr } = await world.startLong(['forward', 'web-1', '--remote-port', '7']);
    await expect.poll(stderr).toContain("AWS closes each of this tunnel's sessions after 20 min without input (idle timeout) and 3 min after it started (maximum session duration); a new session takes over and open connections drop.");
    const [host, port] = address.split(':') as [string, string];
    const socket = connect(Number(port), host);
    const back = new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
    socket.write('ping');
    expect(await back).toBe('ping');
    await expect.poll(stderr).toMatch(new RegExp(`bastionless: Session closes in [1-3] min: maximum session duration \\(at ${CLOCK}\\)\\.\\n`));
    socket.destroy();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
