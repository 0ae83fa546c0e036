import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../main/core/aws/clock';
import { deviceFlow, refreshTokens, type OidcApi, type Registration } from '../../../main/core/aws/sso';

/** A clock that only moves when the code under test sleeps; records every sleep. */
function fakeClock(start = 1_000_000): Clock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    async sleep(ms, signal) {
      if (signal?.aborted) throw new Error('aborted');
      sleeps.push(ms);
      now += ms;
    },
  };
}

const named = (name: string) => Object.assign(new Error(name), { name });
const reg: Registration = { clientId: 'c', clientSecret: 's', expiresAt: 9e15, scopes: ['sso:account:access'], grantTypes: [] };

/** Scripted CreateToken answers: an Error name throws, 'ok' issues tokens. */
function scriptedApi(answers: string[], start: { interval?: number; expiresIn?: number } = {}): OidcApi & { polls: number } {
  const api = {
    polls: 0,
    registerClient: async () => ({}),
    endpoint: async () => 'http://127.0.0.1:1',
    startDeviceAuthorization: async () => ({ deviceCode: 'dc', userCode: 'ABCD-EFGH', verificationUriComplete: 'https://x/device?user_code=ABCD-EFGH', expiresIn: start.expiresIn ?? 600, ...(start.interval !== undefined ? { interval: start.interval } : {}) }),
    async createToken() {
      const answer = answers[api.polls++] ?? 'AuthorizationPendingException';
      if (answer !== 'ok') throw named(answer);
      return { accessToken: 'at', expiresIn: 3600, refreshToken: 'rt' };
    },
  };
  return api;
}

describe('device authorization polling', () => {
  it('tries once at once, then polls at the interval, adding 5 s for good on each slow_down', async () => {
    const clock = fakeClock();
    const api = scriptedApi(['AuthorizationPendingException', 'AuthorizationPendingException', 'SlowDownException', 'AuthorizationPendingException', 'SlowDownException', 'ok'], { interval: 2 });
    const codes: string[] = [];
    const tokens = await deviceFlow(api, { startUrl: 'https://x', registration: reg, clock, onCode: (c) => codes.push(c.userCode) });
    expect(codes).toEqual(['ABCD-EFGH']);
    expect(api.polls).toBe(6);
    // poll 1 immediate; 2 after 2 s; 3 after 2 s (slow_down → 7 s); 4 after 7 s; 5 after 7 s (slow_down → 12 s); 6 after 12 s.
    expect(clock.sleeps).toEqual([2000, 2000, 7000, 7000, 12000]);
    expect(tokens).toEqual({ accessToken: 'at', refreshToken: 'rt', expiresAt: 1_000_000 + 30_000 + 3600_000 });
  });

  it('defaults to a 5 s interval when the service gives none', async () => {
    const clock = fakeClock();
    await deviceFlow(scriptedApi(['AuthorizationPendingException', 'ok']), { startUrl: 'https://x', registration: reg, clock, onCode: () => {} });
    expect(clock.sleeps).toEqual([5000]);
  });

  it('ends with a clear error when the code expires, is denied, or the client is unknown', async () => {
    const cases: Array<[string[], string]> = [
      [['ExpiredTokenException'], 'sign-in-expired'],
      [['AccessDeniedException'], 'sign-in-denied'],
      [['InvalidClientException'], 'client-invalid'],
      [['InternalServerException'], 'sign-in-failed'],
    ];
    for (const [answers, code] of cases) {
      await expect(deviceFlow(scriptedApi(answers), { startUrl: 'https://x', registration: reg, clock: fakeClock(), onCode: () => {} })).rejects.toMatchObject({ code, hint: expect.any(String) });
    }
  });

  it('stops polling once the device code lifetime has passed, without asking again', async () => {
    const clock = fakeClock();
    const api = scriptedApi([], { interval: 5, expiresIn: 12 });
    await expect(deviceFlow(api, { startUrl: 'https://x', registration: reg, clock, onCode: () => {} })).rejects.toMatchObject({ code: 'sign-in-expired' });
    expect(api.polls).toBe(3); // at 0 s, 5 s, 10 s; at 15 s the code is dead
  });

  it('cancels between polls', async () => {
    const abort = new AbortController();
    const clock = fakeClock();
    const api = scriptedApi([]);
    const flow = deviceFlow(api, { startUrl: 'https://x', registration: reg, clock, signal: abort.signal, onCode: () => abort.abort() });
    await expect(flow).rejects.toMatchObject({ code: 'sign-in-cancelled' });
    expect(api.polls).toBe(0);
  });
});

describe('refresh', () => {
  it('keeps rotating refresh tokens and the old one when none comes back', async () => {
    const clock = fakeClock(5_000);
    const rotating = { ...scriptedApi(['ok']) };
    expect(await refreshTokens(rotating, reg, 'old', clock)).toEqual({ accessToken: 'at', refreshToken: 'rt', expiresAt: 5_000 + 3600_000 });
    const api: OidcApi = { ...scriptedApi([]), createToken: async () => ({ accessToken: 'a2', expiresIn: 60 }) };
    expect(await refreshTokens(api, reg, 'old', clock)).toEqual({ accessToken: 'a2', refreshToken: 'old', expiresAt: 5_000 + 60_000 });
  });

  it('asks for a new sign-in when the refresh token or the registration is dead', async () => {
    await expect(refreshTokens(scriptedApi(['InvalidGrantException']), reg, 'rt', fakeClock())).rejects.toMatchObject({ code: 'sign-in-required' });
    await expect(refreshTokens(scriptedApi(['InvalidClientException']), reg, 'rt', fakeClock())).rejects.toMatchObject({ code: 'client-invalid' });
  });
});
