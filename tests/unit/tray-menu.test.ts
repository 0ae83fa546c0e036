import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TrayMenuItem } from '../../preload/contract';
import { TrayMenuSchema } from '../../preload/contract';
import { buildTrayMenu, TRAY_MAX_ITEMS, trayEndingSoon, type TrayState } from '../../main/core/tray-menu';
import type { CountdownItemInfo } from '../../preload/contract';

const empty: TrayState = { signIn: { state: 'signed-out' }, profiles: [], favouriteInstances: [], recentInstances: [], activeTunnels: [], endingSoon: [] };
const ids = (items: TrayMenuItem[]) => items.map((item) => item.id);
const profile = (i: number, pinned = true) => ({ id: `p${i}`, name: `Profile ${i}`, kind: 'rdp' as const, pinned });
const recent = (i: number) => ({ key: `123456789012:eu-west-1:i-${i}`, label: `web-${i}`, detail: 'prod · eu-west-1' });
const tunnel = (i: number) => ({ id: `t${i}`, name: `db-${i}`, localAddress: `127.0.0.1:${5400 + i}`, state: 'listening' as const });

describe('tray menu model', () => {
  it('shows sign-in, open and quit when there is nothing to connect to', () => {
    const menu = buildTrayMenu(empty);
    expect(ids(menu.items)).toEqual(['signin.start', 'sep.app', 'app.open', 'app.quit']);
    expect(menu.items[0]).toMatchObject({ label: 'Sign in…', enabled: true, kind: 'action' });
    expect(TrayMenuSchema.parse(menu)).toEqual(menu);
  });

  it.each([
    [{ state: 'signed-out' } as const, 'signin.start', 'Sign in…', true],
    [{ state: 'expired' } as const, 'signin.start', 'Session expired — sign in again', true],
    [{ state: 'signing-in' } as const, 'signin.status', 'Signing in…', false],
    [{ state: 'signed-in', label: 'ada@example.com' } as const, 'signin.status', 'Signed in as ada@example.com', false],
    [{ state: 'signed-in' } as const, 'signin.status', 'Signed in', false],
  ])('sign-in state %o → %s', (signIn, id, label, enabled) => {
    const item = buildTrayMenu({ ...empty, signIn }).items.find((i) => i.id.startsWith('signin.'));
    expect(item).toEqual({ id, label, kind: 'action', enabled });
  });

  it('lists pinned profiles first, then recent instances, then active tunnels, each under a header', () => {
    const menu = buildTrayMenu({
      ...empty,
      profiles: [profile(1, false), profile(2), profile(3)],
      recentInstances: [recent(1)],
      activeTunnels: [tunnel(1)],
    });
    expect(ids(menu.items)).toEqual([
      'section.pinned',
      'profile.start:p2',
      'profile.start:p3',
      'section.recent',
      `instance.shell:${recent(1).key}`,
      'section.tunnels',
      'tunnel.stop:t1',
      'sep.quick',
      'signin.start',
      'sep.app',
      'app.open',
      'app.quit',
    ]);
    expect(menu.items[0]).toMatchObject({ kind: 'header', label: 'Pinned', enabled: false });
    expect(menu.items[1]).toMatchObject({ label: 'Profile 2', detail: 'RDP', enabled: true });
    expect(menu.items[6]).toMatchObject({ label: 'Stop db-1', detail: '127.0.0.1:5401 · listening' });
  });

  it('lists favourite instances after pinned profiles, and a favourite is not repeated among the recents', () => {
    const menu = buildTrayMenu({ ...empty, profiles: [profile(1)], favouriteInstances: [recent(7), recent(3)], recentInstances: [recent(3), recent(4)] });
    expect(ids(menu.items).slice(0, 8)).toEqual([
      'section.pinned',
      'profile.start:p1',
      'section.favourites',
      `instance.shell:${recent(7).key}`,
      `instance.shell:${recent(3).key}`,
      'section.recent',
      `instance.shell:${recent(4).key}`,
      'sep.quick',
    ]);
    expect(menu.items[2]).toMatchObject({ kind: 'header', label: 'Favourites' });
    expect(menu.items[3]).toMatchObject({ label: 'web-7', detail: 'prod · eu-west-1', enabled: true });
  });

  it('fits exactly 15 rows without More…', () => {
    // 5 fixed rows + header + 9 recent = 15.
    const menu = buildTrayMenu({ ...empty, recentInstances: Array.from({ length: 9 }, (_, i) => recent(i)) });
    expect(menu.items).toHaveLength(TRAY_MAX_ITEMS);
    expect(menu.items.some((item) => item.id === 'more')).toBe(false);
  });

  it('moves what does not fit behind More… and keeps the menu at 15 rows', () => {
    const menu = buildTrayMenu({
      ...empty,
      profiles: Array.from({ length: 4 }, (_, i) => profile(i)),
      recentInstances: Array.from({ length: 10 }, (_, i) => recent(i)),
      activeTunnels: [tunnel(1), tunnel(2)],
    });
    expect(menu.items).toHaveLength(TRAY_MAX_ITEMS);
    const more = menu.items.find((item) => item.id === 'more');
    // 15 rows = 5 fixed + More… + header and 4 pinned + header and 3 recent; 7 recent and 2 tunnels behind More….
    expect(more).toMatchObject({ kind: 'submenu', label: 'More… (9)', enabled: true });
    expect(ids(more?.items ?? [])).toEqual([
      ...[3, 4, 5, 6, 7, 8, 9].map((i) => `instance.shell:${recent(i).key}`),
      'tunnel.stop:t1',
      'tunnel.stop:t2',
    ]);
    expect(ids(menu.items).slice(-5)).toEqual(['sep.quick', 'signin.start', 'sep.app', 'app.open', 'app.quit']);
  });

  it.each([
    [0, 'Bastionless — no active tunnels'],
    [1, 'Bastionless — 1 active tunnel'],
    [3, 'Bastionless — 3 active tunnels'],
  ])('tooltip with %i tunnels', (count, tooltip) => {
    expect(buildTrayMenu({ ...empty, activeTunnels: Array.from({ length: count }, (_, i) => tunnel(i)) }).tooltip).toBe(tooltip);
  });

  it('never exceeds 15 rows and shows every connect item exactly once (property)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 25 }),
        fc.nat({ max: 25 }),
        fc.nat({ max: 25 }),
        fc.nat({ max: 25 }),
        (pinned, unpinned, recents, tunnels) => {
          const state: TrayState = {
            signIn: { state: 'signed-in' },
            profiles: [
              ...Array.from({ length: unpinned }, (_, i) => profile(100 + i, false)),
              ...Array.from({ length: pinned }, (_, i) => profile(i)),
            ],
            favouriteInstances: [],
            recentInstances: Array.from({ length: recents }, (_, i) => recent(i)),
            activeTunnels: Array.from({ length: tunnels }, (_, i) => tunnel(i)),
            endingSoon: [],
          };
          const menu = buildTrayMenu(state);
          expect(menu.items.length).toBeLessThanOrEqual(TRAY_MAX_ITEMS);
          const actions = [...menu.items, ...(menu.items.find((i) => i.id === 'more')?.items ?? [])].filter(
            (i) => i.kind === 'action' && /^(profile|instance|tunnel)\./.test(i.id),
          );
          expect(actions).toHaveLength(pinned + recents + tunnels);
          expect(new Set(ids(actions)).size).toBe(actions.length);
          // Pinned profiles come before anything else the menu offers.
          const firstConnect = menu.items.find((i) => i.kind === 'action' && i.id !== 'signin.status');
          if (pinned > 0) expect(firstConnect?.id).toBe('profile.start:p0');
          // A header is never the last row of its section.
          menu.items.forEach((item, index) => {
            if (item.kind === 'header') expect(menu.items[index + 1]?.kind).toBe('action');
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  describe('ending soon', () => {
    const NOW = Date.UTC(2026, 11, 7, 12, 0);
    const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    const cut = (cause: CountdownItemInfo['cuts'][number]['cause'], minutes: number) => {
      const at = NOW + minutes * 60_000;
      return { cause, at, warnAt: at - 5 * 60_000, closes: cause === 'idle' || cause === 'max-duration' };
    };
    const item = (id: string, kind: 'tab' | 'tunnel', warning?: ReturnType<typeof cut>): CountdownItemInfo => ({
      id,
      kind,
      label: `${kind} ${id}`,
      sourceId: 'acme',
      sessionId: `s-${id}`,
      cuts: warning ? [warning] : [cut('idle', 20)],
      ...(warning ? { warning } : {}),
      keepalive: false,
      preferencesUnknown: false,
    });

    it('keeps only the countdowns that warn', () => {
      const ending = trayEndingSoon({ now: NOW, items: [item('a', 'tab', cut('max-duration', 4)), item('b', 'tab'), item('c', 'tunnel', cut('idle', 3))] });
      expect(ending.map((e) => [e.id, e.kind, e.cut.cause])).toEqual([
        ['a', 'tab', 'max-duration'],
        ['c', 'tunnel', 'idle'],
      ]);
    });

    it('comes first, names the clock time of each cut, and leads where the cut is fixed', () => {
      const endingSoon = trayEndingSoon({
        now: NOW,
        items: [item('t1', 'tab', cut('max-duration', 4)), item('db', 'tunnel', cut('idle', 3)), item('t2', 'tab', cut('sign-in', 2))],
      });
      const menu = buildTrayMenu({ ...empty, signIn: { state: 'signed-in' }, profiles: [profile(1)], activeTunnels: [tunnel(1)], endingSoon }, { now: NOW, clock });
      expect(menu.items.slice(0, 4)).toEqual([
        { id: 'section.ending', label: 'Ending soon', kind: 'header', enabled: false },
        { id: 'tab.show:t1', label: 'tab t1', kind: 'action', enabled: true, detail: 'Closes at 12:04: maximum session duration' },
        { id: 'tunnel.show:db', label: 'tunnel db', kind: 'action', enabled: true, detail: 'Session closes at 12:03: idle timeout' },
        { id: 'signin.source:acme', label: 'tab t2', kind: 'action', enabled: true, detail: 'Sign-in ends at 12:02: reconnecting will need a new sign-in — sign in again' },
      ]);
      expect(menu.items[4]?.id).toBe('section.pinned');
      expect(menu.tooltip).toBe('Bastionless — 1 active tunnel · 3 ending soon');
      expect(TrayMenuSchema.parse(menu)).toEqual(menu);
    });

    it('says a cut that has passed in the past tense', () => {
      const endingSoon = trayEndingSoon({ now: NOW, items: [item('t1', 'tab', cut('credentials', -1))] });
      const entry = buildTrayMenu({ ...empty, endingSoon }, { now: NOW, clock }).items.find((i) => i.id === 'signin.source:acme');
      expect(entry?.detail).toBe('AWS credentials expired: it cannot reconnect — sign in again');
    });
  });
});
