import { describe, expect, it } from 'vitest';
import { badgeText, describeCut, formatLeft, needsSignIn, type CutInfo } from '../../../preload/contract';

const NOW = 1_000_000_000_000;
const MIN = 60_000;
const cut = (cause: CutInfo['cause'], minutes: number): CutInfo => ({ cause, at: NOW + minutes * MIN, warnAt: NOW + (minutes - 5) * MIN, closes: cause === 'idle' || cause === 'max-duration' });

describe('countdown words', () => {
  it('rounds the time left up, in minutes then hours', () => {
    expect(formatLeft(30_000)).toBe('less than a minute');
    expect(formatLeft(11 * MIN + 1)).toBe('12 min');
    expect(formatLeft(60 * MIN)).toBe('1 h');
    expect(formatLeft(65 * MIN)).toBe('1 h 5 min');
  });

  it('says what cuts and what that means', () => {
    expect(describeCut(cut('idle', 12), NOW)).toBe('Closes in 12 min: idle timeout');
    expect(describeCut(cut('max-duration', 90), NOW)).toBe('Closes in 1 h 30 min: maximum session duration');
    expect(describeCut(cut('sign-in', 4), NOW)).toBe('Sign-in ends in 4 min: reconnecting will need a new sign-in');
    expect(describeCut(cut('credentials', 20), NOW)).toBe('AWS credentials expire in 20 min: after that it cannot reconnect');
    expect(describeCut(cut('idle', 0), NOW)).toBe('Closes now: idle timeout');
    expect(describeCut(cut('idle', 3), NOW, 'tunnel')).toBe('Session closes in 3 min: idle timeout');
    expect(describeCut(cut('sign-in', -1), NOW)).toBe('Signed out: reconnecting will need a new sign-in');
  });

  it('keeps the badge short, and offers a sign-in only where one helps', () => {
    expect(badgeText(cut('idle', 4), NOW)).toBe('4 min');
    expect(badgeText(cut('idle', 0.5), NOW)).toBe('<1 min');
    expect(needsSignIn(cut('sign-in', 1))).toBe(true);
    expect(needsSignIn(cut('credentials', 1))).toBe(true);
    expect(needsSignIn(cut('max-duration', 1))).toBe(false);
  });
});
