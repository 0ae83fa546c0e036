import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { DoctorFeatureSchema } from '../../preload/contract/doctor';
import { EXIT_CODES_HELP, UsageError } from './exit-codes';

/**
 * The command line, parsed without side effects: which command, its validated arguments, or the
 * help text to print. Every value crosses a zod schema; every mistake is a UsageError (exit 2)
 * that names the option and shows the command's usage.
 */

const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'a region looks like "eu-west-1"');
const portNumber = (what: string) =>
  z.coerce
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be 1–65535`)
    .max(65535, `${what} must be 1–65535`);
const target = z.string({ error: 'TARGET is missing' }).trim().min(1, 'TARGET is empty').max(500);
const aliasName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'an alias is 1–64 letters, digits, "_", "." or "-"');

const LoginArgs = z
  .object({
    ssoSession: z.string().min(1).max(200).optional(),
    startUrl: z.string().url('--start-url must be a URL like https://d-1234567890.awsapps.com/start').optional(),
    region: region.optional(),
    noBrowser: z.boolean().default(false),
    keychain: z.enum(['os', 'file'], { error: '--keychain is "os" (the OS keychain) or "file" (a 0600 file in the data folder)' }).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.ssoSession && a.startUrl) ctx.addIssue({ code: 'custom', message: 'give either --sso-session or --start-url, not both' });
    if (a.startUrl && !a.region) ctx.addIssue({ code: 'custom', message: '--start-url needs --region (the Identity Center region, e.g. eu-west-1)' });
    if (a.region && !a.startUrl) ctx.addIssue({ code: 'custom', message: '--region goes with --start-url' });
  });

const LsArgs = z.object({
  account: z.string().min(1).max(200).optional(),
  region: region.optional(),
  filter: z.string().max(500).optional(),
  json: z.boolean().default(false),
  cached: z.boolean().default(false),
  favourites: z.boolean().default(false),
});

const ShellArgs = z.object({ target });
const ForwardArgs = z.object({
  target,
  remotePort: portNumber('--remote-port'),
  localPort: z.coerce.number({ error: '--local-port must be a number' }).int().min(0, '--local-port must be 0–65535').max(65535, '--local-port must be 0–65535').default(0),
  host: z.string().min(1).max(253).regex(/^[A-Za-z0-9._:-]+$/, '--host is a host name or IP address').optional(),
});
const SshProxyArgs = z.object({ target, port: portNumber('PORT') });
const SshConfigArgs = z.object({ user: z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}$/i, '--user is a login name').optional() });
const TunnelsArgs = z.discriminatedUnion('action', [
  z.object({ action: z.literal('list'), json: z.boolean().default(false) }),
  z.object({ action: z.literal('start'), name: z.string().min(1).max(120) }),
  z.object({ action: z.literal('stop'), name: z.string().min(1).max(120) }),
]);
const AliasArgs = z.discriminatedUnion('action', [
  z.object({ action: z.literal('list') }),
  z.object({ action: z.literal('set'), name: aliasName, target }),
  z.object({ action: z.literal('rm'), name: aliasName }),
]);
const SessionsArgs = z
  .object({ active: z.boolean().default(false), history: z.boolean().default(false), target: target.optional(), mine: z.boolean().default(false), json: z.boolean().default(false) })
  .refine((a) => !(a.active && a.history), '--active and --history exclude each other; give neither for both');
const sessionId = z.string({ error: 'SESSION_ID is missing' }).regex(/^[A-Za-z0-9_.@=,+-]{1,96}$/, 'SESSION_ID is a Session Manager session id such as alice@example.com-0123456789abcdef0 (see `bastionless sessions`)');
const TerminateArgs = z.object({ sessionId });
const LogArgs = z.object({ sessionId, open: z.boolean().default(false) });

const DoctorArgs = z.object({
  target,
  feature: z.enum(DoctorFeatureSchema.options, { error: '--feature is shell, port, remote-port or rdp' }).default('shell'),
  document: z.string().regex(/^[a-zA-Z0-9_\-.:/]{3,200}$/, '--document is a Session document name such as AWS-StartInteractiveCommand').optional(),
  connect: z.boolean().default(false),
  json: z.boolean().default(false),
}).refine((a) => !(a.connect && a.feature === 'remote-port'), '--connect cannot try --feature remote-port without a remote host; run `bastionless forward TARGET --host H --remote-port P` to try one');

export type LoginArgs = z.infer<typeof LoginArgs>;
export type LsArgs = z.infer<typeof LsArgs>;
export type ShellArgs = z.infer<typeof ShellArgs>;
export type ForwardArgs = z.infer<typeof ForwardArgs>;
export type SshProxyArgs = z.infer<typeof SshProxyArgs>;
export type SshConfigArgs = z.infer<typeof SshConfigArgs>;
export type TunnelsArgs = z.infer<typeof TunnelsArgs>;
export type AliasArgs = z.infer<typeof AliasArgs>;
export type SessionsArgs = z.infer<typeof SessionsArgs>;
export type TerminateArgs = z.infer<typeof TerminateArgs>;
export type LogArgs = z.infer<typeof LogArgs>;
export type DoctorArgs = z.infer<typeof DoctorArgs>;

export type ParsedCommand =
  | { command: 'login'; args: LoginArgs }
  | { command: 'ls'; args: LsArgs }
  | { command: 'shell'; args: ShellArgs }
  | { command: 'forward'; args: ForwardArgs }
  | { command: 'ssh-proxy'; args: SshProxyArgs }
  | { command: 'ssh-config'; args: SshConfigArgs }
  | { command: 'tunnels'; args: TunnelsArgs }
  | { command: 'alias'; args: AliasArgs }
  | { command: 'sessions'; args: SessionsArgs }
  | { command: 'terminate'; args: TerminateArgs }
  | { command: 'log'; args: LogArgs }
  | { command: 'doctor'; args: DoctorArgs };

export type CommandName = ParsedCommand['command'];
export type ParseResult = ParsedCommand | { command: 'help'; text: string } | { command: 'version' };

const TARGET_HELP = `TARGET is an instance id (i-0abc…), a Name tag (prod-web-1), account/region/name
(prod/eu-west-1/web-1, account by name or id) or an alias (bastionless alias set).`;

interface Spec {
  summary: string;
  usage: string;
  details: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Raw values and positionals → the object the schema checks. */
  shape(values: Record<string, unknown>, positionals: string[]): unknown;
  schema: z.ZodType;
}

const help = { help: { type: 'boolean', short: 'h' } } as const;

const positional = (positionals: string[], max: number, usage: string) => {
  if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}"`, `Usage: ${usage}`);
  return positionals;
};

