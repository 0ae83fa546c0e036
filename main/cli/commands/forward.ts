import { createPortSessionOpener } from '../../core/tunnels/port-session-opener';
import { Tunnel } from '../../core/tunnels/tunnel';
import type { ForwardArgs } from '../args';
import type { CliContext } from '../context';
import { ExitCode } from '../exit-codes';
import { findTarget } from '../instances';
import { onInterrupt } from '../signals';
import { describeInstance } from '../target';
import type { CountdownItemSource } from '../../core/countdown/service';
import { watchTunnelCountdown, type CliCountdown } from '../countdown';

/**
 * `bastionless forward`: the app's Tunnel (listener on 127.0.0.1, pooled mux sessions, session
 * replacement) in the foreground until Ctrl-C. The first stdout line is the local address, so a
 * script can read it; the rest is for the person, on stderr.
 */

export async function runTunnelUntilInterrupted(ctx: CliContext, tunnel: Tunnel, describe: string, item: () => CountdownItemSource | undefined): Promise<number> {
  const stop = onInterrupt();
  let countdown: CliCountdown | undefined;
  try {
    await tunnel.start();
    const snap = tunnel.snapshot();
    const host = snap.bindAddress.includes(':') ? `[${snap.bindAddress}]` : snap.bindAddress;
    ctx.out(`${host}:${snap.localPort}`);
    ctx.say(`Forwarding ${host}:${snap.localPort} → ${describe}. Press Ctrl-C to stop.`);
    countdown = await watchTunnelCountdown(ctx, item);
    let lastError: string | null = null;
    tunnel.on('change', () => {
      countdown?.refresh();
      const now = tunnel.snapshot();
      if (now.lastError && now.lastError !== lastError) ctx.say(`bastionless: ${now.lastError}`);
      lastError = now.lastError;
    });
    const signal = await stop.promise;
    ctx.debug(`${signal}: stopping the tunnel`);
    ctx.say('Stopping…');
    return ExitCode.ok;
  } finally {
    countdown?.dispose();
    stop.dispose();
    await tunnel.stop();
  }
}

export async function forward(ctx: CliContext, args: ForwardArgs): Promise<number> {
  const core = ctx.core();
  const { instance, target } = await findTarget(core, args.target, (l) => ctx.debug(l));
  const opener = createPortSessionOpener(core.portSessions, target, { port: args.remotePort, ...(args.host ? { remoteHost: args.host } : {}) });
  const tunnel = new Tunnel(opener, { bindAddress: '127.0.0.1', localPort: args.localPort });
  const destination = args.host ? `${args.host}:${args.remotePort} via ${describeInstance(instance)}` : `port ${args.remotePort} on ${describeInstance(instance)}`;
  return runTunnelUntilInterrupted(ctx, tunnel, destination, () => ({ id: 'forward', kind: 'tunnel', label: destination, scope: target, sessions: tunnel.activity() }));
}
