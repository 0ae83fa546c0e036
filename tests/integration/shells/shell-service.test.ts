import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watch } from './watch-tab';
import { instanceKey, startEmulatorShells, type EmulatorShells } from './emulator-shells';

describe('ShellService against the emulator (real PTY shells)', () => {
  let env: EmulatorShells;
  beforeAll(async () => {
    env = await startEmulatorShells();
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('runs commands, hides the exit probe, and reports `exit 3` as code 3', async () => {
    const tab = await env.service.open({ instanceKey: instanceKey('web-1'), size: { cols: 100, rows: 30 } });
    const w = watch(tab);
    await w.waitForText('[ec2-user@web-1 ~]$ ');
    tab.write(Buffer.from('echo $((6*7))\r'));
    // The command's output; its echo ("echo $((6*7))") cannot contain this.
    await w.waitForText('42\r\n');
    expect(w.text()).not.toContain('trap');
    expect(w.text()).not.toContain('6973');
    tab.write(Buffer.from('stty size\r'));
    await w.waitForText('30 100');
    tab.resize({ cols: 91, rows: 27 });
    tab.write(Buffer.from('stty size\r'));
    await w.waitForText('27 91');
    tab.write(Buffer.from('exit 3\r'));
    await w.waitForState('exited');
    expect(tab.status).toMatchObject({ state: 'exited', exitCode: 3, message: 'exited with code 3' });
    // Enter starts a new session in the same tab.
    tab.write(Buffer.from('\r'));
    await w.waitForState('connected');
    const mark = w.text().length;
    tab.write(Buffer.from('echo again-$((1+1))\r'));
    await w.waitForText('again-2', mark);
    await env.service.close(tab.id);
  });

  it('paces a flood by its reader: the queue stays bounded, writes are batched, every byte arrives', async () => {
    const tab = await env.service.open({ instanceKey: instanceKey('db-1') });
    const FLOOD = 6_000_000;
    let tail = '';
    let xs = 0;
    let writes = 0;
    let maxQueued = 0;
    let wake = () => undefined as void;
    tab.attachOutput(async (chunk) => {
      writes++;
      maxQueued = Math.max(maxQueued, tab.queuedOutputBytes);
      for (const b of chunk) if (b === 0x78) xs++;
      tail = (tail + Buffer.from(chunk).toString('latin1')).slice(-200);
      wake();
      // A reader much slower than the shell: each write completes a few event-loop turns later.
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    });
    const until = (test: () => boolean) => new Promise<void>((resolve) => (test() ? resolve() : (wake = () => void (test() && resolve()))));
    await until(() => tail.includes('$ '));
    const before = writes;
    tab.write(Buffer.from(`head -c ${FLOOD} /dev/zero | tr '\\0' '\\170'; echo; echo FLOOD-"DONE"\r`));
    await until(() => tail.includes('FLOOD-DONE'));
    expect(xs).toBe(FLOOD);
    // Bounded by the queue's overflow limit (4 × its 1 MiB high-water mark), not by the flood.
    expect(maxQueued).toBeLessThanOrEqual(4 * 1024 * 1024 + 64 * 1024);
    // What piled up while the reader was busy went out in large writes, not one per message.
    expect(FLOOD / (writes - before)).toBeGreaterThan(32 * 1024);
    await env.service.close(tab.id);
  });

  it('reconnects through ResumeSession after the socket drops and keeps working', async () => {
    const tab = await env.service.open({ instanceKey: instanceKey('web-2') });
    const w = watch(tab);
    await w.waitForText('$ ');
    env.emu.control.setFaults({ dropSocketAfterBytes: 20_000 });
    tab.write(Buffer.from('seq 1 5000; echo SEQ-"DONE"\r'));
    await w.waitForStatus('reconnecting');
    env.emu.control.setFaults({ dropSocketAfterBytes: null });
    await w.waitForText('SEQ-DONE');
    await w.waitForState('connected');
    expect(w.text()).toContain('\r\n4999\r\n5000\r\n');
    const mark = w.text().length;
    tab.write(Buffer.from('echo after-$((2*3))\r'));
    await w.waitForText('after-6', mark);
    await env.service.close(tab.id);
  });

  it('opens Windows instances without the POSIX probe and says why no code is known', async () => {
    const tab = await env.service.open({ instanceKey: instanceKey('win-1') });
    const w = watch(tab);
    await w.waitForText('PS C:\\Windows\\system32> ');
    expect(tab.probing).toBe(false);
    tab.write(Buffer.from('exit\r'));
    await w.waitForState('exited');
    expect(tab.status).toMatchObject({ state: 'exited', message: 'exited (PowerShell sessions do not report an exit code)' });
    await env.service.close(tab.id);
  });

  it('keeps keystrokes typed before the shell is ready, and shows their output', async () => {
    const tab = await env.service.open({ instanceKey: instanceKey('web-1') });
    const w = watch(tab);
    // Typed at once, before any prompt: these must neither vanish nor run while output is hidden.
    tab.write(Buffer.from('echo early-$((2+3))\r'));
    await w.waitForText('early-5');
    expect(w.text()).not.toContain('trap ');
    await env.service.close(tab.id);
  });

  it('after a crash (no orderly quit), restores the saved tabs as new sessions', async () => {
    for (const open of env.service.list()) await env.service.close(open.tabId);
    const tab = await env.service.open({ instanceKey: instanceKey('db-1') });
    await watch(tab).waitForText('$ ');
    await env.service.whenSaved();
    const { ShellService } = await import('../../../main/core/shells/service');
    const next = new ShellService(env.deps);
    await next.restore();
    const restored = next.list();
    expect(restored.map((t) => t.title)).toEqual(['db-1']);
    const again = next.get(restored[0]!.tabId);
    const w = watch(again);
    await w.waitForText('$ ');
    again.write(Buffer.from('echo restored-$((3*3))\r'));
    await w.waitForText('restored-9');
    await next.dispose();
    await env.service.close(tab.id);
  });

  it('quitting leaves the session running and the next start reconnects to it; one that ended meanwhile becomes a new session', async () => {
    const { ShellService } = await import('../../../main/core/shells/service');
    const first = new ShellService(env.deps);
    const tab = await first.open({ instanceKey: instanceKey('web-2') });
    const w1 = watch(tab);
    await w1.waitForText('$ ');
    tab.write(Buffer.from('MARK=kept-$((6*7)); echo set-$MARK\r'));
    await w1.waitForText('set-kept-42');
    const sessionId = tab.currentSessionId!;
    const startedAt = tab.activity!.startedAt;
    await first.suspend();

    const second = new ShellService(env.deps);
    await second.restore();
    const again = second.get(second.list()[0]!.tabId);
    const w2 = watch(again);
    await w2.waitForText(`Reconnected to session ${sessionId}`);
    await w2.waitForState('connected');
    expect(again.currentSessionId).toBe(sessionId);
    // Its maximum session duration still counts from the first run's start.
    expect(again.activity!.startedAt).toBe(startedAt);
    // The same shell: what was set before quitting is still set; keystrokes and output flow.
    again.write(Buffer.from('echo still-$MARK\r'));
    await w2.waitForText('still-kept-42');
    // Its exit trap (installed by the first run's probe) still reports the code.
    again.write(Buffer.from('exit 5\r'));
    await w2.waitForState('exited');
    expect(again.status).toMatchObject({ exitCode: 5 });
    await second.dispose();

    // A session terminated while the app was away: the restored tab says so and starts anew.
    const third = new ShellService(env.deps);
    const tab3 = await third.open({ instanceKey: instanceKey('web-2') });
    await watch(tab3).waitForText('$ ');
    const gone = tab3.currentSessionId!;
    await third.suspend();
    await env.deps.sessions.terminate(tab3.target, gone);
    const fourth = new ShellService(env.deps);
    await fourth.restore();
    const fresh = fourth.get(fourth.list()[0]!.tabId);
    const w4 = watch(fresh);
    await w4.waitForText(`Session ${gone} has ended since Bastionless quit; this is a new session.`);
    await w4.waitForText('$ ');
    expect(fresh.currentSessionId).not.toBe(gone);
    expect(fresh.activity!.startedAt).toBeGreaterThan(startedAt);
    fresh.write(Buffer.from('echo new-$((1+1))\r'));
    await w4.waitForText('new-2');
    await fourth.dispose();
  });
});