const SPECS: Record<CommandName, Spec> = {
  login: {
    summary: 'sign in to IAM Identity Center (AWS SSO) in the terminal',
    usage: 'bastionless login [--sso-session NAME | --start-url URL --region R] [--no-browser] [--keychain os|file]',
    details: `Starts the device flow: prints a code and opens the browser at the approval page
(--no-browser: only prints the link). The sign-in is kept in the same encrypted token file as the
app's, so the app and the command share it. With no option, the only sign-in source in
~/.aws/config (or added in the app) is used; with several, name one.

  --sso-session NAME   an [sso-session NAME] from ~/.aws/config, or a source added in the app
  --start-url URL      an Identity Center start URL not in ~/.aws/config (added as a source)
  --region R           the Identity Center region of that start URL
  --no-browser         do not open a browser; approve the code on another device
  --keychain os|file   where the token file's key is kept, for the app too (remembered):
                       os = the OS keychain (default); file = a 0600 file in the data folder,
                       for machines without one (SSH sessions, containers, WSL)`,
    options: { ...help, 'sso-session': { type: 'string' }, 'start-url': { type: 'string' }, region: { type: 'string' }, 'no-browser': { type: 'boolean' }, keychain: { type: 'string' } },
    shape: (v, p) => (positional(p, 0, SPECS.login.usage), { ssoSession: v['sso-session'], startUrl: v['start-url'], region: v.region, noBrowser: v['no-browser'], keychain: v.keychain }),
    schema: LoginArgs,
  },
  ls: {
    summary: 'list the instances you can reach, across accounts and regions',
    usage: 'bastionless ls [--account ID|NAME] [--region R] [--filter TEXT] [--favourites] [--json] [--cached]',
    details: `Scans every signed-in account and region (as the app does) and prints one line per
instance: account, region, name, instance id, platform, status, private IP. Accounts or regions
that fail are reported on stderr, one line each; the others are still listed (exit 0).

  --account ID|NAME  only this account (12-digit id or account name)
  --region R         only this region
  --filter TEXT      words that must all appear (name, id, IP, tags, account…), as in the app's search
  --favourites       only the instances starred in the app (also --favorites)
  --json             a JSON array of instances (the app's InstanceSummary objects) on stdout
  --cached           print the last scan's results without asking AWS`,
    options: { ...help, account: { type: 'string' }, region: { type: 'string' }, filter: { type: 'string' }, favourites: { type: 'boolean' }, favorites: { type: 'boolean' }, json: { type: 'boolean' }, cached: { type: 'boolean' } },
    shape: (v, p) => (positional(p, 0, SPECS.ls.usage), { account: v.account, region: v.region, filter: v.filter, favourites: v.favourites ?? v.favorites, json: v.json, cached: v.cached }),
    schema: LsArgs,
  },
  shell: {
    summary: 'an interactive shell on an instance, in this terminal',
    usage: 'bastionless shell TARGET',
    details: `Opens a Session Manager shell in the current terminal (raw mode; the window size follows
the terminal). Ctrl-C goes to the remote program. The command exits with the remote shell's exit
code (POSIX shells report it; Windows/PowerShell sessions end with 0).

${TARGET_HELP}`,
    options: { ...help },
    shape: (_v, p) => {
      positional(p, 1, SPECS.shell.usage);
      return { target: p[0] };
    },
    schema: ShellArgs,
  },
  forward: {
    summary: 'forward a local port to a port on (or reachable from) an instance',
    usage: 'bastionless forward TARGET --remote-port P [--local-port L] [--host REMOTE]',
    details: `Listens on 127.0.0.1 and forwards every connection through Session Manager until Ctrl-C.
Prints the local address (host:port) as the first line on stdout; details go to stderr.

  --remote-port P   the port on the instance, or on --host
  --local-port L    the local port (default 0: a free one, printed)
  --host REMOTE     a host reached through the instance (an RDS endpoint, another VM)

${TARGET_HELP}`,
    options: { ...help, 'remote-port': { type: 'string' }, 'local-port': { type: 'string' }, host: { type: 'string' } },
    shape: (v, p) => {
      positional(p, 1, SPECS.forward.usage);
      if (v['remote-port'] === undefined) throw new UsageError('--remote-port is required', `Usage: ${SPECS.forward.usage}`);
      return { target: p[0], remotePort: v['remote-port'], localPort: v['local-port'], host: v.host };
    },
    schema: ForwardArgs,
  },
  'ssh-proxy': {
    summary: 'stdin/stdout to a port on an instance: an ssh ProxyCommand',
    usage: 'bastionless ssh-proxy TARGET PORT',
    details: `Connects stdin and stdout to PORT on the instance (document AWS-StartSSHSession), for
ssh's ProxyCommand, so ssh, scp, rsync and git work through Session Manager:

  ssh -o ProxyCommand='bastionless ssh-proxy %h %p' ec2-user@prod-web-1

Only protocol bytes go to stdout; messages go to stderr. A trailing ".bastionless" on TARGET is
ignored, for ssh config patterns (see \`bastionless ssh-config\`).

${TARGET_HELP}`,
    options: { ...help },
    shape: (_v, p) => {
      positional(p, 2, SPECS['ssh-proxy'].usage);
      if (p.length < 2) throw new UsageError(p.length ? 'PORT is missing' : 'TARGET and PORT are missing', `Usage: ${SPECS['ssh-proxy'].usage}`);
      return { target: p[0], port: p[1] };
    },
    schema: SshProxyArgs,
  },
  'ssh-config': {
    summary: 'print a Host block for ~/.ssh/config',
    usage: 'bastionless ssh-config [--user NAME]',
    details: `Prints an ssh config block that sends instance ids (i-*, mi-*) and any host ending in
".bastionless" through \`bastionless ssh-proxy\`. Append it to ~/.ssh/config:

  bastionless ssh-config >> ~/.ssh/config
  ssh ec2-user@prod-web-1.bastionless

  --user NAME   add "User NAME" to the block (e.g. ec2-user, ubuntu)`,
    options: { ...help, user: { type: 'string' } },
    shape: (v, p) => (positional(p, 0, SPECS['ssh-config'].usage), { user: v.user }),
    schema: SshConfigArgs,
  },
  tunnels: {
    summary: "the app's saved tunnel profiles: list, start, stop",
    usage: 'bastionless tunnels [list [--json] | start NAME | stop NAME]',
    details: `Works on the tunnel profiles saved in the app (same file).

  list           the profiles, and which of them run from this command
  start NAME     runs the profile's tunnel here until Ctrl-C (or \`tunnels stop NAME\`);
                 prints the local address first on stdout. NAME is the profile name or id.
  stop NAME      stops a tunnel started with \`bastionless tunnels start\` (not one in the app window)
  --local-port L override the profile's local port for this run`,
    options: { ...help, json: { type: 'boolean' } },
    shape: (v, p) => {
      const action = p[0] ?? 'list';
      if (action === 'list') return positional(p, 1, SPECS.tunnels.usage) && { action, json: v.json };
      if (action !== 'start' && action !== 'stop') throw new UsageError(`unknown tunnels action "${action}"`, `Usage: ${SPECS.tunnels.usage}`);
      positional(p, 2, SPECS.tunnels.usage);
      if (!p[1]) throw new UsageError(`tunnels ${action} needs a profile NAME`, 'Run `bastionless tunnels list` to see them.');
      return { action, name: p[1] };
    },
    schema: TunnelsArgs,
  },
  alias: {
    summary: 'short names for targets',
    usage: 'bastionless alias [list | set NAME TARGET | rm NAME]',
    details: `Aliases are kept in the data folder (aliases.json) and work wherever TARGET does.

  bastionless alias set db prod/eu-west-1/prod-db-bastion
  bastionless shell db`,
    options: { ...help },
    shape: (_v, p) => {
      const action = p[0] ?? 'list';
      if (action === 'list') return positional(p, 1, SPECS.alias.usage) && { action };
      if (action === 'set') return positional(p, 3, SPECS.alias.usage) && { action, name: p[1], target: p[2] };
      if (action === 'rm') return positional(p, 2, SPECS.alias.usage) && { action, name: p[1] };
      throw new UsageError(`unknown alias action "${action}"`, `Usage: ${SPECS.alias.usage}`);
    },
    schema: AliasArgs,
  },
  sessions: {
    summary: 'Session Manager sessions, open and past, across accounts and regions',
    usage: 'bastionless sessions [--active|--history] [--target TARGET] [--mine] [--json]',
    details: `Asks DescribeSessions in every signed-in account and region (those \`ls\` scans) and prints
one line per session, newest first: id, status, target, account, region, owner, start and end
(UTC), and where its log is (\`bastionless log ID\` prints the links). History covers the last 30 days, as Session Manager keeps it. An account-region that fails
is reported on stderr, one line each; the others are still listed (exit 0).

  --active          only open sessions (Connected, Disconnected…)
  --history         only ended sessions (Terminated, Failed)
  --target TARGET   only sessions on this instance (TARGET as for \`shell\`)
  --mine            only sessions you started (same identity as the role you are signed in with)
  --json            {"sessions": [...], "scopes": [...]} on stdout: the sessions and how each
                    account-region answered`,
    options: { ...help, active: { type: 'boolean' }, history: { type: 'boolean' }, target: { type: 'string' }, mine: { type: 'boolean' }, json: { type: 'boolean' } },
    shape: (v, p) => (positional(p, 0, SPECS.sessions.usage), { active: v.active, history: v.history, target: v.target, mine: v.mine, json: v.json }),
    schema: SessionsArgs,
  },
  terminate: {
    summary: 'end a Session Manager session (TerminateSession)',
    usage: 'bastionless terminate SESSION_ID',
    details: `Finds the session in the signed-in accounts and regions and ends it with TerminateSession, as
the role that account-region is scanned with. The person connected to it sees the session end.
A session that already ended is reported and left alone (exit 0). When the role may not
terminate it, AWS's refusal is printed (exit 1).

SESSION_ID is an id from \`bastionless sessions\`.`,
    options: { ...help },
    shape: (_v, p) => {
      positional(p, 1, SPECS.terminate.usage);
      return { sessionId: p[0] };
    },
    schema: TerminateArgs,
  },
  log: {
    summary: "the AWS console pages of a session's log (CloudWatch Logs, S3)",
    usage: 'bastionless log SESSION_ID [--open]',
    details: `Prints the console link of the session's log, one per line (CloudWatch first), where the
account-region's Session Manager preferences send session logs. Sessions of an account-region
that logs nowhere exit 1 with what to turn on. The LOG column of \`bastionless sessions\` says
where each session is logged.

  --open   also open the links in the browser

SESSION_ID is an id from \`bastionless sessions\`.`,
    options: { ...help, open: { type: 'boolean' } },
    shape: (v, p) => {
      positional(p, 1, SPECS.log.usage);
      return { sessionId: p[0], open: v.open };
    },
    schema: LogArgs,
  },
  doctor: {
    summary: "why can't I connect: checks a target in order, names the first problem and its fix",
    usage: 'bastionless doctor TARGET [--feature shell|port|remote-port|rdp] [--document NAME] [--connect] [--json]',
    details: `Checks, in order, as the role the target is reached with: the sign-in; the role's permissions
(from what the read APIs answer); that the node is managed and its agent online (last ping);
the agent version against what the feature needs; the platform against the document; the KMS
encryption the Session Manager preferences require. It prints every check, then the first
problem in one sentence and its fix. Without --connect no session is opened.

  --feature F      shell (default), port, remote-port (a host reached through the instance) or rdp
  --document NAME  the Session document to check (default: the feature's usual one)
  --connect        also start a session (then end it at once) and translate StartSession's answer
  --json           the report as JSON on stdout ({"ok", "problem", "checks": [...]})

The exit code is 0 when nothing is wrong and 1 when a problem was found.

${TARGET_HELP}`,
    options: { ...help, feature: { type: 'string' }, document: { type: 'string' }, connect: { type: 'boolean' }, json: { type: 'boolean' } },
    shape: (v, p) => {
      positional(p, 1, SPECS.doctor.usage);
      return { target: p[0], feature: v.feature, document: v.document, connect: v.connect, json: v.json };
    },
    schema: DoctorArgs,
  },
};

