import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { SSO_SESSION_NAME } from '../../../emulator/config-snippet';
import { DEMO_FIXTURE } from '../../../emulator/demo';
import { loadFixtureFile, startEmulator, type RunningEmulator } from '../../../emulator/index';
import type { SourceInfo } from '../../../preload/contract/auth';
import { AuthService, REFRESH_AHEAD_MS } from '../../../main/core/aws/auth';
import type { Clock } from '../../../main/core/aws/clock';
import { CredentialsService } from '../../../main/core/aws/credentials';
import { createAwsServices, type AwsServices } from '../../../main/core/aws/index';
import { sdkOidcApi } from '../../../main/core/aws/sso';
import { EncryptedJsonFile } from '../../../main/core/store/encrypted-file';
import { AppError } from '../../../main/core/errors';
import { readInventoryCache, writeInventoryCache } from '../../../main/core/store/inventory-cache';
import { MemorySecretStore } from '../../../main/core/store/secrets';

/**
 * The sign-in service against the emulator's Identity Center: authorization code + PKCE with the
 * test as the browser, the refresh timer ahead of expiry, and what happens when a refresh is
 * impossible (registration revoked, refresh token revoked).
 */

const ID = SSO_SESSION_NAME;

/** The app's clock: starts at wall time and only moves when the test (or a device-flow sleep) moves it. */
interface TestClock extends Clock {
  advance(ms: number): void;
}
function testClock(): TestClock {
  let now = Date.now();
  return {
    now: () => now,
    async sleep(ms, signal) {
      signal?.throwIfAborted();
      now += ms;
    },
    advance(ms) {
      now += ms;
    },
  };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.useRealTimers();
  while (cleanups.length) await cleanups.pop()!();
});

async function emulatorAndHome(autoApprove: boolean): Promise<{ emulator: RunningEmulator; home: string; configFile: string }> {
  const emulator = await startEmulator({ fixture: loadFixtureFile(DEMO_FIXTURE), autoApprove });
  const home = mkdtempSync(join(tmpdir(), 'bastionless-sign-in-'));
  cleanups.push(async () => {
    await emulator.stop();
    rmSync(home, { recursive: true, force: true });
  });
  const configFile = join(home, 'aws-config');
  writeFileSync(configFile, emulator.awsConfigSnippet(), { mode: 0o600 });
  return { emulator, home, configFile };
}

/** AuthService + portal credentials on their own (no inventory running in the background). */
async function authWorld(options: { clock: TestClock; autoApprove?: boolean; secrets?: MemorySecretStore }) {
  const { emulator, home, configFile } = await emulatorAndHome(options.autoApprove ?? true);
  const secrets = options.secrets ?? new MemorySecretStore();
  const dataDir = join(home, 'data');
  const oidcApis: Array<{ destroy(): void }> = [];
  /** Grant of every CreateToken the app starts, recorded the moment it is called. */
  const grants: string[] = [];
  const auth = new AuthService({
    secrets,
    dataDir,
    awsFiles: { configFile, credentialsFile: join(home, 'aws-credentials') },
    oidc: (region) => {
      const api = sdkOidcApi(region, { endpoint: emulator.url });
      oidcApis.push(api);
      return {
        ...api,
        createToken: (input) => {
          grants.push(input.grantType);
          return api.createToken(input);
        },
      };
    },
    clock: options.clock,
  });
  const credentials = new CredentialsService({ auth, clientConfig: { endpoint: emulator.url }, clock: options.clock });
  cleanups.push(() => {
    auth.dispose();
    credentials.dispose();
    for (const api of oidcApis) api.destroy();
  });
  const refreshes = () => grants.filter((g) => g === 'refresh_token').length;
  return { emulator, auth, credentials, secrets, dataDir, refreshes };
}

/** Resolves with the source once `done` holds for it (checked now and on every change). */
function sourceWhen(auth: AuthService, done: (s: SourceInfo) => boolean): Promise<SourceInfo> {
  return new Promise((resolve) => {
    const check = (sources: SourceInfo[]) => {
      const s = sources.find((x) => x.id === ID);
      if (s && done(s)) {
        off();
        resolve(s);
      }
    };
    const off = auth.onChange(check);
    check(auth.sources());
  });
}

