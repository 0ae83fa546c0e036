import { describe, expect, it } from 'vitest';
import type { CountdownsInfo } from '../../../preload/contract/countdowns';
import type { CountdownPreferences } from '../../../preload/contract/preferences';
import type { SessionActivity } from '../../../main/core/countdown/activity';
import type { SessionManagerPreferences, SignInFacts } from '../../../main/core/countdown/model';
import { CountdownService, type CountdownItemSource } from '../../../main/core/countdown/service';
import { signInFacts } from '../../../main/core/countdown/wiring';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);
const scope = { sourceId: 'corp', accountId: '123456789012', roleName: 'Admin', region: 'eu-west-1' };

/** A session whose keepalive counts its calls and, like the data channel, counts as traffic. */
function fakeSession(id: string, clock: { now: number }, startedAt = T0): SessionActivity & { keepalives: number } {
  const s = {
    sessionId: id,
    startedAt,
    lastSentAt: startedAt,
    keepalives: 0,
    keepalive() {
      s.keepalives++;
      s.lastSentAt = clock.now;
      return true;
    },
  };
  return s;
}

function world(options: { prefs?: SessionManagerPreferences; signIn?: SignInFacts; credentialsAt?: number; settings?: Partial<CountdownPreferences> } = {}) {
  const clock = { now: T0 };
  const items: CountdownItemSource[] = [];
  const settings: CountdownPreferences = { warnMinutes: 5, keepalive: false, ...options.settings };
  const known = new Map<string, SessionManagerPreferences>();
  const events: CountdownsInfo[] = [];
  const service = new CountdownService({
    items: () => items,
    preferences: {
      get: async () => {
        if (options.prefs) known.set('x', options.prefs);
        return options.prefs;
      },
      peek: () => known.get('x'),
    },
    signIn: () => options.signIn,
    credentialsExpiry: async () => options.credentialsAt,
    settings: () => settings,
    now: () => clock.now,
    timers: false,
  });
  service.on('changed', (c) => events.push(c));
  /** Lets the preferences / credentials answers land (they are promises). */
  const settle = async () => {
    service.refresh();
    await new Promise<void>((r) => setImmediate(r));
  };
  return { clock, items, settings, service, events, settle };
}