export const COMMANDS = Object.keys(SPECS) as CommandName[];

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.length));
  return `bastionless — AWS Session Manager from the terminal: shells, ssh, tunnels, one sign-in with the app

Usage: bastionless COMMAND [options]

Commands:
${COMMANDS.map((c) => `  ${c.padEnd(width)}  ${SPECS[c].summary}`).join('\n')}

Run \`bastionless COMMAND --help\` for a command's options.

Environment:
  AWS_ENDPOINT_URL_SSO_OIDC, _SSO, _SSM, _EC2, _KMS   endpoints (standard AWS variables)
  AWS_CONFIG_FILE           the AWS config file with your sso-session (default ~/.aws/config)
  BASTIONLESS_DATA_DIR      the data folder shared with the app (sign-in, profiles, inventory cache)
  BASTIONLESS_DEBUG=1       diagnostics on stderr

${EXIT_CODES_HELP}`;
}

export function commandHelp(name: CommandName): string {
  const spec = SPECS[name];
  return `Usage: ${spec.usage}\n\n${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.\n\n${spec.details}\n\n${EXIT_CODES_HELP}`;
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => i.message).join('; ');
}

export function parseCommandLine(argv: readonly string[]): ParseResult {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const about = first === 'help' ? rest[0] : undefined;
    if (about && (COMMANDS as string[]).includes(about)) return { command: 'help', text: commandHelp(about as CommandName) };
    if (about) throw new UsageError(`unknown command "${about}"`, `Commands: ${COMMANDS.join(', ')}.`);
    return { command: 'help', text: mainHelp() };
  }
  if (first === '--version' || first === '-V') return { command: 'version' };
  if (!(COMMANDS as string[]).includes(first)) {
    const hint = first.startsWith('-') ? 'Options go after the command: bastionless COMMAND [options].' : `Commands: ${COMMANDS.join(', ')}. Run \`bastionless --help\`.`;
    throw new UsageError(`unknown command "${first}"`, hint);
  }
  const name = first as CommandName;
  const spec = SPECS[name];
  let parsed;
  try {
    parsed = parseArgs({ args: [...rest], options: spec.options, allowPositionals: true, strict: true });
  } catch (err) {
    // node:util's messages name the option; ours add the usage line.
    const message = err instanceof Error ? err.message.replace(/\. To specify a positional argument.*$/s, '') : String(err);
    throw new UsageError(message, `Usage: ${spec.usage}`);
  }
  if (parsed.values.help) return { command: 'help', text: commandHelp(name) };
  const result = spec.schema.safeParse(spec.shape(parsed.values, parsed.positionals));
  if (!result.success) throw new UsageError(formatIssues(result.error), `Usage: ${spec.usage}`);
  return { command: name, args: result.data } as ParsedCommand;
}
