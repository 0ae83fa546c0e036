import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '../../emulator/index';

/**
 * Points this test process at `emulator` as the app would be: a throwaway HOME with the emulator's
 * AWS config, data folder and endpoints in process.env (the core reads them there). `unset` names
 * variables to remove meanwhile (DBUS_SESSION_BUS_ADDRESS: a machine without a keychain).
 * `restore()` puts the environment back and removes the folder.
 */
export function useEmulatorEnv(emulator: RunningEmulator, options: { unset?: string[] } = {}): { home: string; restore(): void } {
  const home = mkdtempSync(join(tmpdir(), 'bastionless-e2e-'));
  const configFile = join(home, 'aws-config');
  writeFileSync(configFile, emulator.awsConfigSnippet(), { mode: 0o600 });
  const env: Record<string, string | undefined> = {
    ...emulator.env,
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
    BASTIONLESS_DATA_DIR: join(home, 'data'),
    HOME: home,
    ...Object.fromEntries((options.unset ?? []).map((k) => [k, undefined])),
  };
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return {
    home,
    restore() {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