describe('CountdownService', () => {
  it("asks for the account's preferences and reports each tab's next cut", async () => {
    const w = world({ prefs: { idleSessionTimeout: 20, maxSessionDuration: 60 } });
    const s = fakeSession('alice-1', w.clock);
    w.items.push({ id: 't1', kind: 'tab', label: 'web-1', scope, sessions: [s] });
    await w.settle();
    const item = w.service.list().items[0]!;
    expect(item).toMatchObject({ id: 't1', kind: 'tab', sessionId: 'alice-1', keepalive: false, preferencesUnknown: false });
    expect(item.cuts.map((c) => [c.cause, (c.at - T0) / MIN])).toEqual([['idle', 20], ['max-duration', 60]]);
    expect(item.warning).toBeUndefined();
    w.clock.now = T0 + 15 * MIN;
    expect(w.service.list().items[0]!.warning?.cause).toBe('idle');
  });

  it('says when the preferences could not be read, and then shows no idle or duration cut', async () => {
    const w = world({});
    w.items.push({ id: 't1', kind: 'tab', label: 'web-1', scope, sessions: [fakeSession('a', w.clock)] });
    await w.settle();
    expect(w.service.list().items[0]).toMatchObject({ preferencesUnknown: true, cuts: [] });
  });

  it('a tunnel shows the session that is cut first', async () => {
    const w = world({ prefs: { idleSessionTimeout: 20 } });
    const early = fakeSession('early', w.clock, T0);
    const late = fakeSession('late', w.clock, T0 + 5 * MIN);
    w.items.push({ id: 'p1', kind: 'tunnel', label: 'db', scope, sessions: [late, early] });
    await w.settle();
    expect(w.service.list().items[0]).toMatchObject({ sessionId: 'early', cuts: [{ cause: 'idle', at: T0 + 20 * MIN }] });
  });

  it('tells listeners when a warning starts, not for every small move of the idle cut', async () => {
    const w = world({ prefs: { idleSessionTimeout: 20 } });
    const s = fakeSession('a', w.clock);
    w.items.push({ id: 't1', kind: 'tab', label: 'web-1', scope, sessions: [s] });
    await w.settle();
    const before = w.events.length;
    s.lastSentAt = T0 + 5_000; // a keystroke moves the cut by 5 s: not worth an event
    w.service.refresh();
    expect(w.events.length).toBe(before);
    w.clock.now = T0 + 15 * MIN + 5_000;
    w.service.tick();
    expect(w.events.length).toBe(before + 1);
    expect(w.events.at(-1)!.items[0]!.warning?.cause).toBe('idle');
  });

  it('keepalive: off sends nothing; on sends only once a session has been quiet for half the idle timeout', async () => {
    const w = world({ prefs: { idleSessionTimeout: 20, maxSessionDuration: 60 } });
    const s = fakeSession('a', w.clock);
    w.items.push({ id: 't1', kind: 'tab', label: 'web-1', scope, sessions: [s] });
    await w.settle();
    w.clock.now = T0 + 12 * MIN;
    w.service.tick();
    expect(s.keepalives).toBe(0);

    w.settings.keepalive = true;
    w.clock.now = T0 + 4 * MIN;
    s.lastSentAt = T0;
    w.service.tick();
    expect(s.keepalives).toBe(0); // quiet for 4 of the 10 minutes
    w.clock.now = T0 + 10 * MIN;
    w.service.tick();
    expect(s.keepalives).toBe(1);
    w.clock.now = T0 + 14 * MIN;
    w.service.tick();
    expect(s.keepalives).toBe(1); // the keepalive itself was traffic
  });

  it('keepalive never extends the maximum duration: the idle cut goes, the duration cut stays where it was', async () => {
    const w = world({ prefs: { idleSessionTimeout: 20, maxSessionDuration: 60 }, settings: { keepalive: true } });
    const s = fakeSession('a', w.clock);
    w.items.push({ id: 't1', kind: 'tab', label: 'web-1', scope, sessions: [s] });
    await w.settle();
    for (let m = 10; m <= 55; m += 10) {
      w.clock.now = T0 + m * MIN;
      w.service.tick();
    }
    expect(s.keepalives).toBe(5);
    const item = w.service.list().items[0]!;
    expect(item.keepalive).toBe(true);
    expect(item.cuts).toEqual([{ cause: 'max-duration', at: T0 + 60 * MIN, warnAt: T0 + 55 * MIN, closes: true }]);
    expect(item.warning).toBeUndefined();
    w.clock.now = T0 + 55 * MIN;
    expect(w.service.list().items[0]!.warning?.cause).toBe('max-duration');
  });

  it('a sign-in that cannot refresh: warns ahead of its expiry, then counts the last credentials', async () => {
    const w = world({ prefs: { idleSessionTimeout: 60 }, signIn: { state: 'signed-in', refreshable: false, expiresAt: T0 + 8 * MIN }, credentialsAt: T0 + 50 * MIN });
    w.items.push({ id: 't1', kind: 'tab', label: 'web-1', scope, sessions: [fakeSession('a', w.clock)] });
    await w.settle();
    w.clock.now = T0 + 3 * MIN;
    const item = w.service.list().items[0]!;
    expect(item.cuts.map((c) => c.cause)).toEqual(['sign-in', 'credentials', 'idle']);
    expect(item.warning).toMatchObject({ cause: 'sign-in', closes: false });
  });
});

describe('reachedCut', () => {
  it('names the closing cut that was due when a session ended, and nothing before then', async () => {
    const w = world({ prefs: { idleSessionTimeout: 20, maxSessionDuration: 60 }, signIn: { state: 'signed-in', refreshable: false, expiresAt: T0 + 5 * MIN } });
    w.items.push({ id: 't1', kind: 'tab', label: 'web-1', scope, sessions: [fakeSession('a', w.clock)] });
    await w.settle();
    w.clock.now = T0 + 10 * MIN;
    expect(w.service.reachedCut('t1')).toBeUndefined(); // the sign-in ran out, but that closes nothing
    w.clock.now = T0 + 20 * MIN;
    expect(w.service.reachedCut('t1')?.cause).toBe('idle');
    expect(w.service.reachedCut('other')).toBeUndefined();
  });
});

describe('signInFacts', () => {
  const base = { id: 'corp', label: 'corp', origin: 'config' as const, refreshable: true };
  it('maps source states; profiles have no sign-in to run out', () => {
    expect(signInFacts({ ...base, kind: 'sso', state: 'signed-in', expiresAt: 5 })).toEqual({ state: 'signed-in', refreshable: true, expiresAt: 5 });
    expect(signInFacts({ ...base, kind: 'sso', state: 'expired' })).toEqual({ state: 'expired', refreshable: false });
    expect(signInFacts({ ...base, kind: 'sso', state: 'signing-in', expiresAt: 9 })).toEqual({ state: 'signed-in', refreshable: true, expiresAt: 9 });
    expect(signInFacts({ ...base, kind: 'profile', state: 'signed-in' })).toBeUndefined();
    expect(signInFacts(undefined)).toBeUndefined();
  });
});
