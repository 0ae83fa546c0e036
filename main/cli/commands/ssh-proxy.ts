import { once } from 'node:events';
import { AppError, isAppError } from '../../core/errors';
import { DataChannel, PortSession, type ClosedEvent } from '../../core/ssm/index';
import type { SshProxyArgs } from '../args';
import type { CliContext } from '../context';
import { ExitCode } from '../exit-codes';
import { findTarget } from '../instances';
import { channelActivity } from '../../core/countdown/activity';
import { watchCountdown } from '../countdown';

/**
 * `bastionless ssh-proxy TARGET PORT`: AWS-StartSSHSession in stdio mode (spec §9.3), for ssh's
 * ProxyCommand. stdout carries the session's bytes and nothing else; every message is on stderr.
 * stdin EOF ends the session once what was sent is acknowledged.
 */

export const SSH_DOCUMENT = 'AWS-StartSSHSession';
/** Host names in ssh config patterns may carry this suffix (`Host *.bastionless`). */
export const SSH_HOST_SUFFIX = '.bastionless';

export function sshTarget(host: string): string {
  return host.toLowerCase().endsWith(SSH_HOST_SUFFIX) ? host.slice(0, -SSH_HOST_SUFFIX.length) : host;
}

export async function sshProxy(ctx: CliContext, args: SshProxyArgs): Promise<number> {
  const core = ctx.core();
  const { target } = await findTarget(core, sshTarget(args.target), (l) => ctx.debug(l));
  const sessions = core.aws.sessions;
  const started = await sessions.start(target, { documentName: SSH_DOCUMENT, parameters: { portNumber: [String(args.port)] } });
  ctx.debug(`session ${started.sessionId} on ${target.instanceId}:${args.port}`);
  const channel = new DataChannel({
    credentials: { SessionId: started.sessionId, TokenValue: started.tokenValue, StreamUrl: started.streamUrl },
    targetId: target.instanceId,
    allowInsecure: core.allowInsecure,
    generateDataKey: core.dataKeyFor(target),
    resume: async (sessionId) => {
      try {
        const r = await sessions.resume(target, sessionId);
        return { TokenValue: r.tokenValue, ...(r.streamUrl ? { StreamUrl: r.streamUrl } : {}) };
      } catch (err) {
        if (isAppError(err) && err.code === 'session-gone') return null;
        throw err;
      }
    },
  });
  const port = new PortSession(channel);
  const ended = once(port, 'end') as Promise<[ClosedEvent]>;
  try {
    await port.start();
  } catch (err) {
    await sessions.terminate(target, started.sessionId).catch(() => undefined);
    throw new AppError('ssh-session-failed', `The SSH session on ${target.instanceId} did not start: ${err instanceof Error ? err.message : String(err)}`, `Check that the instance is online and that your role may use ${SSH_DOCUMENT}.`, { cause: err });
  }
  if (port.mode !== 'stdio') {
    await port.terminate().catch(() => undefined);
    throw new AppError('ssh-session-failed', `${SSH_DOCUMENT} on ${target.instanceId} answered in ${port.mode ?? 'an unknown'} mode, not stdio.`, 'The document must not set type LocalPortForwarding; use `bastionless forward` for local ports.');
  }
  port.pipeStdio(ctx.io.stdin, ctx.io.stdout);
  // Only warnings, no limits line: ssh runs this for every connection (scp, git), and a warning
  // is worth its line. ssh's raw terminal does not turn \n into \r\n, so the line brings both.
  const activity = channelActivity(started.sessionId, channel);
  const countdown = watchCountdown(core, {
    kind: 'tab',
    item: () => ({ id: 'ssh', kind: 'tab', label: target.instanceId, scope: target, sessions: channel.currentState === 'closed' ? [] : [activity] }),
    tell: (line) => ctx.io.stderr.write(`\r\n[bastionless] ${line}\r\n`),
  });
  countdown.refresh();
  // ssh kills its ProxyCommand when it is done; say goodbye to the service on the way out.
  const onSignal = () => void port.terminate().catch(() => undefined);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    const [end] = await ended;
    ctx.debug(`session ended: ${end.reason} ${end.message}`);
    if (end.reason === 'channel-closed' || end.reason === 'local') return ExitCode.ok;
    ctx.say(`bastionless: the SSH session to ${target.instanceId} ended: ${end.message || end.reason}`);
    return ExitCode.failure;
  } finally {
    countdown.dispose();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}