/** The token file as written to disk (the parts the tests look at). */
const VaultView = z.object({
  sources: z.record(z.string(), z.object({ tokens: z.object({ refreshToken: z.string() }), registrations: z.record(z.string(), z.object({ clientId: z.string(), clientSecret: z.string() })) })),
});
async function readVault(dataDir: string, secrets: MemorySecretStore): Promise<z.infer<typeof VaultView>> {
  const vault = await new EncryptedJsonFile(join(dataDir, 'tokens.enc'), secrets, VaultView).read();
  expect(vault).toBeDefined();
  return vault!;
}

const callCount = (emulator: RunningEmulator, api: string) => emulator.control.calls().filter((c) => c.api === api).length;
const okCalls = (emulator: RunningEmulator, api: string) => emulator.control.calls().filter((c) => c.api === api && c.outcome === 'OK').length;
const fixtureAccounts = (emulator: RunningEmulator) => emulator.fixture().accounts.map((a) => ({ accountId: a.id, accountName: a.name }));
const byId = (a: { accountId: string }, b: { accountId: string }) => a.accountId.localeCompare(b.accountId);

async function deviceSignIn(auth: AuthService): Promise<void> {
  await auth.signIn(ID, 'device'); // resolves once the code is shown (and cleared any earlier error)
  const s = await sourceWhen(auth, (x) => x.state === 'signed-in' || Boolean(x.error));
  expect(s.error).toBeUndefined();
  expect(s.state).toBe('signed-in');
}

describe('authorization code + PKCE sign-in (the test is the browser)', () => {
  async function pkceWorld() {
    const { emulator, home, configFile } = await emulatorAndHome(false);
    const opened: string[] = [];
    const aws: AwsServices = createAwsServices({
      dataDir: join(home, 'data'),
      secretStore: new MemorySecretStore(),
      endpoint: emulator.url,
      awsFiles: { configFile, credentialsFile: join(home, 'aws-credentials') },
      cliCacheDir: null,
      refreshEveryMs: 0,
      openExternal: (url) => opened.push(url),
    });
    cleanups.push(() => aws.dispose());
    return { emulator, aws, opened };
  }

  /** Opens the authorize URL as a browser would and answers the consent page; returns the redirect. */
  async function consent(emulator: RunningEmulator, authorizeUrl: string, decision: 'approve' | 'deny'): Promise<URL> {
    const page = await fetch(authorizeUrl, { redirect: 'manual' });
    expect(page.status).toBe(200);
    const html = await page.text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
    expect(requestId).toBeTruthy();
    const answer = await fetch(`${emulator.url}/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request_id: requestId!, decision }).toString(),
    });
    expect(answer.status).toBe(302);
    return new URL(answer.headers.get('location')!);
  }

  it('hands out the authorize URL, ignores a redirect with the wrong state, and signs in with the code', async () => {
    const { emulator, aws, opened } = await pkceWorld();
    const started = await aws.auth.signIn(ID, 'pkce');

    // The URL reaches the caller in the source's pending sign-in (and the system browser).
    expect(started.state).toBe('signing-in');
    expect(started.pending?.method).toBe('pkce');
    const authorizeUrl = new URL(started.pending!.verificationUrl);
    expect(opened).toEqual([authorizeUrl.toString()]);
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${emulator.url}/authorize`);
    const q = authorizeUrl.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const redirectUri = new URL(q.get('redirect_uri')!);
    expect(redirectUri.hostname).toBe('127.0.0.1');
    expect(redirectUri.pathname).toBe('/oauth/callback');
    expect(Number(redirectUri.port)).toBeGreaterThan(0);
    expect(callCount(emulator, 'RegisterClient')).toBe(1);

    const callback = await consent(emulator, authorizeUrl.toString(), 'approve');
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri.toString());
    expect(callback.searchParams.get('state')).toBe(q.get('state'));
    expect(callback.searchParams.get('code')).toBeTruthy();

    // A redirect carrying someone else's state is refused and the listener keeps waiting.
    const forged = new URL(callback);
    forged.searchParams.set('state', 'not-the-state-we-sent');
    const refused = await fetch(forged, { redirect: 'manual' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/did not complete/);
    expect(callCount(emulator, 'CreateToken')).toBe(0);
    const waiting = aws.auth.sources().find((s) => s.id === ID)!;
    expect(waiting.state).toBe('signing-in');
    expect(waiting.pending?.verificationUrl).toBe(authorizeUrl.toString());
    expect(waiting.error).toBeUndefined();

    // The real redirect completes it: the code and the PKCE verifier are exchanged for tokens.
    const signedIn = sourceWhen(aws.auth, (s) => s.state === 'signed-in' || Boolean(s.error));
    const landing = await fetch(callback, { redirect: 'manual' });
    expect(landing.status).toBe(200);
    expect(await landing.text()).toMatch(/Signed in to Bastionless/);
    const source = await signedIn;
    expect(source).toMatchObject({ state: 'signed-in', refreshable: true });
    expect(source.error).toBeUndefined();
    expect(source.pending).toBeUndefined();
    expect(okCalls(emulator, 'CreateToken')).toBe(1);
    expect(callCount(emulator, 'StartDeviceAuthorization')).toBe(0);

    // The access token works on the portal: the fixture's accounts come back.
    expect((await aws.credentialsService.listAccounts(ID)).sort(byId)).toEqual(fixtureAccounts(emulator).sort(byId));
  });

  it('a denial on the consent page ends the sign-in with sign-in-denied', async () => {
    const { emulator, aws } = await pkceWorld();
    const started = await aws.auth.signIn(ID, 'pkce');
    const callback = await consent(emulator, started.pending!.verificationUrl, 'deny');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();

    const ended = sourceWhen(aws.auth, (s) => Boolean(s.error));
    const landing = await fetch(callback, { redirect: 'manual' });
    expect(landing.status).toBe(400);
    const source = await ended;
    expect(source.state).toBe('signed-out');
    expect(source.error).toMatchObject({ code: 'sign-in-denied', hint: expect.stringMatching(/Allow/) });
    expect(source.pending).toBeUndefined();
    expect(callCount(emulator, 'CreateToken')).toBe(0);
    await expect(aws.auth.accessToken(ID)).rejects.toMatchObject({ code: 'sign-in-required' });
  });
});

