import { execFile as execFileCb, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../support/free-port';

const execFile = promisify(execFileCb);

/**
 * A private OpenSSH server on 127.0.0.1 for one test file: temp host key, one generated client
 * key in a temp authorized_keys, sftp for scp, run as the current user (root in CI: key only).
 */
export interface PrivateSshd {
  port: number;
  user: string;
  /** The client's private key file (-i). */
  identity: string;
  dir: string;
  stop(): Promise<void>;
}

export async function startSshd(): Promise<PrivateSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'bl-sshd-'));
  await execFile('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  await execFile('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')), { mode: 0o600 });
  // sshd checks for its privilege separation folder even when it never uses it.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_key')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'Subsystem sftp internal-sftp',
    'LogLevel VERBOSE',
  ].join('\n');
  writeFileSync(join(dir, 'sshd_config'), `${config}\n`);
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('Server listening on')) resolve();
    });
    child.once('error', (err) => reject(new Error(`cannot start sshd (${err.message}); apt-get install openssh-server`)));
    child.once('exit', (code) => reject(new Error(`sshd exited (${code}): ${log}`)));
  });
  return {
    port,
    user: userInfo().username,
    identity: join(dir, 'client_key'),
    dir,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
