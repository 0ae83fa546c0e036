import { describe, expect, it } from 'vitest';
import { createAnnouncer } from '../../../main/core/countdown/announcer';
import type { CountdownItemInfo, CountdownsInfo } from '../../../preload/contract';

const NOW = Date.UTC(2026, 11, 7, 9, 0, 0);
const MIN = 60_000;

function item(id: string, warnIn: number | undefined, extra: Partial<CountdownItemInfo> = {}): CountdownItemInfo {
  const cut = { cause: 'idle' as const, at: NOW + 4 * MIN, warnAt: NOW - MIN, closes: true };
  return { id, kind: 'tab', label: `host-${id}`, sourceId: 'corp', sessionId: `s-${id}`, cuts: [cut], ...(warnIn !== undefined ? { warning: cut } : {}), keepalive: false, preferencesUnknown: false, ...extra };
}
const info = (items: CountdownItemInfo[], now = NOW): CountdownsInfo => ({ items, now });

describe('desktop notification announcer', () => {
  it('announces each warning once, in the words the window uses', () => {
    const announce = createAnnouncer();
    expect(announce(info([item('a', 0), item('b', undefined)]))).toEqual([{ key: `a|idle|${Math.round((NOW + 4 * MIN) / MIN)}`, title: 'host-a', body: 'Closes in 4 min: idle timeout' }]);
    expect(announce(info([item('a', 0)], NOW + MIN))).toEqual([]);
    expect(announce(info([item('a', 0), item('t', 0, { kind: 'tunnel', label: 'db' })])).map((a) => [a.title, a.body])).toEqual([['db (tunnel)', 'Session closes in 4 min: idle timeout']]);
  });

  it('a warning that went away (traffic, a new sign-in) is news again when it comes back', () => {
    const announce = createAnnouncer();
    expect(announce(info([item('a', 0)]))).toHaveLength(1);
    expect(announce(info([item('a', undefined)]))).toEqual([]);
    expect(announce(info([item('a', 0)]))).toHaveLength(1);
  });
});
