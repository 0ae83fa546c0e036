import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../main/cli/exit-codes';
import { startCliWorld, type CliWorld } from './world';

/**
 * A machine with no Secret Service at all (no D-Bus session bus: SSH, containers, WSL). `login`
 * must say so before showing a code, and the 0600 key file must be a working, announced choice.
 */

const PROD = '111122223333';
let world: CliWorld;

beforeAll(async () => {
  world = await startCliWorld(
    {
      sso: { startUrl: 'https://d-1111111111.awsapps.com/start', region: 'eu-west-1' },
      accounts: [{ id: PROD, name: 'prod', roles: [{ name: 'Admin' }], regions: ['eu-west-1'] }],
      instances: [{ id: 'i-0a1b2c3d4e5f60001', account: PROD, region: 'eu-west-1', name: 'web-1' }],
    },
    { keyring: false },
  );
  expect(world.env.DBUS_SESSION_BUS_ADDRESS).toBeUndefined();
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

describe('bastionless login without a keychain', () => {
  it('fails within 10 s, before any code is shown, saying what to install or set', async () => {
    // Killed at 10 s (code null) if it hangs, as it did waiting for a keychain that never answers.
    const login = await world.run(['login', '--no-browser'], { timeoutMs: 10_000 });
    expect(login.code, login.stderr).toBe(ExitCode.signIn);
    expect(login.stderr).toContain('No OS keychain here: there is no D-Bus session');
    expect(login.stderr).toContain('gnome-keyring');
    expect(login.stderr).toContain('bastionless login --keychain file');
    expect(login.stderr).not.toContain('approve this code');
    expect(existsSync(join(world.dataDir, 'tokens.enc'))).toBe(false);
  });

  it('with --keychain file: warns, signs in, keeps the key in a 0600 file, and later commands use it', async () => {
    const login = await world.run(['login', '--no-browser', '--keychain', 'file'], { timeoutMs: 60_000 });
    expect(login.code, login.stderr).toBe(ExitCode.ok);
    expect(login.stderr).toMatch(/Note: the sign-in key is kept in the file .*keys\.json \(readable only by you\), not in an OS keychain/);
    expect(login.stderr).toContain('Signed in to');
    expect(login.stderr).toContain('1 instance in 1 account');

    const keyFile = join(world.dataDir, 'keys.json');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const keys = JSON.parse(readFileSync(keyFile, 'utf8')) as { version: number; secrets: Record<string, string> };
    expect(Object.values(keys.secrets).map((k) => Buffer.from(k, 'base64').length)).toEqual([32]);
    const prefs = JSON.parse(readFileSync(join(world.dataDir, 'preferences.json'), 'utf8')) as { preferences: { keychain: string } };
    expect(prefs.preferences.keychain).toBe('file');

    // A new process reads the tokens back through the key file: the choice is remembered.
    const ls = await world.run(['ls', '--json'], { timeoutMs: 30_000 });
    expect(ls.code, ls.stderr).toBe(ExitCode.ok);
    expect((JSON.parse(ls.stdout.toString()) as Array<{ instanceId: string }>).map((i) => i.instanceId)).toEqual(['i-0a1b2c3d4e5f60001']);
  });

  it('refuses a wrong --keychain value with a usage error naming both choices', async () => {
    const bad = await world.run(['login', '--keychain', 'vault'], { timeoutMs: 10_000 });
    expect(bad.code).toBe(ExitCode.usage);
    expect(bad.stderr).toContain('--keychain is "os" (the OS keychain) or "file"');
  });
});
