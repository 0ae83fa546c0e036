import { ShellTab } from '../../core/shells/shell-tab';
import type { ShellStatus, TerminalSize } from '../../core/shells/types';
import type { ShellArgs } from '../args';
import type { CliContext } from '../context';
import { ExitCode } from '../exit-codes';
import { findTarget } from '../instances';
import { describeInstance } from '../target';
import { watchCountdown } from '../countdown';

/**
 * `bastionless shell TARGET`: the app's shell tab (StartSession, resume, exit-code probe) wired
 * to this terminal. Raw mode so keys (Ctrl-C included) go to the remote side; SIGWINCH resizes;
 * the remote shell's exit code becomes ours.
 */

type Ended = Extract<ShellStatus, { state: 'exited' | 'failed' }>;

export async function shell(ctx: CliContext, args: ShellArgs): Promise<number> {
  const core = ctx.core();
  const { instance, target } = await findTarget(core, args.target, (l) => ctx.debug(l));
  const { stdin, stdout } = ctx.io;
  const size = (): TerminalSize => ({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
  const tab = new ShellTab({ id: 'cli', instanceKey: instance.key, target, size: size() }, { sessions: core.aws.sessions, credentials: core.aws.credentials, allowInsecure: core.allowInsecure });
  tab.attachOutput((chunk) => new Promise<void>((resolve) => (stdout.write(chunk) ? resolve() : stdout.once('drain', () => resolve()))));

  let connected = false;
  const ended = new Promise<Ended>((resolve) => {
    tab.on('status', (status) => {
      if (status.state === 'connected' && !connected) {
        connected = true;
        ctx.debug(`session ${tab.currentSessionId ?? ''} open`);
      }
      if (status.state === 'exited' || status.state === 'failed') resolve(status);
      else if (status.state === 'reconnecting') ctx.debug(`connection lost, resuming (attempt ${status.attempt ?? 1})`);
    });
  });

  const raw = Boolean(stdin.isTTY && stdin.setRawMode);
  const onInput = (data: Buffer) => tab.write(data);
  // Piped input: its end is the end of what the remote shell should read (Ctrl-D).
  const onInputEnd = () => tab.write(Buffer.from([0x04]));
  const onResize = () => tab.resize(size());
  // Without a terminal, Ctrl-C arrives as a signal; the plugin forwards it as 0x03 (spec §8.1).
  const onSigint = () => tab.write(Buffer.from([0x03]));
  let hangup: (() => void) | undefined;
  const hungUp = new Promise<'hangup'>((resolve) => (hangup = () => resolve('hangup')));

  ctx.say(`Starting a session on ${describeInstance(instance)}.`);
  const cleanup = () => {
    stdin.off('data', onInput);
    stdin.off('end', onInputEnd);
    process.off('SIGWINCH', onResize);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', hangup!);
    process.off('SIGHUP', hangup!);
    if (raw) stdin.setRawMode!(false);
    inRawMode = false;
    stdin.pause();
  };
  let inRawMode = false;
  // In raw mode the cursor does not return by itself: a warning gets a line of its own.
  const countdown = watchCountdown(core, {
    kind: 'tab',
    item: () => ({ id: tab.id, kind: 'tab', label: describeInstance(instance), scope: target, sessions: tab.activity ? [tab.activity] : [] }),
    tell: (line) => (inRawMode ? ctx.io.stderr.write(`\r\n[bastionless] ${line}\r\n`) : ctx.say(`[bastionless] ${line}`)),
  });
  // Read while the session starts, so the terminal is not kept waiting for it.
  const limits = countdown.limits().catch(() => undefined);
  try {
    await tab.start();
    const said = await limits;
    if (said) ctx.say(said);
    if (raw) {
      stdin.setRawMode!(true);
      inRawMode = true;
    }
    // Warnings only after the limits, which say what they are about.
    countdown.refresh();
    tab.on('status', () => countdown.refresh());
    stdin.on('data', onInput);
    stdin.on('end', onInputEnd);
    stdin.resume();
    process.on('SIGWINCH', onResize);
    if (!raw) process.on('SIGINT', onSigint);
    process.on('SIGTERM', hangup!);
    process.on('SIGHUP', hangup!);
    const end = await Promise.race([ended, hungUp]);
    cleanup();
    if (end === 'hangup') {
      await tab.close();
      return ExitCode.interrupted;
    }
    if (end.state === 'failed') {
      ctx.say(`\nbastionless: ${end.message}${connected ? '' : end.hint ? `\n  ${end.hint.replace(/Press Enter to [^.]*\./, 'Run the command again.')}` : ''}`);
      return ExitCode.failure;
    }
    if (end.exitCode === undefined) ctx.debug(end.message);
    return end.exitCode ?? ExitCode.ok;
  } finally {
    countdown.dispose();
    cleanup();
    await tab.close();
  }
}
