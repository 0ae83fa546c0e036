import { EventEmitter } from 'node:events';
import type { CountdownItemInfo, CountdownsInfo } from '../../../preload/contract/countdowns';
import type { CountdownPreferences } from '../../../preload/contract/preferences';
import type { PreferencesScope, SessionPreferencesReader } from '../aws/session-preferences';
import type { SessionActivity } from './activity';
import { countdown, nextChangeAt, type Countdown, type Cut, type SignInFacts } from './model';

/**
 * Countdowns for every open shell tab and tunnel, and the opt-in keepalive. Recomputes when tabs,
 * tunnels, sign-ins or settings change and on its own timer (the next warning or cut, the next
 * keepalive due, and at least every REFRESH_MS so idle cuts that traffic moved are reported),
 * and tells listeners only when something moved enough to show.
 */

/** One tab or tunnel and the live sessions behind it. */
export interface CountdownItemSource {
  id: string;
  kind: 'tab' | 'tunnel';
  label: string;
  scope: PreferencesScope;
  sessions: SessionActivity[];
}

export interface CountdownServiceDeps {
  items(): CountdownItemSource[];
  preferences: Pick<SessionPreferencesReader, 'get' | 'peek'>;
  /** The sign-in behind a source; undefined for plain profiles (their providers renew themselves). */
  signIn(sourceId: string): SignInFacts | undefined;
  /** Expiry (epoch ms) of the scope's current role credentials, if they have one. */
  credentialsExpiry(scope: PreferencesScope): Promise<number | undefined>;
  settings(): CountdownPreferences;
  now?: () => number;
  /** False in tests that drive tick() themselves. */
  timers?: boolean;
}

/** Recompute at least this often while anything is open. */
export const REFRESH_MS = 30_000;
/** A cut that moved less than this is not worth an event. */
const MOVE_MS = 15_000;
const REACHED_SLACK_MS = MOVE_MS + 5_000;
const KEEPALIVE_MIN_MS = 15_000;
const KEEPALIVE_MAX_MS = 5 * 60_000;
/** Without known preferences: AWS's shortest idle timeout is 1 minute. */
const KEEPALIVE_UNKNOWN_MS = 30_000;

/** How long an idle session may stay quiet before the keepalive speaks: half the idle timeout, within bounds. */
export function keepaliveIntervalMs(idleMinutes: number | undefined): number {
  if (idleMinutes === undefined) return KEEPALIVE_UNKNOWN_MS;
  return Math.min(KEEPALIVE_MAX_MS, Math.max(KEEPALIVE_MIN_MS, (idleMinutes * 60_000) / 2));
}

const scopeKey = (s: PreferencesScope) => `${s.sourceId}|${s.accountId}|${s.roleName}|${s.region}`;

type Events = { changed: [CountdownsInfo] };

export class CountdownService extends EventEmitter<Events> {
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private last: CountdownsInfo = { items: [], now: 0 };
  /** Per scope: the preferences were asked for (and whether the answer came). */
  private readonly preferencesAsked = new Map<string, 'pending' | 'answered'>();
  /** Per scope: the role credentials' expiry once asked (undefined inside: they do not expire). */
  private readonly credentialExpiry = new Map<string, number | undefined>();
  private readonly credentialsAsked = new Set<string>();
  private disposed = false;

  constructor(private readonly deps: CountdownServiceDeps) {
    super();
    this.now = deps.now ?? Date.now;
  }

  /** The countdowns as of now. */
  list(): CountdownsInfo {
    const now = this.now();
    return { items: this.deps.items().flatMap((item) => this.describe(item, now) ?? []), now };
  }

  /** Something changed (a tab, a tunnel, a sign-in, the settings): recompute, tell, reschedule. */
  refresh(): void {
    if (this.disposed) return;
    const next = this.list();
    if (materiallyDifferent(this.last, next)) {
      this.last = next;
      this.emit('changed', next);
    }
    this.schedule(next.now);
  }

  /** Sends the keepalives that are due, then refreshes. The timer calls it; tests may too. */
  tick(): void {
    if (this.disposed) return;
    const settings = this.deps.settings();
    if (settings.keepalive) {
      const now = this.now();
      for (const item of this.deps.items()) {
        const interval = keepaliveIntervalMs(this.deps.preferences.peek(item.scope)?.idleSessionTimeout);
        for (const s of item.sessions) if (now - s.lastSentAt >= interval) s.keepalive();
      }
    }
    this.refresh();
  }

  /** A sign-in changed: credential expiries, and preferences that could not be read, are asked again. */
  signInChanged(): void {
    for (const [key, state] of this.preferencesAsked) if (state === 'answered' && !this.knownPreferences(key)) this.preferencesAsked.delete(key);
    this.credentialExpiry.clear();
    this.credentialsAsked.clear();
    this.refresh();
  }

