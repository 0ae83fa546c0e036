import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SshConfigArgs } from '../args';
import type { CliContext } from '../context';
import { ExitCode } from '../exit-codes';
import { SSH_HOST_SUFFIX } from './ssh-proxy';

/**
 * `bastionless ssh-config`: a Host block for ~/.ssh/config. The ProxyCommand names this very
 * node and script by absolute path, so it works from ssh, git and IDEs that have no PATH of ours.
 */

const quote = (s: string) => (/^[A-Za-z0-9_./:@%+=-]+$/.test(s) ? s : `"${s.replace(/(["\\])/g, '\\$1')}"`);

export function sshConfigBlock(options: { node: string; script: string; user?: string }): string {
  return [
    '# Bastionless: ssh, scp, rsync and git to managed instances through AWS Session Manager.',
    `#   ssh ec2-user@i-0123456789abcdef0     ssh ec2-user@prod-web-1${SSH_HOST_SUFFIX}`,
    `Host i-* mi-* *${SSH_HOST_SUFFIX}`,
    `    ProxyCommand ${quote(options.node)} ${quote(options.script)} ssh-proxy %h %p`,
    ...(options.user ? [`    User ${options.user}`] : []),
    // Instance ids are reused names for changing hosts; keys are learnt per id, not trusted blindly.
    '    StrictHostKeyChecking accept-new',
    '    ServerAliveInterval 30',
    '',
  ].join('\n');
}

/** The script this process runs (bin/bastionless.js, or the bundled out/cli/bastionless.mjs), absolute. */
export function scriptPath(argv1: string | undefined = process.argv[1]): string {
  if (!argv1) return 'bastionless';
  try {
    return realpathSync(argv1);
  } catch {
    return resolve(argv1);
  }
}

export async function sshConfig(ctx: CliContext, args: SshConfigArgs): Promise<number> {
  ctx.io.stdout.write(sshConfigBlock({ node: process.execPath, script: scriptPath(), ...(args.user ? { user: args.user } : {}) }));
  return ExitCode.ok;
}