describe('refresh ahead of expiry', () => {
  it('replaces the access token 15 min before it expires, again and again, without a new sign-in', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const clock = testClock();
    const { emulator, auth, credentials, refreshes } = await authWorld({ clock });
    const ttlS = 3600;
    emulator.control.setFaults({ ssoTokenTtlSeconds: ttlS });
    let signIns = 0;
    auth.onSignedIn(() => signIns++);
    const states: string[] = [];
    auth.onChange((sources) => states.push(sources.find((s) => s.id === ID)!.state));

    await deviceSignIn(auth);
    const first = await auth.accessToken(ID);
    const firstExpiry = auth.sources().find((s) => s.id === ID)!.expiresAt!;
    expect(firstExpiry - clock.now()).toBeLessThanOrEqual(ttlS * 1000);
    expect(okCalls(emulator, 'CreateToken')).toBe(1);
    states.length = 0;

    let previous = first;
    let expiresAt = firstExpiry;
    for (let round = 1; round <= 2; round++) {
      const wait = expiresAt - REFRESH_AHEAD_MS - clock.now();
      expect(wait).toBeGreaterThan(30_000);
      // One second short of the refresh point: nothing happens.
      clock.advance(wait - 1000);
      emulator.control.advanceClock((wait - 1000) / 1000);
      vi.advanceTimersByTime(wait - 1000);
      expect(refreshes()).toBe(round - 1);
      expect(await auth.accessToken(ID)).toBe(previous);

      // At the refresh point the timer swaps the token, while the old one still has 15 min left.
      const refreshed = sourceWhen(auth, (s) => s.expiresAt !== expiresAt);
      clock.advance(1000);
      emulator.control.advanceClock(1);
      vi.advanceTimersByTime(1000);
      expect(refreshes()).toBe(round);
      const source = await refreshed;
      expect(expiresAt - clock.now()).toBe(REFRESH_AHEAD_MS);
      expect(source.state).toBe('signed-in');
      expect(source.expiresAt).toBeGreaterThan(expiresAt);
      const next = await auth.accessToken(ID);
      expect(next).not.toBe(previous);
      expect(okCalls(emulator, 'CreateToken')).toBe(round + 1);
      // The new token is the one the portal accepts from here on.
      expect((await credentials.listAccounts(ID)).sort(byId)).toEqual(fixtureAccounts(emulator).sort(byId));
      previous = next;
      expiresAt = source.expiresAt!;
    }

    expect(states.every((s) => s === 'signed-in')).toBe(true);
    expect(signIns).toBe(1);
    expect(callCount(emulator, 'RegisterClient')).toBe(1);
    expect(callCount(emulator, 'StartDeviceAuthorization')).toBe(1);
  });

  it('a token shorter than the refresh window is refreshed after 30 s, not in a tight loop', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const clock = testClock();
    const { emulator, auth, refreshes } = await authWorld({ clock });
    emulator.control.setFaults({ ssoTokenTtlSeconds: 600 });
    await deviceSignIn(auth);
    const first = await auth.accessToken(ID);
    const expiresAt = auth.sources().find((s) => s.id === ID)!.expiresAt!;

    const wait = (ms: number) => {
      clock.advance(ms);
      vi.advanceTimersByTime(ms);
    };
    wait(29_999);
    expect(refreshes()).toBe(0);
    expect(await auth.accessToken(ID)).toBe(first);

    const refreshed = sourceWhen(auth, (s) => s.expiresAt !== expiresAt);
    wait(1);
    expect(refreshes()).toBe(1);
    const source = await refreshed;
    expect(source).toMatchObject({ state: 'signed-in', expiresAt: expiresAt + 30_000 });
    expect(await auth.accessToken(ID)).not.toBe(first);
    expect(okCalls(emulator, 'CreateToken')).toBe(2);
    // The next one is again 30 s away, not immediate.
    wait(29_999);
    expect(refreshes()).toBe(1);
    const again = sourceWhen(auth, (s) => s.expiresAt !== source.expiresAt);
    wait(1);
    expect(refreshes()).toBe(2);
    await again;
    expect(okCalls(emulator, 'CreateToken')).toBe(3);
  });
});

