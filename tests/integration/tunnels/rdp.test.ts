import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planLaunch, systemProbe } from '../../../main/core/tunnels/launchers/index';
import { LauncherSettingsSchema } from '../../../main/core/tunnels/profile-schema';
import { runProgram } from './postgres-cluster';
import { startWorld, type World } from './world';
import { freePort } from '../../support/free-port';

const WINDOWS = 'i-0ddddddddddddddd1';


/** Resolves once something accepts TCP connections on the port (the shadow server logs nothing on listen). */
async function waitForListener(port: number, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error('freerdp-shadow-cli exited before listening');
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setImmediate(r));
  }
}

describe('RDP: FreeRDP shadow server behind an emulated Windows instance', () => {
  let xvfb: ChildProcess;
  let shadow: ChildProcess;
  let world: World;
  let display: string;
  beforeAll(async () => {
    for (const bin of ['/usr/bin/Xvfb', '/usr/bin/freerdp-shadow-cli', '/usr/bin/xfreerdp']) {
      if (!existsSync(bin)) throw new Error(`${bin} is missing: apt-get install xvfb freerdp2-x11 freerdp2-shadow-x11`);
    }
    // -displayfd: Xvfb picks a free display number and tells us which.
    xvfb = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '1024x768x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'pipe', 'pipe'] });
    display = await new Promise<string>((resolve, reject) => {
      xvfb.stdout?.once('data', (d: Buffer) => resolve(`:${d.toString().trim()}`));
      xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
    });
    // A free port can be taken by a parallel test before the server binds it: then the server
    // exits at once, and we try another port. Its output is kept so a real failure explains itself.
    let rdpPort = 0;
    for (let attempt = 1; ; attempt++) {
      rdpPort = await freePort();
      // Authentication off and TLS security: the test checks the path through the tunnel, not NTLM.
      shadow = spawn('freerdp-shadow-cli', [`/port:${rdpPort}`, '/bind-address:127.0.0.1', '-auth', '/sec:tls'], { env: { ...process.env, DISPLAY: display }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      shadow.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      shadow.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      try {
        await waitForListener(rdpPort, shadow);
        break;
      } catch (err) {
        if (attempt === 3) throw new Error(`${(err as Error).message} (3 attempts); its last output:\n${output}`);
      }
    }
    world = await startWorld([{ id: WINDOWS, name: 'win-jump', platform: 'Windows', ports: { '3389': `127.0.0.1:${rdpPort}` } }]);
  });
  afterAll(async () => {
    await world?.close();
    shadow?.kill();
    xvfb?.kill();
  });

  it("the Linux launcher's real xfreerdp reaches the server through the tunnel (/auth-only)", async () => {
    const tunnel = world.tunnel(WINDOWS, { port: 3389 });
    const port = await tunnel.start();
    const plan = planLaunch('rdp', 'linux', { host: '127.0.0.1', port, label: 'win-jump' }, LauncherSettingsSchema.parse({ username: 'tester' }), systemProbe());
    expect(plan?.client).toMatch(/FreeRDP/);
    expect(plan?.args).toContain(`/v:127.0.0.1:${port}`);
    // The plan as the app runs it, plus: authenticate then exit, TLS security to match the server,
    // and the password from stdin (never argv).
    const result = await runProgram(plan?.command as string, [...(plan?.args ?? []), '/auth-only', '/sec:tls', '/from-stdin:force'], {
      env: { DISPLAY: display },
      input: 'not-a-real-password\n',
      timeoutMs: 60_000,
    });
    expect(result.stderr + result.stdout).toMatch(/Authentication only, exit status 0/);
    expect(result.code).toBe(0);
    const snap = tunnel.snapshot();
    expect(snap.counters.connectionsTotal).toBe(1);
    expect(snap.counters.bytesUp).toBeGreaterThan(100);
    expect(snap.counters.bytesDown).toBeGreaterThan(100);
    await tunnel.stop();

    // Control: the same client against a port with nothing behind it fails, so the check above means something.
    const closed = await runProgram(plan?.command as string, [`/v:127.0.0.1:${port}`, '/cert:ignore', '/auth-only', '/sec:tls', '/from-stdin:force', '/u:tester'], { env: { DISPLAY: display }, input: 'x\n', timeoutMs: 60_000 });
    expect(closed.code).not.toBe(0);
  });
});
