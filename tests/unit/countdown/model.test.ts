import { describe, expect, it } from 'vitest';
import { countdown, nextChangeAt, type CountdownInput } from '../../../main/core/countdown/model';
import { keepaliveIntervalMs } from '../../../main/core/countdown/service';
import { createSessionPreferencesReader, parseSessionPreferences } from '../../../main/core/aws/session-preferences';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);

function input(extra: Partial<CountdownInput> = {}): CountdownInput {
  return { startedAt: T0, lastActivityAt: T0, preferences: { idleSessionTimeout: 20, maxSessionDuration: 60 }, ...extra };
}

describe('countdown', () => {
  it('puts the idle cut idleSessionTimeout after the last client traffic, and warns 5 minutes ahead', () => {
    const c = countdown(input({ lastActivityAt: T0 + 10 * MIN }), T0 + 12 * MIN);
    expect(c.next).toEqual({ cause: 'idle', at: T0 + 30 * MIN, warnAt: T0 + 25 * MIN, closes: true });
    expect(c.warning).toBeUndefined();
    expect(countdown(input({ lastActivityAt: T0 + 10 * MIN }), T0 + 25 * MIN).warning?.cause).toBe('idle');
  });

  it('resets the idle cut on traffic but never moves the maximum duration', () => {
    const quiet = countdown(input(), T0 + 1 * MIN);
    const busy = countdown(input({ lastActivityAt: T0 + 50 * MIN }), T0 + 51 * MIN);
    expect(quiet.cuts.map((c) => [c.cause, (c.at - T0) / MIN])).toEqual([['idle', 20], ['max-duration', 60]]);
    expect(busy.cuts.map((c) => [c.cause, (c.at - T0) / MIN])).toEqual([['max-duration', 60], ['idle', 70]]);
    expect(busy.next?.cause).toBe('max-duration');
    expect(busy.warning?.cause).toBeUndefined();
    expect(countdown(input({ lastActivityAt: T0 + 50 * MIN }), T0 + 55 * MIN).warning?.cause).toBe('max-duration');
  });

  it('with the keepalive on, drops the idle cut and keeps the maximum duration', () => {
    const c = countdown(input({ keepalive: true }), T0 + 40 * MIN);
    expect(c.cuts.map((x) => x.cause)).toEqual(['max-duration']);
    expect(c.next?.at).toBe(T0 + 60 * MIN);
  });

  it('takes the lead time it is given', () => {
    expect(countdown(input(), T0 + 9 * MIN, 10 * MIN).warning).toBeUndefined();
    expect(countdown(input(), T0 + 10 * MIN, 10 * MIN).warning?.cause).toBe('idle');
  });

  it('leaves out idle and maximum duration while the preferences are unknown, and no limit means no cut', () => {
    expect(countdown(input({ preferences: undefined }), T0).cuts).toEqual([]);
    expect(countdown(input({ preferences: { idleSessionTimeout: 20 } }), T0).cuts.map((c) => c.cause)).toEqual(['idle']);
  });

  it('a refreshable sign-in is no cut; one that cannot refresh ends at its token expiry, then the credentials', () => {
    const refreshable = countdown(input({ signIn: { state: 'signed-in', refreshable: true, expiresAt: T0 + 5 * MIN }, credentialsExpireAt: T0 + 8 * MIN }), T0);
    expect(refreshable.cuts.map((c) => c.cause)).toEqual(['idle', 'max-duration']);
    const legacy = countdown(input({ signIn: { state: 'signed-in', refreshable: false, expiresAt: T0 + 15 * MIN }, credentialsExpireAt: T0 + 45 * MIN }), T0 + 11 * MIN);
    expect(legacy.cuts.map((c) => [c.cause, (c.at - T0) / MIN, c.closes])).toEqual([
      ['sign-in', 15, false],
      ['idle', 20, true],
      ['credentials', 45, false],
      ['max-duration', 60, true],
    ]);
    expect(legacy.warning?.cause).toBe('sign-in');
  });

  it('an expired sign-in warns at once; credentials that die first add nothing after it', () => {
    const c = countdown(input({ signIn: { state: 'expired', refreshable: false }, credentialsExpireAt: T0 + 1 * MIN }), T0 + 2 * MIN);
    expect(c.next).toMatchObject({ cause: 'sign-in', at: T0 + 2 * MIN, closes: false });
    expect(c.warning?.cause).toBe('sign-in');
    expect(c.cuts.map((x) => x.cause)).not.toContain('credentials');
  });

  it('of two cuts at the same moment, names the one that closes the session', () => {
    const c = countdown(input({ preferences: { idleSessionTimeout: 20 }, signIn: { state: 'signed-in', refreshable: false, expiresAt: T0 + 20 * MIN } }), T0);
    expect(c.next?.cause).toBe('idle');
  });

  it('says when its answer next changes by itself', () => {
    const c = countdown(input(), T0 + 1 * MIN);
    expect(nextChangeAt(c, T0 + 1 * MIN)).toBe(T0 + 15 * MIN);
    expect(nextChangeAt(c, T0 + 15 * MIN)).toBe(T0 + 20 * MIN);
    expect(nextChangeAt(c, T0 + 61 * MIN)).toBeUndefined();
  });
});

