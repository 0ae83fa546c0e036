import { spawn, type ChildProcess } from 'node:child_process';
import { PayloadType } from '../../main/core/ssm/constants';
import { buildExitCode } from '../../main/core/ssm/payloads';
import { FAITHFUL_READ_SIZE, OutputPump, UNPACED_READ_SIZE } from './output-pump';
import { Deferred, type InputResult, type PluginContext, type PluginEnd, type SessionPlugin } from './plugin';

/**
 * NonInteractiveCommands with separated output (spec §8.4): no pty; the command runs directly
 * (arguments split shell-style), stdout goes out as PayloadType 1, stderr as 11, then
 * `EXIT_CODE: <n>` as 12. Input is only scanned for Ctrl-C / Ctrl-\ which become signals.
 */

const CTRL_C = 0x03;
const CTRL_BACKSLASH = 0x1c;
/** The agent reports a spawn failure after a short delay (1–3 s in the agent); we use the low end. */
const START_FAILURE_DELAY_MS = 1000;

/** Splits a command line like a POSIX shell would (quotes and backslashes; no expansion). */
export function splitCommandLine(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArg = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else current += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string)) current += line[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inArg = true;
    } else if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
      inArg = true;
    } else if (/\s/.test(c)) {
      if (inArg) args.push(current);
      current = '';
      inArg = false;
    } else {
      current += c;
      inArg = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in command: ${line}`);
  if (inArg) args.push(current);
  return args;
}

export class CommandPlugin implements SessionPlugin {
  private child: ChildProcess | undefined;
  private readonly stdout: OutputPump;
  private readonly stderr: OutputPump;
  private readonly end = new Deferred<PluginEnd>();
  private cancelled = false;

  constructor(
    private readonly ctx: PluginContext,
    private readonly command: string,
  ) {
    const readSize = ctx.pace === 'faithful' ? FAITHFUL_READ_SIZE : UNPACED_READ_SIZE;
    const make = (payloadType: number): OutputPump =>
      new OutputPump({ pace: ctx.pace, holdUtf8Tail: false, readSize, isActive: () => ctx.isActive(), send: (c) => ctx.send(payloadType, c) });
    this.stdout = make(PayloadType.Output);
    this.stderr = make(PayloadType.StdErr);
    ctx.onActive(() => {
      this.stdout.kick();
      this.stderr.kick();
    });
  }

  get done(): Promise<PluginEnd> {
    return this.end.promise;
  }

  async start(): Promise<void> {
    let argv: string[];
    try {
      argv = splitCommandLine(this.command);
    } catch (err) {
      this.failLater((err as Error).message);
      return;
    }
    const [file, ...args] = argv;
    if (!file) {
      this.failLater('the command is empty');
      return;
    }
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const stdout = child.stdout;
    const stderr = child.stderr;
    if (!stdout || !stderr) throw new Error('child process has no output pipes');
    this.stdout.attach({ pause: () => stdout.pause(), resume: () => stdout.resume() });
    this.stderr.attach({ pause: () => stderr.pause(), resume: () => stderr.resume() });
    stdout.on('data', (d: Buffer) => this.stdout.push(d));
    stderr.on('data', (d: Buffer) => this.stderr.push(d));
    let spawnError: Error | undefined;
    child.on('error', (err) => {
      spawnError = err;
    });
    child.on('close', (code, signal) => {
      void (async () => {
        await Promise.all([this.stdout.end(), this.stderr.end()]);
        if (this.cancelled) return this.end.resolve({ ok: true, reason: 'cancelled' });
        if (spawnError) {
          this.failLater(`failed to run "${file}": ${spawnError.message}`);
          return;
        }
        const exitCode = code ?? (signal ? 128 + signalNumber(signal) : 1);
        this.ctx.send(PayloadType.ExitCode, buildExitCode(exitCode));
        this.end.resolve({ ok: true, reason: `command exited (code ${exitCode})` });
      })();
    });
  }

  private failLater(text: string): void {
    setTimeout(() => {
      if (!this.cancelled) this.ctx.send(PayloadType.StdErr, Buffer.from(text, 'utf8'));
      this.end.resolve({ ok: false, reason: text });
    }, START_FAILURE_DELAY_MS).unref();
  }

  input(payloadType: number, payload: Uint8Array): InputResult {
    if (payloadType !== PayloadType.Output) return 'ok';
    if (!this.child) return 'not-ready';
    for (const b of payload) {
      if (b === CTRL_C) this.child.kill('SIGINT');
      else if (b === CTRL_BACKSLASH) this.child.kill('SIGQUIT');
    }
    return 'ok';
  }

  async flushed(): Promise<void> {
    await Promise.all([this.stdout.drained(), this.stderr.drained()]);
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.stdout.stop();
    this.stderr.stop();
    if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
    else this.end.resolve({ ok: true, reason: 'cancelled' });
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return table[signal] ?? 0;
}
