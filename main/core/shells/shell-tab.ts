import { EventEmitter } from 'node:events';
import { DataChannel, ShellSession, type ResumePoint, type ShellEnd } from '../ssm/index';
import { generateSessionDataKey, type GenerateDataKeyFn } from '../ssm/index';
import type { SessionService, StartSessionOptions } from '../aws/sessions';
import type { CredentialsForTarget, SessionTarget } from '../aws/target';
import { AppError, isAppError } from '../errors';
import { channelActivity, type SessionActivity } from '../countdown/activity';
import { EXIT_PROBE_LINE, ExitStatusFilter } from './exit-status';
import { OutputQueue, type OutputWriter } from './output-queue';
import type { ShellStatus, TerminalSize } from './types';

/**
 * One terminal tab's session: StartSession with the target's credentials, the data channel
 * (which reconnects through ResumeSession on its own), the shell session, the exit-code probe,
 * bounded output towards the renderer and paced input towards the agent. Closing terminates.
 */

export interface ShellTabDeps {
  sessions: SessionService;
  credentials: CredentialsForTarget;
  /** Emulator and tests: accept ws:// StreamUrls. */
  allowInsecure?: boolean;
  generateDataKey?: GenerateDataKeyFn;
  /** Data-channel overrides (tests: faster retries). */
  channelOptions?: Pick<ConstructorParameters<typeof DataChannel>[0], 'retry' | 'pingIntervalMs'>;
  /** Give up hiding the probe's echo after this long without an answer (not a POSIX shell). */
  probeTimeoutMs?: number;
  /**
   * Why Session Manager itself ended the tab's session, when its countdown says a cut was due
   * ("idle timeout"); undefined when nothing was due (the shell exited, someone terminated it).
   */
  cutBySessionManager?: (tabId: string) => string | undefined;
}

export interface ShellTabInit {
  id: string;
  instanceKey: string;
  target: SessionTarget;
  size: TerminalSize;
  start?: StartSessionOptions;
  /** Ask the shell for its exit status (POSIX shells). Default: on unless the target is Windows. */
  exitCodeProbe?: boolean;
  /** The session this tab had when the app last quit: reconnect to it instead of starting one. */
  resume?: SuspendedSession;
}

/** A session left running when the app quit, and where its data channel left off. */
export interface SuspendedSession extends ResumePoint {
  sessionId: string;
  /** Epoch ms the session started (absent in tab lists saved before countdowns existed). */
  startedAt?: number;
}

/** Input is handed to the data channel in pieces of this size while its window has room. */
const INPUT_PIECE = 16 * 1024;

type Events = { status: [ShellStatus] };