  private knownPreferences(key: string): boolean {
    const [sourceId = '', accountId = '', roleName = '', region = ''] = key.split('|');
    return this.deps.preferences.peek({ sourceId, accountId, roleName, region }) !== undefined;
  }

  /**
   * The cut that was due when an item's session ended (idle timeout, maximum duration), from the
   * last countdown shown; undefined when none was. REACHED_SLACK_MS absorbs the service's timer
   * and an idle cut last reported up to MOVE_MS early.
   */
  reachedCut(id: string): Cut | undefined {
    const now = this.now();
    return this.last.items.find((i) => i.id === id)?.cuts.find((c) => c.closes && c.at <= now + REACHED_SLACK_MS);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.removeAllListeners();
  }

  private describe(item: CountdownItemSource, now: number): CountdownItemInfo | undefined {
    if (item.sessions.length === 0) return undefined;
    this.learn(item.scope);
    const preferences = this.deps.preferences.peek(item.scope);
    const signIn = this.deps.signIn(item.scope.sourceId);
    const credentialsExpireAt = this.credentialExpiry.get(scopeKey(item.scope));
    const keepalive = this.deps.settings().keepalive;
    const warnMs = this.deps.settings().warnMinutes * 60_000;
    // A tunnel's sessions are cut one by one; the item shows the first.
    let first: { session: SessionActivity; c: Countdown } | undefined;
    for (const session of item.sessions) {
      const c = countdown(
        {
          startedAt: session.startedAt,
          lastActivityAt: session.lastSentAt,
          ...(preferences ? { preferences } : {}),
          ...(signIn ? { signIn } : {}),
          ...(credentialsExpireAt !== undefined ? { credentialsExpireAt } : {}),
          keepalive,
        },
        now,
        warnMs,
      );
      if (!first || (c.next && (!first.c.next || c.next.at < first.c.next.at))) first = { session, c };
    }
    if (!first) return undefined;
    return {
      id: item.id,
      kind: item.kind,
      label: item.label,
      sourceId: item.scope.sourceId,
      sessionId: first.session.sessionId,
      cuts: first.c.cuts,
      ...(first.c.warning ? { warning: first.c.warning } : {}),
      keepalive,
      preferencesUnknown: preferences === undefined && this.preferencesAsked.get(scopeKey(item.scope)) === 'answered',
    };
  }

  /** Asks, once per scope, for what is not known yet; a refresh follows each answer. */
  private learn(scope: PreferencesScope): void {
    const key = scopeKey(scope);
    if (!this.preferencesAsked.has(key)) {
      this.preferencesAsked.set(key, 'pending');
      void this.deps.preferences
        .get(scope)
        .catch(() => undefined)
        .finally(() => {
          this.preferencesAsked.set(key, 'answered');
          this.refresh();
        });
    }
    const signIn = this.deps.signIn(scope.sourceId);
    // Credentials matter only once the sign-in cannot renew them.
    if (signIn && !(signIn.state === 'signed-in' && signIn.refreshable) && !this.credentialsAsked.has(key)) {
      this.credentialsAsked.add(key);
      void this.deps
        .credentialsExpiry(scope)
        .catch(() => undefined)
        .then((at) => {
          this.credentialExpiry.set(key, at);
          this.refresh();
        });
    }
  }

  private schedule(now: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.deps.timers === false || this.last.items.length === 0) return;
    let at = now + REFRESH_MS;
    for (const item of this.last.items) {
      const change = nextChangeAt({ cuts: item.cuts }, now);
      if (change !== undefined) at = Math.min(at, change);
    }
    if (this.deps.settings().keepalive) {
      for (const item of this.deps.items()) {
        const interval = keepaliveIntervalMs(this.deps.preferences.peek(item.scope)?.idleSessionTimeout);
        for (const s of item.sessions) at = Math.min(at, s.lastSentAt + interval);
      }
    }
    this.timer = setTimeout(() => this.tick(), Math.max(50, at - now));
    this.timer.unref();
  }
}

/** Worth an event: items, causes or warnings differ, or a cut moved by MOVE_MS or more. */
export function materiallyDifferent(a: CountdownsInfo, b: CountdownsInfo): boolean {
  if (a.items.length !== b.items.length) return true;
  return a.items.some((x, i) => {
    const y = b.items[i]!;
    if (x.id !== y.id || x.sessionId !== y.sessionId || x.keepalive !== y.keepalive || x.preferencesUnknown !== y.preferencesUnknown) return true;
    if (x.warning?.cause !== y.warning?.cause || x.cuts.length !== y.cuts.length) return true;
    return x.cuts.some((c, j) => c.cause !== y.cuts[j]!.cause || Math.abs(c.at - y.cuts[j]!.at) >= MOVE_MS);
  });
}
