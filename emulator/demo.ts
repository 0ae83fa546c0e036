import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFixtureFile, startEmulator, type RunningEmulator } from './index';
import type { Pace } from './context';

export const DEMO_FIXTURE = fileURLToPath(new URL('./fixtures/demo.json', import.meta.url));

export interface DemoEmulator {
  url: string;
  emulator: RunningEmulator;
  /** A throwaway folder holding the demo's ~/.aws/config and the app's data. */
  home: string;
  stop(): Promise<void>;
}

/**
 * Starts the embedded emulator with the demo fleet and points this process at it: the standard
 * AWS_ENDPOINT_URL_* variables, an AWS config file naming the demo sso-session, and a private
 * data folder, so a demo never touches the user's real ~/.aws or app data.
 */
export async function startDemoEmulator(options: { pace?: Pace } = {}): Promise<DemoEmulator> {
  const emulator = await startEmulator({
    fixture: loadFixtureFile(DEMO_FIXTURE),
    autoApprove: true,
    pace: options.pace ?? 'faithful',
  });
  const home = mkdtempSync(join(tmpdir(), 'bastionless-demo-'));
  const configFile = join(home, 'aws-config');
  writeFileSync(configFile, emulator.awsConfigSnippet(), { mode: 0o600 });
  Object.assign(process.env, emulator.env, {
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
    BASTIONLESS_DATA_DIR: join(home, 'data'),
  });
  return { url: emulator.url, emulator, home, stop: () => emulator.stop() };
}
