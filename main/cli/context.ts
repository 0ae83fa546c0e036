import type { Readable, Writable } from 'node:stream';
import type { CliCore, CliCoreOptions } from './core';

/**
 * What a command runs with: its streams, the environment, and the core (built on first use, so
 * `--help` and `ssh-config` never touch the keychain). stdout carries only results (and, in
 * ssh-proxy, only protocol bytes); everything meant for a person goes to stderr.
 */
export interface CliIo {
  stdin: Readable & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

export class CliContext {
  private built: CliCore | undefined;
  private factory: ((options: CliCoreOptions) => CliCore) | undefined;
  readonly debugEnabled: boolean;

  constructor(
    readonly io: CliIo,
    private readonly coreOptions: { openBrowser: boolean } = { openBrowser: true },
  ) {
    this.debugEnabled = Boolean(io.env.BASTIONLESS_DEBUG && io.env.BASTIONLESS_DEBUG !== '0');
  }

  /** A line for the person at the terminal (stderr). */
  say(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  debug(line: string): void {
    if (this.debugEnabled) this.io.stderr.write(`[debug] ${line}\n`);
  }

  /** A result line (stdout). */
  out(line: string): void {
    this.io.stdout.write(`${line}\n`);
  }

  setOpenBrowser(open: boolean): void {
    if (this.built) throw new Error('setOpenBrowser must be called before the core is built');
    this.coreOptions.openBrowser = open;
  }

  /** Loaded on demand (core.ts pulls in the AWS SDK), before the first core(). */
  async loadCore(): Promise<void> {
    this.factory ??= (await import('./core')).createCliCore;
  }

  core(): CliCore {
    if (!this.factory) throw new Error('CliContext.loadCore() must run before core()');
    return (this.built ??= this.factory({ env: this.io.env, openBrowser: this.coreOptions.openBrowser, log: (line) => this.debug(line) }));
  }

  async dispose(): Promise<void> {
    await this.built?.dispose();
  }
}