describe('when a refresh is impossible', () => {
  it('InvalidClientException: the registration is dropped, the source is expired, and the next sign-in registers anew', async () => {
    const clock = testClock();
    const { emulator, auth, credentials, secrets, dataDir } = await authWorld({ clock });
    const added = await auth.addSource({ startUrl: 'https://other-org.awsapps.com/start', region: 'us-east-1', name: 'other' });
    await deviceSignIn(auth);
    expect(callCount(emulator, 'RegisterClient')).toBe(1);
    const deadClient = (await readVault(dataDir, secrets)).sources[ID]!.registrations.last!.clientId;
    const before = auth.sources();
    const settings = auth.settings();

    // Identity Center no longer knows the client (its registration lapsed on the service's side),
    // and the access token is dead too: the portal refuses it, the refresh answers InvalidClient.
    emulator.control.advanceClock(91 * 24 * 3600);
    await expect(credentials.listAccounts(ID)).rejects.toMatchObject({ code: 'client-invalid' });
    expect(emulator.control.calls().filter((c) => c.api === 'CreateToken').map((c) => c.outcome)).toEqual(['OK', 'InvalidClientException']);

    const source = auth.sources().find((s) => s.id === ID)!;
    expect(source.state).toBe('expired');
    expect(source.error).toMatchObject({ code: 'client-invalid', hint: expect.stringMatching(/sign in again/i) });
    expect(source.expiresAt).toBeUndefined();
    await expect(auth.accessToken(ID)).rejects.toMatchObject({ code: 'sign-in-required' });
    // Everything else stays: the other source, the settings, this source's configuration.
    expect(auth.sources().map((s) => s.id)).toEqual(before.map((s) => s.id));
    expect(auth.sources().find((s) => s.id === added.id)).toEqual(before.find((s) => s.id === added.id));
    expect(auth.settings()).toEqual(settings);
    expect(auth.source(ID)).toMatchObject({ kind: 'sso', startUrl: emulator.fixture().sso.startUrl });

    // Signing in again registers a new client instead of reusing the dead one.
    await deviceSignIn(auth);
    expect(callCount(emulator, 'RegisterClient')).toBe(2);
    expect(okCalls(emulator, 'StartDeviceAuthorization')).toBe(2);
    expect((await credentials.listAccounts(ID)).sort(byId)).toEqual(fixtureAccounts(emulator).sort(byId));
    expect(auth.sources().find((s) => s.id === ID)?.error).toBeUndefined();
    const stored = Object.values((await readVault(dataDir, secrets)).sources[ID]!.registrations).map((r) => r.clientId);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored).not.toContain(deadClient);
  });

  it('a registration revoked while signed out: the next sign-in registers anew once and succeeds', async () => {
    const clock = testClock();
    const { emulator, auth, credentials } = await authWorld({ clock });
    await deviceSignIn(auth);
    expect(await auth.signOut(ID)).toBe(true);
    // The service forgets the client; the app still thinks its registration has ~90 days left.
    emulator.control.advanceClock(91 * 24 * 3600);
    await deviceSignIn(auth);
    expect(callCount(emulator, 'RegisterClient')).toBe(2);
    expect(emulator.control.calls().filter((c) => c.api === 'StartDeviceAuthorization').map((c) => c.outcome)).toEqual(['OK', 'InvalidClientException', 'OK']);
    expect((await credentials.listAccounts(ID)).sort(byId)).toEqual(fixtureAccounts(emulator).sort(byId));
  });

  it('InvalidGrantException (refresh token revoked): the source is expired, the registration is kept', async () => {
    const clock = testClock();
    const ttlS = 3600;
    const { emulator, auth, credentials, secrets, dataDir } = await authWorld({ clock });
    emulator.control.setFaults({ ssoTokenTtlSeconds: ttlS });
    await deviceSignIn(auth);
    expect(callCount(emulator, 'RegisterClient')).toBe(1);

    // Someone else spends the refresh token (they rotate: the app's copy is now revoked).
    const entry = (await readVault(dataDir, secrets)).sources[ID]!;
    const reg = entry.registrations.last!;
    const thief = sdkOidcApi(emulator.fixture().sso.region, { endpoint: emulator.url });
    try {
      await thief.createToken({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'refresh_token', refreshToken: entry.tokens.refreshToken });
    } finally {
      thief.destroy();
    }

    // The token comes within the usable margin: accessToken() refreshes, and the refresh is refused.
    clock.advance(ttlS * 1000 - 4 * 60_000);
    await expect(auth.accessToken(ID)).rejects.toMatchObject({ code: 'sign-in-required' });
    expect(emulator.control.calls().filter((c) => c.api === 'CreateToken').map((c) => c.outcome)).toEqual(['OK', 'OK', 'InvalidGrantException']);
    const source = auth.sources().find((s) => s.id === ID)!;
    expect(source.state).toBe('expired');
    expect(source.error).toMatchObject({ code: 'sign-in-required', hint: expect.stringMatching(/sign in again/i) });
    await expect(credentials.listAccounts(ID)).rejects.toMatchObject({ code: 'sign-in-required' });
    // The dead tokens leave the token file as well: a restart must not show the source signed in.
    const tokensOnDisk = z.object({ sources: z.record(z.string(), z.object({ tokens: z.unknown().optional() })) });
    await expect
      .poll(async () => (await new EncryptedJsonFile(join(dataDir, 'tokens.enc'), secrets, tokensOnDisk).read())?.sources[ID]?.tokens)
      .toBeUndefined();

    // The registration still works: signing in again does not register a new client.
    await deviceSignIn(auth);
    expect(callCount(emulator, 'RegisterClient')).toBe(1);
    expect(okCalls(emulator, 'StartDeviceAuthorization')).toBe(2);
    expect((await credentials.listAccounts(ID)).sort(byId)).toEqual(fixtureAccounts(emulator).sort(byId));
  });
});

