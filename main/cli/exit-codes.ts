import { AppError, isAppError } from '../core/errors';

/**
 * The `bastionless` exit codes, stable for scripts (documented in `bastionless --help` and the
 * README). `shell` is the exception once its session runs: it exits with the remote shell's code.
 */
export const ExitCode = {
  ok: 0,
  /** Anything that went wrong at run time: network, AWS refused, the session dropped. */
  failure: 1,
  /** The command line itself is wrong; nothing was attempted. */
  usage: 2,
  /** Not signed in (or the sign-in expired, or the keychain holding it is locked). */
  signIn: 3,
  /** TARGET matched no instance, or several; SESSION_ID matched no session, or several. */
  target: 4,
  /** Ctrl-C (SIGINT) while waiting, as shells report 128 + 2. */
  interrupted: 130,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0    success (forward and tunnels start: stopped with Ctrl-C)
  1    runtime failure (network, AWS refused, session lost)
  2    usage error (unknown command or option, bad value)
  3    not signed in, or the sign-in expired: run \`bastionless login\`
  4    TARGET or SESSION_ID not found, or ambiguous (the candidates are listed)
  130  interrupted (Ctrl-C) before the command finished
  shell: once the session runs, the remote shell's exit code`;

/** A mistake on the command line: exit 2, with the command's usage line. */
export class UsageError extends AppError {
  constructor(message: string, hint?: string) {
    super('usage', message, hint);
  }
}

const SIGN_IN_CODES = new Set(['sign-in-required', 'not-signed-in', 'keychain-unavailable']);
const TARGET_CODES = new Set(['target-not-found', 'target-ambiguous', 'unknown-instance', 'target-unresolved', 'profile-not-found', 'session-not-found', 'session-ambiguous']);

export function exitCodeFor(err: unknown): number {
  if (!isAppError(err)) return ExitCode.failure;
  if (err.code === 'usage') return ExitCode.usage;
  if (err.code === 'interrupted') return ExitCode.interrupted;
  if (SIGN_IN_CODES.has(err.code)) return ExitCode.signIn;
  if (TARGET_CODES.has(err.code)) return ExitCode.target;
  return ExitCode.failure;
}

/** One message for a person: what happened, then what to do. Internal errors keep their stack behind BASTIONLESS_DEBUG. */
export function describeError(err: unknown, debug = false): string {
  if (isAppError(err)) return `bastionless: ${err.message}${err.hint ? `\n  ${err.hint.replace(/\n/g, '\n  ')}` : ''}`;
  const text = err instanceof Error ? (debug ? (err.stack ?? err.message) : err.message) : String(err);
  return `bastionless: unexpected error: ${text}${debug ? '' : '\n  Run again with BASTIONLESS_DEBUG=1 for details, and report it if it persists.'}`;
}
