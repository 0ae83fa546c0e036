import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pty from 'node-pty';
import type { FixtureInstance } from '../fixture';
import { PayloadType } from '../../main/core/ssm/constants';
import { parseSize } from '../../main/core/ssm/payloads';
import type { InputResult, PluginContext } from './plugin';
import { PumpedPlugin } from './pumped-plugin';

/**
 * Standard_Stream and InteractiveCommands (spec §8): a real PTY as the local user. The shell is
 * the fixture's `instance.shell`, else bash without rc files (so the prompt is predictable),
 * else /bin/sh. Windows instances get a PowerShell-looking prompt on the local shell: no
 * PowerShell here.
 */

const DEFAULT_COLS = 80;
const DEFAULT_ROWS = 24;

export interface ShellPluginOptions {
  instance: FixtureInstance;
  /** InteractiveCommands: run `sh -c <command>` instead of a login shell. */
  command?: string;
}

export function hostLabel(instance: FixtureInstance): string {
  if (instance.privateIp) return `ip-${instance.privateIp.replace(/\./g, '-')}`;
  return instance.name ?? instance.id;
}

/** The prompt a test can wait for: `[ec2-user@<host> ~]$ ` or `PS C:\Windows\system32> `. */
export function shellPrompt(instance: FixtureInstance): string {
  return instance.platform === 'Windows' ? 'PS C:\\Windows\\system32> ' : `[ec2-user@${hostLabel(instance)} ~]$ `;
}

function pickShell(options: ShellPluginOptions): { file: string; args: string[] } {
  if (options.command !== undefined) return { file: '/bin/sh', args: ['-c', options.command] };
  if (options.instance.shell) return { file: options.instance.shell.command, args: options.instance.shell.args };
  if (existsSync('/bin/bash')) return { file: '/bin/bash', args: ['--norc', '--noprofile'] };
  return { file: '/bin/sh', args: [] };
}

export class ShellPlugin extends PumpedPlugin {
  private term: pty.IPty | undefined;
  private home: string | undefined;
  private exited = false;
  private size = { cols: DEFAULT_COLS, rows: DEFAULT_ROWS };

  constructor(
    ctx: PluginContext,
    private readonly options: ShellPluginOptions,
  ) {
    super(ctx, { holdUtf8Tail: true });
  }

  async start(): Promise<void> {
    const { file, args } = pickShell(this.options);
    this.home = mkdtempSync(join(tmpdir(), 'bastionless-emu-home-'));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    env.TERM = 'xterm-256color';
    env.LANG ??= 'C.UTF-8';
    env.HOME = this.home;
    // bash expands backslash escapes in PS1; the Windows prompt has literal backslashes.
    const prompt = shellPrompt(this.options.instance);
    env.PS1 = file.endsWith('bash') ? prompt.replace(/\\/g, '\\\\') : prompt;
    env.HISTFILE = '/dev/null';
    // encoding null: raw bytes, so multi-byte characters split across reads stay intact (§8.2).
    const term = pty.spawn(file, args, { name: 'xterm-256color', cols: this.size.cols, rows: this.size.rows, cwd: this.home, env, encoding: null });
    this.term = term;
    this.pump.attach({ pause: () => term.pause(), resume: () => term.resume() });
    term.onData((data: unknown) => this.pump.push(data as Buffer));
    term.onExit(({ exitCode, signal }) => this.onExit(exitCode, signal));
  }

  private onExit(exitCode: number, signal: number | undefined): void {
    this.exited = true;
    if (this.home) rmSync(this.home, { recursive: true, force: true });
    this.home = undefined;
    // Interactive shells report no exit code (§8.3): ending is the channel closing.
    void this.finish({ ok: true, reason: `shell exited (code ${exitCode}${signal ? `, signal ${signal}` : ''})` });
  }

  input(payloadType: number, payload: Uint8Array): InputResult {
    if (!this.term) return 'not-ready';
    if (payloadType === PayloadType.Output) {
      this.term.write(Buffer.from(payload));
    } else if (payloadType === PayloadType.Size) {
      const size = parseSize(payload);
      // The agent truncates to 16 bits; a zero dimension would make the pty ioctl fail.
      const cols = size.cols & 0xffff || DEFAULT_COLS;
      const rows = size.rows & 0xffff || DEFAULT_ROWS;
      this.size = { cols, rows };
      this.term.resize(cols, rows);
    }
    return 'ok';
  }

  protected release(): void {
    if (!this.term || this.exited) return;
    try {
      this.term.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