describe('keepalive interval', () => {
  it('is half the idle timeout, between 15 s and 5 min; 30 s when the timeout is unknown', () => {
    expect(keepaliveIntervalMs(20)).toBe(5 * MIN);
    expect(keepaliveIntervalMs(6)).toBe(3 * MIN);
    expect(keepaliveIntervalMs(1)).toBe(30_000);
    expect(keepaliveIntervalMs(undefined)).toBe(30_000);
  });
});

describe('parseSessionPreferences', () => {
  it('reads the strings SSM-SessionManagerRunShell keeps, with AWS defaults for empty ones', () => {
    expect(parseSessionPreferences(JSON.stringify({ inputs: { idleSessionTimeout: '15', maxSessionDuration: '120', s3BucketName: '' } }))).toEqual({ idleSessionTimeout: 15, maxSessionDuration: 120 });
    expect(parseSessionPreferences(JSON.stringify({ inputs: { idleSessionTimeout: '', maxSessionDuration: '' } }))).toEqual({ idleSessionTimeout: 20 });
    expect(parseSessionPreferences(JSON.stringify({ schemaVersion: '1.0' }))).toEqual({ idleSessionTimeout: 20 });
  });

  it('refuses values outside what AWS allows', () => {
    expect(() => parseSessionPreferences(JSON.stringify({ inputs: { idleSessionTimeout: '90' } }))).toThrow();
    expect(() => parseSessionPreferences(JSON.stringify({ inputs: { maxSessionDuration: 'soon' } }))).toThrow();
  });
});

describe('the preferences reader', () => {
  const scope = { sourceId: 'corp', accountId: '123456789012', roleName: 'Admin', region: 'eu-west-1' };
  const named = (name: string) => Object.assign(new Error(`${name} from SSM`), { name });

  it('asks once per account-region and role, and keeps the answer', async () => {
    let calls = 0;
    const reader = createSessionPreferencesReader({ fetch: async () => (calls++, JSON.stringify({ inputs: { idleSessionTimeout: '15', maxSessionDuration: '' } })) });
    expect(reader.peek(scope)).toBeUndefined();
    expect(await Promise.all([reader.get(scope), reader.get(scope)])).toEqual([{ idleSessionTimeout: 15 }, { idleSessionTimeout: 15 }]);
    expect(reader.peek(scope)).toEqual({ idleSessionTimeout: 15 });
    expect(calls).toBe(1);
  });

  it("an account that never saved its preferences has no document: AWS's defaults", async () => {
    const reader = createSessionPreferencesReader({ fetch: async () => Promise.reject(named('InvalidDocument')) });
    expect(await reader.get(scope)).toEqual({ idleSessionTimeout: 20 });
  });

  it('a refusal is unknown, said in the log, and asked again next time', async () => {
    const log: string[] = [];
    let calls = 0;
    const reader = createSessionPreferencesReader({ fetch: async () => (calls++ === 0 ? Promise.reject(named('AccessDeniedException')) : '{}'), log: (l) => log.push(l) });
    expect(await reader.get(scope)).toBeUndefined();
    expect(log).toEqual(['Session Manager preferences of 123456789012/eu-west-1 unknown: AccessDeniedException from SSM']);
    expect(await reader.get(scope)).toEqual({ idleSessionTimeout: 20 });
  });
});