/** A keychain that refuses: at the check before sign-in, or only when the tokens are saved. */
class RefusingSecretStore extends MemorySecretStore {
  constructor(private readonly refuse: 'check' | 'set') {
    super();
  }
  private error = () => new AppError('keychain-unavailable', 'No OS keychain here (test)', 'Use the key file.');
  async check(): Promise<void> {
    if (this.refuse === 'check') throw this.error();
  }
  override async set(): Promise<void> {
    throw this.error();
  }
}

describe('when the sign-in cannot be kept', () => {
  it('a keychain that fails its check: the sign-in does not start, and says why', async () => {
    const { emulator, auth } = await authWorld({ clock: testClock(), secrets: new RefusingSecretStore('check') });
    const info = await auth.signIn(ID, 'device');
    expect(info.state).toBe('signed-out');
    expect(info.pending).toBeUndefined();
    expect(info.error).toEqual({ code: 'keychain-unavailable', message: 'No OS keychain here (test)', hint: 'Use the key file.' });
    expect(callCount(emulator, 'StartDeviceAuthorization')).toBe(0);
  });

  it('tokens that cannot be saved end the sign-in with that error (it used to wait forever), signed out', async () => {
    const { emulator, auth } = await authWorld({ clock: testClock(), secrets: new RefusingSecretStore('set') });
    await auth.signIn(ID, 'device');
    const s = await sourceWhen(auth, (x) => x.state !== 'signing-in');
    expect(okCalls(emulator, 'CreateToken')).toBe(1);
    expect(s.state).toBe('signed-out');
    expect(s.error?.code).toBe('keychain-unavailable');
    expect(s.pending).toBeUndefined();
  });
});

