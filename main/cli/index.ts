import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { parseCommandLine, type ParsedCommand } from './args';
import { CliContext, type CliIo } from './context';
import { describeError, exitCodeFor, ExitCode } from './exit-codes';

/**
 * The `bastionless` command: parse, run one command on the shared core, turn any error into a
 * message on stderr and a documented exit code. Returns the code; the caller exits with it.
 */

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

// Commands load on demand: `--help` and `ssh-config` should not pay for the AWS SDK.
async function dispatch(ctx: CliContext, parsed: ParsedCommand): Promise<number> {
  if (parsed.command !== 'ssh-config' && parsed.command !== 'alias') await ctx.loadCore();
  switch (parsed.command) {
    case 'login':
      return (await import('./commands/login')).login(ctx, parsed.args);
    case 'ls':
      return (await import('./commands/ls')).ls(ctx, parsed.args);
    case 'shell':
      return (await import('./commands/shell')).shell(ctx, parsed.args);
    case 'forward':
      return (await import('./commands/forward')).forward(ctx, parsed.args);
    case 'ssh-proxy':
      return (await import('./commands/ssh-proxy')).sshProxy(ctx, parsed.args);
    case 'ssh-config':
      return (await import('./commands/ssh-config')).sshConfig(ctx, parsed.args);
    case 'tunnels':
      return (await import('./commands/tunnels')).tunnels(ctx, parsed.args);
    case 'alias':
      return (await import('./commands/alias')).alias(ctx, parsed.args);
    case 'sessions':
      return (await import('./commands/sessions')).sessions(ctx, parsed.args);
    case 'terminate':
      return (await import('./commands/sessions')).terminate(ctx, parsed.args);
    case 'log':
      return (await import('./commands/sessions')).log(ctx, parsed.args);
    case 'doctor':
      return (await import('./commands/doctor')).doctor(ctx, parsed.args);
  }
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx = new CliContext(io);
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.command === 'help') {
      io.stdout.write(`${parsed.text}\n`);
      return ExitCode.ok;
    }
    if (parsed.command === 'version') {
      io.stdout.write(`bastionless ${version()}\n`);
      return ExitCode.ok;
    }
    return await dispatch(ctx, parsed);
  } catch (err) {
    ctx.say(describeError(err, ctx.debugEnabled));
    return exitCodeFor(err);
  } finally {
    await ctx.dispose().catch((err: unknown) => ctx.debug(`dispose: ${String(err)}`));
  }
}

/** Entry point of bin/bastionless.js and the bundle. */
export async function main(): Promise<void> {
  // A notice for whoever packages the app (engines allows Node 20), not for the user at the
  // terminal; through a ProxyCommand it would land in every ssh and scp run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // The command decides when it is over: core timers are unref'd (right for the app), so
  // without this handle the process could end mid-cleanup (Node's exit 13, unsettled await).
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const code = await runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
  // Everything written must reach the pipe before exit (ssh reads the last protocol bytes).
  if (process.stdout.writableLength) await once(process.stdout, 'drain');
  clearInterval(keepAlive);
  process.exit(code);
}
