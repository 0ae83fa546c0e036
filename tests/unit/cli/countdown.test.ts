import { describe, expect, it } from 'vitest';
import { describeLimits, describeWarning } from '../../../main/cli/countdown';
import type { CountdownItemInfo } from '../../../preload/contract';

const NOW = Date.UTC(2026, 11, 7, 12, 0);
const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16);

describe('command-line countdown words', () => {
  it.each([
    ['tab', { idleSessionTimeout: 20, maxSessionDuration: 60 }, false, 'AWS closes this session after 20 min without input (idle timeout) and at 13:00 at the latest (maximum session duration).'],
    ['tab', { idleSessionTimeout: 15 }, false, 'AWS closes this session after 15 min without input (idle timeout).'],
    ['tab', { idleSessionTimeout: 15, maxSessionDuration: 30 }, true, 'AWS closes this session at 12:30 at the latest (maximum session duration). The keepalive is on (settings): no idle timeout.'],
    [
      'tunnel',
      { idleSessionTimeout: 20, maxSessionDuration: 60 },
      false,
      "AWS closes each of this tunnel's sessions after 20 min without input (idle timeout) and 60 min after it started (maximum session duration); a new session takes over and open connections drop.",
    ],
  ] as const)('%s %o keepalive=%s', (kind, prefs, keepalive, words) => {
    expect(describeLimits(kind, prefs, keepalive, NOW, clock)).toBe(words);
  });

  it('says nothing when the keepalive is on and there is no maximum', () => {
    expect(describeLimits('tab', { idleSessionTimeout: 20 }, true, NOW, clock)).toBeUndefined();
  });

  const item = (cause: 'max-duration' | 'sign-in', minutes: number): CountdownItemInfo => {
    const at = NOW + minutes * 60_000;
    const cut = { cause, at, warnAt: at - 300_000, closes: cause === 'max-duration' };
    return { id: 'cli', kind: 'tab', label: 'web-1', sourceId: 'acme', sessionId: 's-1', cuts: [cut], warning: cut, keepalive: false, preferencesUnknown: false };
  };

  it('warns with the time left and the clock time; a sign-in warning says how to sign in again from here', () => {
    expect(describeWarning(item('max-duration', 4), NOW, clock)).toBe('Closes in 4 min: maximum session duration (at 12:04).');
    expect(describeWarning(item('sign-in', 3), NOW, clock)).toBe('Sign-in ends in 3 min: reconnecting will need a new sign-in (at 12:03). Nothing closes now, but this command cannot reconnect after it; `bastionless login --sso-session acme` signs in again for the next one.');
    expect(describeWarning(item('sign-in', -1), NOW, clock)).toBe('Signed out: reconnecting will need a new sign-in. Nothing closes now, but this command cannot reconnect after it; `bastionless login --sso-session acme` signs in again for the next one.');
  });
});