describe('removing a start URL added in the app', () => {
  it('forgets the source and its entry in auth-settings.json; a config-file source is refused with what to edit', async () => {
    const clock = testClock();
    const { auth, dataDir } = await authWorld({ clock });
    await auth.addSource({ startUrl: 'https://other-org.awsapps.com/start', region: 'us-east-1', name: 'other' });
    const settingsFile = () => z.object({ addedSources: z.array(z.object({ id: z.string() })) }).parse(JSON.parse(readFileSync(join(dataDir, 'auth-settings.json'), 'utf8')));
    expect(settingsFile().addedSources.map((s) => s.id)).toEqual(['other']);
    const changes: string[][] = [];
    auth.onChange((sources) => changes.push(sources.map((s) => s.id)));

    await auth.removeSource('other');
    expect(auth.sources().map((s) => s.id)).not.toContain('other');
    expect(changes.at(-1)).toEqual(auth.sources().map((s) => s.id));
    expect(settingsFile().addedSources).toEqual([]);
    await expect(auth.removeSource(ID)).rejects.toMatchObject({ code: 'source-in-config', hint: expect.stringContaining('~/.aws/config') });
    await expect(auth.removeSource('other')).rejects.toMatchObject({ code: 'unknown-source' });
    expect(auth.sources().map((s) => s.id)).toContain(ID);
  });
});

describe('the cached fleet follows the sources', () => {
  it('instances of a source that no longer exists leave the list and the cache; a removed start URL takes its instances along', async () => {
    const { emulator, home, configFile } = await emulatorAndHome(true);
    const dataDir = join(home, 'data');
    const cachePath = join(dataDir, 'inventory.json');
    const instance = (sourceId: string, id: string) => ({ key: `${sourceId}/111122223333/eu-west-1/${id}`, sourceId, accountId: '111122223333', accountName: 'prod', roleName: 'Admin', region: 'eu-west-1', instanceId: id, platform: 'Linux' as const, pingStatus: 'Online' as const, tags: {}, resourceType: 'EC2Instance' as const });
    const row = (sourceId: string) => ({ id: `${sourceId}/111122223333/eu-west-1`, sourceId, accountId: '111122223333', accountName: 'prod', region: 'eu-west-1', state: 'done' as const, instances: 1 });
    await writeInventoryCache(cachePath, { savedAt: 1, instances: [instance(ID, 'i-0000000000000000a'), instance('old-org', 'i-0000000000000000b'), instance('other', 'i-0000000000000000c')], rows: [row(ID), row('old-org'), row('other')] });
    // "other" is a start URL added in the app earlier; "old-org" was removed from ~/.aws/config.
    writeFileSync(join(dataDir, 'auth-settings.json'), JSON.stringify({ version: 1, settings: { rolePreference: [], regions: [], shareCliCache: false }, addedSources: [{ id: 'other', startUrl: 'https://other-org.awsapps.com/start', region: 'us-east-1' }] }));
    const aws = createAwsServices({ dataDir, secretStore: new MemorySecretStore(), endpoint: emulator.url, awsFiles: { configFile, credentialsFile: join(home, 'aws-credentials') }, cliCacheDir: null, refreshEveryMs: 0 });
    cleanups.push(() => aws.dispose());
    const cachedSources = async () => [...new Set((await readInventoryCache(cachePath))?.instances.map((i) => i.sourceId))].sort();

    await expect.poll(() => aws.inventory.list().map((i) => i.sourceId).sort()).toEqual([ID, 'other']);
    await expect.poll(cachedSources).toEqual([ID, 'other']);
    expect((await readInventoryCache(cachePath))?.rows.map((r) => r.sourceId).sort()).toEqual([ID, 'other']);

    await aws.auth.removeSource('other');
    await expect.poll(() => aws.inventory.list().map((i) => i.instanceId)).toEqual(['i-0000000000000000a']);
    await expect.poll(cachedSources).toEqual([ID]);
  });
});
