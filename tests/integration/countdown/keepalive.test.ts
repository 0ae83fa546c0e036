import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixtureFile, parseFixture } from '../../../emulator/fixture';
import { DEMO_FIXTURE } from '../../../emulator/demo';
import type { EmulatorSessionHub } from '../../../emulator/sessions/index';
import { CountdownsSchema } from '../../../preload/contract/countdowns';
import { ShellService } from '../../../main/core/shells/service';
import { startSignedInCore, type SignedInCore } from '../../support/signed-in-core';
import { instanceTunnel } from '../../support/tunnel-profile';
import { watch } from '../shells/watch-tab';

/**
 * Countdowns and the keepalive against the emulator, through the whole core: the account's
 * Session Manager preferences as GetDocument gives them, the emulator's idle timer (restarted by
 * any client frame) and maximum duration, and a keepalive that restarts the timer while the
 * programs on the instance — a shell, a TCP server behind a tunnel — receive nothing at all.
 */

const STAGING = '123456789012';
const MIN = 60_000;

/** A TCP server standing in for the user's program behind a tunnel: it counts what it receives. */
async function countingServer(): Promise<{ server: Server; address: string; received: () => number; sockets: Socket[] }> {
  let received = 0;
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('data', (d) => (received += d.length));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}`, received: () => received, sockets };
}

describe('countdowns and keepalive against the emulator', () => {
  let world: SignedInCore;
  let program: Awaited<ReturnType<typeof countingServer>>;
  const hub = () => world.emulator.hub as EmulatorSessionHub;
  const key = (name: string) => world.core.inventory.list().find((i) => i.name === name)!.key;

  beforeAll(async () => {
    program = await countingServer();
    const demo = loadFixtureFile(DEMO_FIXTURE);
    world = await startSignedInCore({
      fixture: parseFixture({
        ...demo,
        instances: demo.instances.map((i) => (i.name === 'staging-web-1' ? { ...i, ports: { ...i.ports, '7000': program.address } } : i)),
        sessionPreferences: { ...demo.sessionPreferences, [`${STAGING}/eu-west-1`]: { idleSessionTimeout: 12, maxSessionDuration: 90 } },
      }),
    });
  });
  afterAll(async () => {
    await world?.stop();
    program?.server.close();
  });

  it("counts a tab down from the account's own preferences (idle from the last traffic, duration from the start)", async () => {
    const tab = await world.core.shells.open({ instanceKey: key('staging-web-1') });
    await watch(tab).waitForText('$ ');
    await expect.poll(() => world.core.countdowns.list().items.find((i) => i.id === tab.id)?.cuts.length).toBe(2);
    const info = CountdownsSchema.parse(world.core.countdowns.list());
    const item = info.items.find((i) => i.id === tab.id)!;
    const activity = tab.activity!;
    expect(item).toMatchObject({ kind: 'tab', label: 'staging-web-1', sessionId: activity.sessionId, keepalive: false, preferencesUnknown: false });
    expect(item.cuts).toEqual([
      { cause: 'idle', at: activity.lastSentAt + 12 * MIN, warnAt: activity.lastSentAt + 7 * MIN, closes: true },
      { cause: 'max-duration', at: activity.startedAt + 90 * MIN, warnAt: activity.startedAt + 85 * MIN, closes: true },
    ]);
    await world.core.shells.close(tab.id);
  });

  it('the emulator ends a session whose client stays quiet past the idle timeout, and the tab says Session Manager cut it', async () => {
    world.emulator.control.setFaults({ idleSessionTimeoutSeconds: 0.5 });
    // The preferences say 12 minutes; the compressed fault cuts sooner, so the countdown's verdict is stubbed here.
    const asked: string[] = [];
    const shells = new ShellService({
      resolveTarget: (k) => world.core.inventory.resolve(k),
      sessions: world.core.sessions,
      credentials: world.core.credentials,
      allowInsecure: true,
      cutBySessionManager: (tabId) => (asked.push(tabId), 'idle timeout'),
    });
    try {
      const tab = await shells.open({ instanceKey: key('staging-web-1') });
      const w = watch(tab);
      await w.waitForText('$ ');
      const sessionId = tab.currentSessionId!;
      await w.waitForState('exited');
      expect(hub().stats(sessionId)).toMatchObject({ status: 'Terminated', idle: { endedBy: 'idle-timeout' } });
      expect(tab.status).toMatchObject({ state: 'exited', message: 'closed by Session Manager: idle timeout', hint: 'Press Enter to start a new session in this tab.' });
      expect(asked).toEqual([tab.id]);
    } finally {
      world.emulator.control.setFaults({ idleSessionTimeoutSeconds: null });
      await shells.dispose();
    }
  });

  it('a shell that exits by itself is not blamed on Session Manager', async () => {
    const tab = await world.core.shells.open({ instanceKey: key('staging-web-1') });
    const w = watch(tab);
    await w.waitForText('$ ');
    tab.write(Buffer.from('exit 4\r'));
    await w.waitForState('exited');
    expect(tab.status).toMatchObject({ state: 'exited', exitCode: 4, message: 'exited with code 4' });
    await world.core.shells.close(tab.id);
  });

  it('a shell keepalive restarts the idle timer and gives the shell not one byte', async () => {
    const tab = await world.core.shells.open({ instanceKey: key('staging-web-1') });
    const w = watch(tab);
    await w.waitForText('$ ');
    // The user's program: wc counts every byte that reaches it until end of input.
    const mark = w.text().length;
    tab.write(Buffer.from('wc -c\r'));
    await w.waitForText('wc -c\r\n', mark);
    const sessionId = tab.currentSessionId!;
    await expect.poll(() => hub().stats(sessionId)?.agent.buffered).toBe(0);
    const before = hub().stats(sessionId)!;
    for (let i = 0; i < 3; i++) expect(tab.activity!.keepalive()).toBe(true);
    await expect.poll(() => hub().stats(sessionId)!.idle.resets).toBe(before.idle.resets + 3);
    const after = hub().stats(sessionId)!;
    expect(after.idle.deadline).toBeGreaterThanOrEqual(before.idle.deadline!);
    // The agent saw three acknowledgements and handed the shell nothing.
    expect(after.agent.acksReceived).toBe(before.agent.acksReceived + 3);
    expect(after.agent.messagesReceived).toBe(before.agent.messagesReceived);
    expect(after.agent.bytesReceived).toBe(before.agent.bytesReceived);
    // Ctrl-D ends wc's input: it read 0 bytes.
    const counted = w.text().length;
    tab.write(Buffer.from([0x04]));
    await w.waitForText(/^\s*0\s*$/m, counted);
    await world.core.shells.close(tab.id);
  });

  it('a tunnel keepalive restarts the idle timer; the program behind the tunnel receives zero bytes', async () => {
    const instance = world.core.inventory.find(key('staging-web-1'))!;
    const profile = await world.core.tunnels.saveProfile(instanceTunnel(instance, 'counting', 7000, { poolSize: 1 }));
    const status = await world.core.tunnels.start(profile.id);
    // An open connection to the program, idle: what a minimised RDP window looks like.
    const client = connect(status.localPort, '127.0.0.1');
    await new Promise<void>((r) => client.once('connect', () => r()));
    await expect.poll(() => program.sockets.length).toBe(1);
    const [activity] = world.core.tunnels.countdownItems()[0]!.sessions;
    const before = hub().stats(activity!.sessionId)!;
    for (let i = 0; i < 3; i++) expect(activity!.keepalive()).toBe(true);
    await expect.poll(() => hub().stats(activity!.sessionId)!.idle.resets).toBe(before.idle.resets + 3);
    expect(hub().stats(activity!.sessionId)!.agent.bytesReceived).toBe(before.agent.bytesReceived);
    expect(program.received()).toBe(0);
    // The connection still carries the user's bytes, exactly them.
    client.write('ping');
    await expect.poll(() => program.received()).toBe(4);
    client.destroy();
    await world.core.tunnels.stop(profile.id);
  });

  it('with the keepalive setting on, a quiet tunnel loses its idle cut and keeps its maximum duration', async () => {
    await world.core.preferences.update({ countdown: { warnMinutes: 5, keepalive: true } });
    try {
      const profile = (await world.core.tunnels.listProfiles()).find((p) => p.name === 'counting')!;
      await world.core.tunnels.start(profile.id);
      await expect.poll(() => world.core.countdowns.list().items.find((i) => i.id === profile.id)?.cuts.map((c) => c.cause)).toEqual(['max-duration']);
      expect(world.core.countdowns.list().items.find((i) => i.id === profile.id)!.keepalive).toBe(true);
      await world.core.tunnels.stop(profile.id);
    } finally {
      await world.core.preferences.update({ countdown: { warnMinutes: 5, keepalive: false } });
    }
  });
});
