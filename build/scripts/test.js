#!/usr/bin/env node
// `npm test`: type check, lint, build the renderer, then every vitest project (unit,
// integration, e2e). On Linux the keychain tests need a Secret Service: when this process has
// no D-Bus session, it re-runs itself inside a private one with an unlocked, throwaway
// gnome-keyring, so the user's own keyring is never touched.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (cmd, args, env = process.env) => {
  const result = spawnSync(cmd, args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
  if (result.error) throw result.error;
  return result.status ?? 1;
};

const needsKeyringSession = process.platform === 'linux' && !process.env.DBUS_SESSION_BUS_ADDRESS && !process.env.BASTIONLESS_TEST_INNER;

if (needsKeyringSession) {
  const scratch = mkdtempSync(join(tmpdir(), 'bastionless-keyring-'));
  const env = {
    ...process.env,
    BASTIONLESS_TEST_INNER: '1',
    XDG_DATA_HOME: join(scratch, 'data'),
    XDG_RUNTIME_DIR: scratch,
  };
  const inner = `echo -n test | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null && exec node "${process.argv[1]}"`;
  let status;
  try {
    status = run('dbus-run-session', ['--', 'sh', '-c', inner], env);
  } catch (err) {
    console.error(`Cannot start a D-Bus session for the keychain tests (${err.message}).\nInstall dbus and gnome-keyring (apt-get install dbus gnome-keyring), or run inside a desktop session.`);
    status = 1;
  }
  rmSync(scratch, { recursive: true, force: true });
  process.exit(status);
}

const steps = [
  ['npm', ['run', 'typecheck']],
  ['npm', ['run', 'lint']],
  ['npm', ['run', 'build:renderer']],
  ['npx', ['vitest', 'run']],
];
for (const [cmd, args] of steps) {
  console.log(`\n== ${cmd} ${args.join(' ')}`);
  const status = run(cmd, args);
  if (status !== 0) {
    console.error(`\n\`${cmd} ${args.join(' ')}\` failed (exit ${status}).`);
    process.exit(status);
  }
}
