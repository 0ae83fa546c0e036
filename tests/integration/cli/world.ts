import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type FixtureInput, type RunningEmulator } from '../../../emulator/index';
import { keyringSession, type KeyringSession } from './keyring';

/**
 * The command as a user runs it: `node bin/bastionless.js` child processes against a running
 * emulator, with a throwaway HOME, AWS config (the emulator's sso-session), data folder and
 * keyring. Nothing is shared with the test process but the environment given.
 */

export const BIN = resolve(import.meta.dirname, '../../../bin/bastionless.js');

export interface CliResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export interface LongRunning {
  child: ChildProcess;
  firstLine: string;
  exited: Promise<number | null>;
  stderr(): string;
}

export interface CliWorld {
  emu: RunningEmulator;
  env: Record<string, string>;
  home: string;
  dataDir: string;
  run(args: string[], options?: { input?: Buffer | string; timeoutMs?: number }): Promise<CliResult>;
  /** A long-running command (forward, tunnels start): resolves with its first stdout line. */
  startLong(args: string[]): Promise<LongRunning>;
  /** The ProxyCommand for ssh's -o option. */
  proxyCommand: string;
  stop(): Promise<void>;
}

/** `keyring: false`: no D-Bus session at all, as over SSH, in a container or on WSL. */
export async function startCliWorld(fixture: FixtureInput, options: { keyring?: boolean } = {}): Promise<CliWorld> {
  const keyring: KeyringSession = options.keyring === false ? { env: {}, stop: async () => {} } : await keyringSession();
  const emu = await startEmulator({ fixture, autoApprove: true });
  const home = mkdtempSync(join(tmpdir(), 'bl-cli-'));
  const configFile = join(home, 'aws-config');
  writeFileSync(configFile, emu.awsConfigSnippet(), { mode: 0o600 });
  const dataDir = join(home, 'data');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    ...emu.env,
    ...keyring.env,
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
    BASTIONLESS_DATA_DIR: dataDir,
  };
  const run: CliWorld['run'] = (args, options = {}) =>
    new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolvePromise({ code, stdout: Buffer.concat(out), stderr });
      });
      child.stdin.end(options.input ?? '');
    });
  const startLong: CliWorld['startLong'] = async (args) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolveExit) => child.once('close', resolveExit));
    const firstLine = await new Promise<string>((resolveLine, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolveLine(out.split('\n')[0]!);
      });
      void exited.then((code) => reject(new Error(`bastionless ${args.join(' ')} exited ${code}: ${stderr}`)));
    });
    return { child, firstLine, exited, stderr: () => stderr };
  };
  return {
    emu,
    env,
    home,
    dataDir,
    run,
    startLong,
    proxyCommand: `${process.execPath} ${BIN} ssh-proxy %h %p`,
    async stop() {
      await emu.stop();
      await keyring.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