export class ShellTab extends EventEmitter<Events> {
  readonly id: string;
  readonly instanceKey: string;
  readonly target: SessionTarget;
  readonly title: string;
  private size: TerminalSize;
  private current: ShellStatus = { state: 'connecting' };
  private shell: ShellSession | undefined;
  private channel: DataChannel | undefined;
  private sessionId: string | undefined;
  /** When the current session started (an earlier run's, for a reconnected one). */
  private sessionStartedAt = 0;
  private filter = new ExitStatusFilter(false);
  private readonly output: OutputQueue;
  private input: Buffer[] = [];
  private closed = false;
  private probeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly init: ShellTabInit,
    private readonly deps: ShellTabDeps,
  ) {
    super();
    this.id = init.id;
    this.instanceKey = init.instanceKey;
    this.target = init.target;
    this.title = init.target.name ?? init.target.instanceId;
    this.size = init.size;
    this.output = new OutputQueue({
      onDrain: () => {
        this.channel?.setReadingPaused(false);
        this.channel?.receiverReady();
      },
    });
  }

  get status(): ShellStatus {
    return this.current;
  }
  get currentSessionId(): string | undefined {
    return this.sessionId;
  }
  /** The live session's start and traffic, for its countdown; undefined while none is open. */
  get activity(): SessionActivity | undefined {
    const channel = this.channel;
    if (!channel || !this.sessionId || channel.currentState === 'closed' || this.closed) return undefined;
    return channelActivity(this.sessionId, channel, this.sessionStartedAt || channel.createdAt);
  }
  get probing(): boolean {
    return this.init.exitCodeProbe ?? this.target.platform !== 'Windows';
  }

  /** Output waiting for the reader (bounded: see OutputQueue). */
  get queuedOutputBytes(): number {
    return this.output.queuedBytes;
  }

  attachOutput(writer: OutputWriter): void {
    this.output.attach(writer);
  }
  detachOutput(writer: OutputWriter): void {
    this.output.detach(writer);
  }

  /**
   * Starts a session (again, after an exit or a failure: same tab, same screen); the first start
   * of a restored tab reconnects to the session the previous run left instead, when it still runs.
   */
  async start(): Promise<void> {
    if (this.closed) return;
    this.setStatus({ state: 'connecting' });
    this.input = [];
    const suspended = this.init.resume;
    delete this.init.resume;
    let started;
    let resumeAt: ResumePoint | undefined;
    if (suspended) {
      try {
        const r = await this.deps.sessions.resume(this.target, suspended.sessionId);
        started = { sessionId: suspended.sessionId, tokenValue: r.tokenValue, streamUrl: r.streamUrl };
        resumeAt = { nextOutgoingSeq: suspended.nextOutgoingSeq, expectedIncomingSeq: suspended.expectedIncomingSeq };
        this.sessionStartedAt = suspended.startedAt ?? 0;
      } catch {
        this.notice(`Session ${suspended.sessionId} has ended since Bastionless quit; this is a new session.`);
      }
    }
    const resumed = resumeAt !== undefined;
    // A resumed shell has its exit trap already (it reports the code at exit); no second probe.
    this.filter = new ExitStatusFilter(this.probing && !resumed);
    try {
      if (!started) {
        this.sessionStartedAt = Date.now();
        started = await this.deps.sessions.start(this.target, this.init.start);
      }
    } catch (err) {
      this.fail(err);
      return;
    }
    if (this.closed) {
      await this.terminateQuietly(started.sessionId);
      return;
    }
    if (resumed) this.notice(`Reconnected to session ${started.sessionId}, still running since Bastionless quit. Press Enter for a prompt.`);
    this.sessionId = started.sessionId;
    const channel = new DataChannel({
      ...(resumeAt ? { resumeAt } : {}),
      credentials: { SessionId: started.sessionId, TokenValue: started.tokenValue, StreamUrl: started.streamUrl },
      targetId: this.target.instanceId,
      allowInsecure: this.deps.allowInsecure ?? false,
      resume: (id) => this.resume(id),
      generateDataKey: (req) =>
        (this.deps.generateDataKey ?? generateSessionDataKey)({
          ...req,
          clientConfig: { ...req.clientConfig, region: this.target.region, credentials: this.deps.credentials(this.target) },
        }),
      ...this.deps.channelOptions,
    });
    this.channel = channel;
    // While the renderer is behind, the socket is not read (below); refuse only past that.
    gateReceiver(channel, () => !this.output.overflowing);
    const shell = new ShellSession(channel, { size: this.size, resumed });
    this.shell = shell;
    let probeSent = false;
    shell.on('data', (bytes) => {
      if (this.shell !== shell) return;
      if (!probeSent && this.filter.isHiding) {
        probeSent = true;
        this.sendProbe(shell);
      }
      this.output.push(this.filter.push(bytes));
      if (this.output.full) channel.setReadingPaused(true);
      // Keystrokes held while the probe was pending go out once it has answered.
      if (!this.filter.isHiding) this.flushInput();
    });
    shell.on('end', (end) => this.onEnd(shell, end));
    channel.on('state', (e) => {
      if (this.shell !== shell || this.closed) return;
      if (e.state === 'open') this.setStatus({ state: 'connected' });
      else if (e.state === 'reconnecting') this.setStatus({ state: 'reconnecting', ...(e.attempt ? { attempt: e.attempt } : {}) });
    });
    channel.on('drain', () => this.flushInput());
    try {
      await shell.start();
    } catch (err) {
      if (this.shell === shell && !this.closed) this.fail(err);
    }
  }

  write(bytes: Uint8Array): void {
    if (this.closed) return;
    const s = this.current.state;
    if (s === 'exited' || s === 'failed') {
      // Enter on an ended tab starts a new session in it.
      if (bytes.length === 1 && bytes[0] === 0x0d) void this.start();
      return;
    }
    this.input.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.flushInput();
  }

  resize(size: TerminalSize): void {
    this.size = { cols: Math.max(1, Math.floor(size.cols)), rows: Math.max(1, Math.floor(size.rows)) };
    if (this.shell && this.channel?.currentState !== 'closed') this.shell.resize(this.size);
  }

  /**
   * The app is quitting: leave the session running and say where it stands, so the next run can
   * reconnect to it. Nothing to resume (not connected, or KMS-encrypted: its key dies with this
   * process) → closes the tab as usual and returns undefined.
   */
  async suspend(): Promise<SuspendedSession | undefined> {
    const channel = this.channel;
    const sessionId = this.sessionId;
    const live = this.current.state === 'connected' || this.current.state === 'reconnecting';
    if (this.closed || !channel || !sessionId || !live || channel.isEncrypted) {
      await this.close();
      return undefined;
    }
    this.closed = true;
    clearTimeout(this.probeTimer);
    const point = channel.resumePoint();
    this.shell?.close();
    return { sessionId, ...point, ...(this.sessionStartedAt ? { startedAt: this.sessionStartedAt } : {}) };
  }

  /** Closes the tab: TerminateSession, then the channel. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.probeTimer);
    const sessionId = this.sessionId;
    const live = this.channel && this.channel.currentState !== 'closed';
    this.shell?.close();
    if (sessionId && live) await this.terminateQuietly(sessionId);
  }

  private sendProbe(shell: ShellSession): void {
    shell.write(EXIT_PROBE_LINE);
    this.probeTimer = setTimeout(() => {
      this.output.push(this.filter.giveUp());
      this.flushInput();
    }, this.deps.probeTimeoutMs ?? 5000);
    this.probeTimer.unref();
  }

  private flushInput(): void {
    const shell = this.shell;
    const channel = this.channel;
    if (!shell || !channel || channel.currentState === 'closed') return;
    // Until the exit probe has answered, output is hidden; a command typed in that window would
    // run with its output hidden too, so its keystrokes wait (the shell would queue them anyway).
    if (this.filter.isHiding) return;
    while (this.input.length && channel.canSend()) {
      const head = this.input[0]!;
      const piece = head.subarray(0, INPUT_PIECE);
      if (piece.length === head.length) this.input.shift();
      else this.input[0] = head.subarray(INPUT_PIECE);
      shell.write(piece);
    }
  }

  private async resume(sessionId: string): Promise<{ TokenValue: string; StreamUrl?: string } | null> {
    try {
      const r = await this.deps.sessions.resume(this.target, sessionId);
      return { TokenValue: r.tokenValue, ...(r.streamUrl ? { StreamUrl: r.streamUrl } : {}) };
    } catch (err) {
      if (isAppError(err) && err.code === 'session-gone') return null;
      throw err;
    }
  }

  private onEnd(shell: ShellSession, end: ShellEnd): void {
    if (this.shell !== shell) return;
    clearTimeout(this.probeTimer);
    this.output.push(this.filter.flush());
    if (this.closed) return;
    switch (end.reason) {
      case 'channel-closed':
      case 'local': {
        const code = end.exitCode ?? this.filter.exitCode;
        const cut = code === undefined && end.reason === 'channel-closed' ? this.deps.cutBySessionManager?.(this.id) : undefined;
        this.setStatus({
          state: 'exited',
          ...(code !== undefined ? { exitCode: code } : {}),
          message: code !== undefined ? `exited with code ${code}` : cut ? `closed by Session Manager: ${cut}` : exitWithoutCode(this.target, this.probing),
          hint: 'Press Enter to start a new session in this tab.',
        });
        return;
      }
      case 'resume-refused':
        this.setStatus({ state: 'failed', message: end.message || 'The session can no longer be resumed.', hint: 'It timed out or was terminated. Press Enter to start a new session.' });
        return;
      default:
        this.setStatus({ state: 'failed', message: end.message || 'The connection was lost.', hint: 'Check the network or VPN, then press Enter to start a new session.' });
    }
  }

  /** A line of our own on the tab's screen (never sent to the shell). */
  private notice(text: string): void {
    this.output.push(Buffer.from(`\r\n\x1b[2m[Bastionless] ${text}\x1b[0m\r\n`));
  }

  private fail(err: unknown): void {
    const e = isAppError(err) ? err : new AppError('shell-failed', err instanceof Error ? err.message : String(err));
    this.setStatus({ state: 'failed', message: e.message, hint: e.hint ?? 'Press Enter to try again.' });
  }

  private async terminateQuietly(sessionId: string): Promise<void> {
    try {
      await this.deps.sessions.terminate(this.target, sessionId);
    } catch {
      // The session ends on the service's idle timeout anyway; closing the tab must not fail.
    }
  }

  private setStatus(status: ShellStatus): void {
    this.current = status;
    this.emit('status', status);
  }
}

function exitWithoutCode(target: SessionTarget, probing: boolean): string {
  if (!probing) return target.platform === 'Windows' ? 'exited (PowerShell sessions do not report an exit code)' : 'exited (exit code not requested)';
  return 'exited (the shell did not report an exit code)';
}

/**
 * ShellSession installs its own receiver; this wraps whatever receiver the channel gets, so a
 * overflowing output queue answers 'not-ready' (no acknowledgement) instead of buffering more.
 */
function gateReceiver(channel: DataChannel, open: () => boolean): void {
  const setReceiver = channel.setReceiver.bind(channel);
  channel.setReceiver = (receiver) => setReceiver((p) => (open() ? receiver(p) : 'not-ready'));
}
