import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A Secret Service for CLI child processes: the one this process already has (CI runs the tests
 * inside a D-Bus session with gnome-keyring), else a private, unlocked, throwaway gnome-keyring
 * on its own session bus, so the user's keyring is never touched. The CLI uses the real OS
 * keychain; there is no test-only secret store across processes.
 */
export interface KeyringSession {
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function keyringSession(): Promise<KeyringSession> {
  const existing = process.env.DBUS_SESSION_BUS_ADDRESS;
  if (existing) return { env: { DBUS_SESSION_BUS_ADDRESS: existing }, stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'bl-keyring-'));
  const env = { ...process.env, XDG_RUNTIME_DIR: dir, XDG_DATA_HOME: join(dir, 'data') };
  // The session lives while `cat` waits on our pipe; closing stdin ends it, bus and keyring with it.
  const child: ChildProcess = spawn(
    'dbus-run-session',
    ['--', 'sh', '-c', 'echo -n test | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null && echo "$DBUS_SESSION_BUS_ADDRESS" && exec cat >/dev/null'],
    { env, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('error', (err) => reject(new Error(`cannot start dbus-run-session (${err.message}); apt-get install dbus gnome-keyring`)));
    child.once('exit', (code) => reject(new Error(`the keyring session ended early (exit ${code}): ${stderr}`)));
  });
  return {
    env: { DBUS_SESSION_BUS_ADDRESS: address, XDG_RUNTIME_DIR: dir },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
