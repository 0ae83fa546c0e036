import { describeCut, localClockTime, needsSignIn, warningKey, type CountdownItemInfo } from '../../preload/contract';
import { createAnnouncer } from '../core/countdown/announcer';
import type { SessionManagerPreferences } from '../core/countdown/model';
import type { CountdownItemSource } from '../core/countdown/service';
import { CountdownService } from '../core/countdown/service';
import { signInFacts } from '../core/countdown/wiring';
import type { CliContext } from './context';
import type { CliCore } from './core';

/**
 * The app's countdowns for the one shell or tunnel a command runs: before it starts, one line on
 * the limits AWS will enforce; later, one line per warning (as the window's notice), on stderr.
 * The opt-in keepalive of the settings runs here too, as in the app.
 */

export interface CliCountdown {
  /** The limits, once the account's preferences are read (or could not be): undefined when there are none. */
  limits(): Promise<string | undefined>;
  /** Something changed (a session replaced, reconnected): recompute now. */
  refresh(): void;
  dispose(): void;
}

export interface CliCountdownOptions {
  /** The tab or tunnel (its sessions may be none yet). */
  item(): CountdownItemSource | undefined;
  kind: 'tab' | 'tunnel';
  /** Where a warning goes (stderr, framed for a raw terminal by the shell command). */
  tell(line: string): void;
  now?: () => number;
  clock?: (epochMs: number) => string;
}

/**
 * "AWS closes this session after 20 min without input (idle timeout) and at 14:05 at the latest
 * (maximum session duration)." A tunnel's sessions are replaced as they are cut, so its maximum is
 * per session, not a clock time.
 */
export function describeLimits(kind: 'tab' | 'tunnel', prefs: SessionManagerPreferences, keepalive: boolean, startedAt: number, clock: (epochMs: number) => string): string | undefined {
  const limits: string[] = [];
  if (!keepalive) limits.push(`after ${prefs.idleSessionTimeout} min without input (idle timeout)`);
  const max = prefs.maxSessionDuration;
  if (max !== undefined) limits.push(kind === 'tab' ? `at ${clock(startedAt + max * 60_000)} at the latest (maximum session duration)` : `${max} min after it started (maximum session duration)`);
  if (!limits.length) return undefined;
  const subject = kind === 'tab' ? 'AWS closes this session' : "AWS closes each of this tunnel's sessions";
  const replaced = kind === 'tunnel' ? '; a new session takes over and open connections drop' : '';
  return `${subject} ${limits.join(' and ')}${replaced}.${keepalive ? ' The keepalive is on (settings): no idle timeout.' : ''}`;
}

/** One warning line: "Closes in 5 min: maximum session duration (at 14:05)." plus what to do about a sign-in. */
export function describeWarning(item: CountdownItemInfo, now: number, clock: (epochMs: number) => string): string {
  const cut = item.warning!;
  const words = describeCut(cut, now, item.kind);
  const when = cut.at > now ? ` (at ${clock(cut.at)})` : '';
  const fix = needsSignIn(cut) ? ` Nothing closes now, but this command cannot reconnect after it; \`bastionless login --sso-session ${item.sourceId}\` signs in again for the next one.` : '';
  return `${words}${when}.${fix}`;
}

export function watchCountdown(core: CliCore, options: CliCountdownOptions): CliCountdown {
  const clock = options.clock ?? localClockTime;
  const now = options.now ?? Date.now;
  const settings = () => core.preferences.current().preferences.countdown;
  // The warning lead and the keepalive come from the app's settings: read them before counting.
  const loaded = core.preferences.load().catch(() => undefined);
  const service = new CountdownService({
    items: () => {
      const item = options.item();
      return item ? [item] : [];
    },
    preferences: core.aws.sessionPreferences,
    signIn: (id) => signInFacts(core.aws.auth.sources().find((s) => s.id === id)),
    credentialsExpiry: async (scope) => (await core.aws.credentials(scope)()).expiration?.getTime(),
    settings,
    now,
  });
  // The desktop notifications' rule: each warning once, and again only after it went away.
  const announce = createAnnouncer();
  service.on('changed', (info) => {
    const fresh = new Set(announce(info).map((a) => a.key));
    for (const item of info.items) if (item.warning && fresh.has(warningKey(item))) options.tell(describeWarning(item, info.now, clock));
  });
  const offAuth = core.aws.auth.onChange(() => service.signInChanged());
  return {
    async limits() {
      const scope = options.item()?.scope;
      if (!scope) return undefined;
      await loaded;
      const prefs = await core.aws.sessionPreferences.get(scope).catch(() => undefined);
      if (!prefs) return undefined;
      return describeLimits(options.kind, prefs, settings().keepalive, now(), clock);
    },
    refresh: () => void loaded.then(() => service.refresh()),
    dispose() {
      offAuth();
      service.dispose();
    },
  };
}

/** A command's tunnel: its limits once it listens, then its warnings, on stderr. */
export async function watchTunnelCountdown(ctx: CliContext, item: () => CountdownItemSource | undefined): Promise<CliCountdown> {
  const countdown = watchCountdown(ctx.core(), { kind: 'tunnel', item, tell: (line) => ctx.say(`bastionless: ${line}`) });
  const limits = await countdown.limits().catch(() => undefined);
  if (limits) ctx.say(limits);
  countdown.refresh();
  return countdown;
}
