import { execFile as execFileCb, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../support/free-port';

const execFile = promisify(execFileCb);

/**
 * A private PostgreSQL cluster for one test file: initdb into a temp folder, trust auth on
 * 127.0.0.1, a free port. initdb refuses to run as root, so as root it runs as the `postgres`
 * system user (Debian's package creates it) through runuser.
 */

export interface PgCluster {
  port: number;
  dir: string;
  stop(): Promise<void>;
}

export function postgresBinDir(): string {
  const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql; apt-get install postgresql');
  return join('/usr/lib/postgresql', versions[0], 'bin');
}


export async function startPgCluster(): Promise<PgCluster> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'bl-pg-'));
  const asRoot = process.getuid?.() === 0;
  const { stdout: ids } = asRoot ? await execFile('id', ['-u', 'postgres']) : { stdout: '' };
  if (asRoot) chownSync(dir, Number(ids.trim()), Number((await execFile('id', ['-g', 'postgres'])).stdout.trim()));
  const run = (program: string, args: string[]) => (asRoot ? execFile('runuser', ['-u', 'postgres', '--', join(bin, program), ...args]) : execFile(join(bin, program), args));
  const data = join(dir, 'data');
  await run('initdb', ['-D', data, '--auth=trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=120 -c fsync=off`;
  await run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', 'start']);
  return {
    port,
    dir,
    async stop() {
      await run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a program to completion; resolves with its exit code and output. */
export function runProgram(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
