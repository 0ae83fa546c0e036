import type { SessionRecord } from '../../../preload/contract/sessions';
import { AppError } from '../../core/errors';
import type { LogArgs, SessionsArgs, TerminateArgs } from '../args';
import type { CliContext } from '../context';
import type { CliCore } from '../core';
import { ExitCode } from '../exit-codes';
import { cachedInstances, findTarget, freshInstances, requireSignedIn } from '../instances';
import { formatColumns } from '../table';
import { describeScanError } from './ls';

/**
 * `bastionless sessions` and `bastionless terminate`: the core's session history (DescribeSessions
 * in every account-region the inventory scans) as a table or JSON, and TerminateSession.
 */

const COLUMNS = ['SESSION', 'STATUS', 'TARGET', 'ACCOUNT', 'REGION', 'OWNER', 'STARTED (UTC)', 'ENDED (UTC)', 'LOG'] as const;
const INSTANCE_ID = /^(i-[0-9a-f]{8,17}|mi-[0-9a-f]{17})$/;

/** The account-regions to ask are the inventory's: the cached scan's, else a fresh scan's. */
async function readyCore(ctx: CliContext): Promise<CliCore> {
  const core = ctx.core();
  await requireSignedIn(core);
  await cachedInstances(core);
  if (!core.aws.inventory.scopes().length) await freshInstances(core);
  return core;
}

function utc(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** "arn:aws:sts::1:assumed-role/AWSReservedSSO_Admin_x/alice" → "alice" (the role session name). */
function ownerLabel(s: SessionRecord): string {
  const who = s.owner?.split('/').pop() ?? '-';
  return s.mine ? `${who} (you)` : who;
}

/** Where the session's log is ("CloudWatch, S3"); `bastionless log ID` prints the links. */
function logLabel(s: SessionRecord): string {
  const places = [s.logs?.cloudWatch && 'CloudWatch', s.logs?.s3 && 'S3'].filter(Boolean);
  return places.length ? places.join(', ') : '-';
}

export function formatSessions(sessions: readonly SessionRecord[]): string {
  return formatColumns(
    COLUMNS,
    sessions.map((s) => [s.sessionId, s.status, s.targetName ? `${s.targetName} (${s.target})` : s.target || '-', s.scope.accountName, s.scope.region, ownerLabel(s), utc(s.startDate), utc(s.endDate), logLabel(s)]),
  );
}

export async function sessions(ctx: CliContext, args: SessionsArgs): Promise<number> {
  const core = await readyCore(ctx);
  // An instance id is taken as is (its sessions may outlive the instance); a name or alias is resolved.
  const target = args.target === undefined ? undefined : INSTANCE_ID.test(args.target) ? args.target : (await findTarget(core, args.target, (l) => ctx.debug(l))).instance.instanceId;
  const listing = await core.sessionHistory().list({ state: args.active ? 'active' : args.history ? 'history' : 'all', mine: args.mine, ...(target ? { target } : {}) });
  const failed = listing.scopes.filter((r) => r.state === 'error');
  for (const r of failed) ctx.say(describeScanError({ ...r.scope, error: r.error }));
  if (args.json) ctx.out(JSON.stringify(listing, null, 2));
  else if (listing.sessions.length) ctx.out(formatSessions(listing.sessions));
  else ctx.say(`No ${args.active ? 'open ' : args.history ? 'ended ' : ''}sessions${args.mine ? ' of yours' : ''}${target ? ` on ${target}` : ''} in ${listing.scopes.length - failed.length} account-region(s).`);
  return listing.scopes.length > 0 && failed.length === listing.scopes.length ? ExitCode.failure : ExitCode.ok;
}

/** The one session with this id in the inventory's account-regions; AppError when none (or, never with AWS ids, several). */
async function findSession(ctx: CliContext, core: CliCore, sessionId: string): Promise<SessionRecord> {
  const listing = await core.sessionHistory().list({ state: 'all', sessionId });
  const failed = listing.scopes.filter((r) => r.state === 'error');
  const found = listing.sessions;
  if (found.length === 0) {
    for (const r of failed) ctx.say(describeScanError({ ...r.scope, error: r.error }));
    throw new AppError(
      'session-not-found',
      `No session ${sessionId} in the ${listing.scopes.length - failed.length} account-region(s) that answered.`,
      failed.length ? `${failed.length} account-region(s) failed (above); it may be there.` : 'Run `bastionless sessions` to see the ids; sessions older than 30 days are no longer listed.',
    );
  }
  if (found.length > 1) throw new AppError('session-ambiguous', `Session id ${sessionId} exists in ${found.map((s) => `${s.scope.accountName} ${s.scope.region}`).join(', ')}.`, 'This should not happen with AWS session ids; use the AWS console.');
  return found[0]!;
}

const where = (record: SessionRecord) => `${record.targetName ?? record.target} (${record.scope.accountName} ${record.scope.region})`;

export async function terminate(ctx: CliContext, args: TerminateArgs): Promise<number> {
  const core = await readyCore(ctx);
  const record = await findSession(ctx, core, args.sessionId);
  if (record.state === 'History') {
    ctx.say(`Session ${record.sessionId} on ${where(record)} already ended (${record.status}${record.endDate ? ` at ${utc(record.endDate)} UTC` : ''}); nothing to do.`);
    return ExitCode.ok;
  }
  await core.sessionHistory().terminate(record.key);
  ctx.out(`terminated ${record.sessionId}`);
  ctx.say(`Ended session ${record.sessionId} on ${where(record)}.`);
  return ExitCode.ok;
}

/** `bastionless log SESSION_ID`: the console pages of the session's log, one URL per line (CloudWatch first). */
export async function log(ctx: CliContext, args: LogArgs): Promise<number> {
  const core = await readyCore(ctx);
  const record = await findSession(ctx, core, args.sessionId);
  const links = [record.logs?.cloudWatch, record.logs?.s3].filter((l): l is string => l !== undefined);
  if (!links.length) {
    throw new AppError(
      'no-session-log',
      `Sessions in ${record.scope.accountName} ${record.scope.region} are not logged: its Session Manager preferences send logs neither to CloudWatch nor to S3.`,
      'An administrator turns logging on in the console: Systems Manager → Session Manager → Preferences.',
    );
  }
  for (const link of links) ctx.out(link);
  if (args.open) for (const link of links) core.openUrl(link, (line) => ctx.say(`bastionless: ${line}`));
  return ExitCode.ok;
}
