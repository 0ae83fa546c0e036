import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import {
  paginateListAccountRoles,
  paginateListAccounts,
  GetRoleCredentialsCommand,
  ListAccountsCommand,
  LogoutCommand,
  SSOClient,
  UnauthorizedException,
} from '@aws-sdk/client-sso';
import {
  AccessDeniedException,
  AuthorizationPendingException,
  CreateTokenCommand,
  ExpiredTokenException,
  InvalidClientException,
  InvalidGrantException,
  RegisterClientCommand,
  SlowDownException,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../emulator/index';
import { signInToEmulator } from '../../../emulator/sdk-login';
import { demoFixture } from './fixture-helpers';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** A raw HTTP call, as a browser on the verification page would make it. */
function http(url: string, method = 'GET', form?: Record<string, string>): Promise<{ status: number; body: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const req = request(url, { method, headers: body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, ...(res.headers.location ? { location: res.headers.location } : {}) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('SSO OIDC and portal against the real SDK clients', () => {
  let emu: RunningEmulator;
  let oidc: SSOOIDCClient;
  let sso: SSOClient;

  beforeAll(async () => {
    emu = await startEmulator({ fixture: demoFixture() });
    oidc = new SSOOIDCClient({ region: 'eu-west-1', endpoint: emu.url });
    sso = new SSOClient({ region: 'eu-west-1', endpoint: emu.url, maxAttempts: 1 });
  });
  afterAll(async () => {
    oidc.destroy();
    sso.destroy();
    await emu.stop();
  });

  async function register(scopes?: string[]) {
    return oidc.send(new RegisterClientCommand({ clientName: 'test', clientType: 'public', ...(scopes ? { scopes } : {}) }));
  }

  it('runs the device flow: pending, approval on the verification page, token with refresh token', async () => {
    const client = await register(['sso:account:access']);
    expect(client.clientSecretExpiresAt! - client.clientIdIssuedAt!).toBe(90 * 24 * 3600);
    const device = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId!, clientSecret: client.clientSecret!, startUrl: emu.fixture().sso.startUrl }));
    expect(device.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(device.verificationUriComplete).toBe(`${emu.url}/device?user_code=${device.userCode}`);
    const poll = () => oidc.send(new CreateTokenCommand({ clientId: client.clientId!, clientSecret: client.clientSecret!, grantType: DEVICE_GRANT, deviceCode: device.deviceCode! }));
    const pending = await poll().catch((e: unknown) => e);
    expect(pending).toBeInstanceOf(AuthorizationPendingException);
    expect((pending as AuthorizationPendingException).error).toBe('authorization_pending');

    const page = await http(device.verificationUriComplete!);
    expect(page.status).toBe(200);
    expect(page.body).toContain('id="approve"');
    expect(page.body).toContain('id="deny"');
    expect(page.body).toContain(device.userCode);
    const approved = await http(`${emu.url}/device`, 'POST', { user_code: device.userCode!, username: 'alice', decision: 'approve' });
    expect(approved.body).toContain('Request approved');

    const token = await poll();
    expect(token.tokenType).toBe('Bearer');
    expect(token.expiresIn).toBe(8 * 3600);
    expect(token.refreshToken).toBeTruthy();
    const reused = await poll().catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(InvalidGrantException);
  });

  it('answers AccessDeniedException after Deny, ExpiredTokenException after 10 minutes, InvalidClientException for a bad secret', async () => {
    const client = await register(['sso:account:access']);
    const start = () => oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId!, clientSecret: client.clientSecret!, startUrl: emu.fixture().sso.startUrl }));
    const poll = (deviceCode: string) => oidc.send(new CreateTokenCommand({ clientId: client.clientId!, clientSecret: client.clientSecret!, grantType: DEVICE_GRANT, deviceCode }));
    const denied = await start();
    await http(`${emu.url}/device`, 'POST', { user_code: denied.userCode!, decision: 'deny' });
    expect(await poll(denied.deviceCode!).catch((e: unknown) => e)).toBeInstanceOf(AccessDeniedException);

    const expiring = await start();
    emu.control.advanceClock(601);
    const expired = await poll(expiring.deviceCode!).catch((e: unknown) => e);
    expect(expired).toBeInstanceOf(ExpiredTokenException);
    expect((expired as ExpiredTokenException).error).toBe('expired_token');

    const bad = await oidc
      .send(new StartDeviceAuthorizationCommand({ clientId: client.clientId!, clientSecret: 'wrong', startUrl: emu.fixture().sso.startUrl }))
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InvalidClientException);
    expect((bad as InvalidClientException).$metadata.httpStatusCode).toBe(401);
  });

  it('rotates refresh tokens and refuses the old one', async () => {
    const login = await signInToEmulator(emu);
    const refresh = (refreshToken: string) =>
      oidc.send(new CreateTokenCommand({ clientId: login.clientId, clientSecret: login.clientSecret, grantType: 'refresh_token', refreshToken }));
    const next = await refresh(login.refreshToken!);
    expect(next.accessToken).not.toBe(login.accessToken);
    expect(next.refreshToken).not.toBe(login.refreshToken);
    expect(await refresh(login.refreshToken!).catch((e: unknown) => e)).toBeInstanceOf(InvalidGrantException);
    const accounts = await sso.send(new ListAccountsCommand({ accessToken: next.accessToken! }));
    expect(accounts.accountList?.length).toBe(4);
  });

  it('gives no refresh token to clients registered without scopes (legacy profiles)', async () => {
    const client = await register(undefined);
    const device = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId!, clientSecret: client.clientSecret!, startUrl: emu.fixture().sso.startUrl }));
    emu.control.approveDevice(device.userCode!);
    const token = await oidc.send(new CreateTokenCommand({ clientId: client.clientId!, clientSecret: client.clientSecret!, grantType: DEVICE_GRANT, deviceCode: device.deviceCode! }));
    expect(token.accessToken).toBeTruthy();
    expect(token.refreshToken).toBeUndefined();
  });

  it('runs the authorization-code flow with PKCE through /authorize', async () => {
    const client = await oidc.send(
      new RegisterClientCommand({
        clientName: 'pkce-test',
        clientType: 'public',
        scopes: ['sso:account:access'],
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['http://127.0.0.1/oauth/callback'],
        issuerUrl: emu.fixture().sso.startUrl,
      }),
    );
    expect(client.authorizationEndpoint).toBe(`${emu.url}/authorize`);
    const verifier = randomBytes(48).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUri = 'http://127.0.0.1:53111/oauth/callback';
    const authorize = new URL(`${emu.url}/authorize`);
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: client.clientId!, redirect_uri: redirectUri, state: 'st-1', code_challenge_method: 'S256', scopes: 'sso:account:access', code_challenge: challenge }))
      authorize.searchParams.set(k, v);
    const page = await http(authorize.toString());
    expect(page.status).toBe(200);
    expect(page.body).toContain('id="approve"');
    const requestId = /name="request_id" value="([^"]+)"/.exec(page.body)![1]!;
    const decided = await http(`${emu.url}/authorize`, 'POST', { request_id: requestId, decision: 'approve' });
    expect(decided.status).toBe(302);
    const callback = new URL(decided.location!);
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
    expect(callback.searchParams.get('state')).toBe('st-1');
    const code = callback.searchParams.get('code')!;

    const wrongVerifier = await oidc
      .send(new CreateTokenCommand({ clientId: client.clientId!, clientSecret: client.clientSecret!, grantType: 'authorization_code', code, redirectUri, codeVerifier: 'x'.repeat(64) }))
      .catch((e: unknown) => e);
    expect(wrongVerifier).toBeInstanceOf(InvalidGrantException);

    // The failed exchange consumed the code, as single-use codes are; run the flow again.
    const page2 = await http(authorize.toString());
    const decided2 = await http(`${emu.url}/authorize`, 'POST', { request_id: /name="request_id" value="([^"]+)"/.exec(page2.body)![1]!, decision: 'approve' });
    const code2 = new URL(decided2.location!).searchParams.get('code')!;
    const token = await oidc.send(
      new CreateTokenCommand({ clientId: client.clientId!, clientSecret: client.clientSecret!, grantType: 'authorization_code', code: code2, redirectUri, codeVerifier: verifier }),
    );
    expect(token.refreshToken).toBeTruthy();

    const deniedPage = await http(authorize.toString());
    const denied = await http(`${emu.url}/authorize`, 'POST', { request_id: /name="request_id" value="([^"]+)"/.exec(deniedPage.body)![1]!, decision: 'deny' });
    expect(new URL(denied.location!).searchParams.get('error')).toBe('access_denied');

    const unregistered = new URL(authorize);
    unregistered.searchParams.set('redirect_uri', 'http://evil.example/cb');
    expect((await http(unregistered.toString())).status).toBe(400);
  });

  it('answers SlowDownException when a client polls faster than the interval (pace faithful)', async () => {
    const faithful = await startEmulator({ fixture: demoFixture(), pace: 'faithful' });
    const client = new SSOOIDCClient({ region: 'eu-west-1', endpoint: faithful.url });
    try {
      const reg = await client.send(new RegisterClientCommand({ clientName: 't', clientType: 'public' }));
      const device = await client.send(new StartDeviceAuthorizationCommand({ clientId: reg.clientId!, clientSecret: reg.clientSecret!, startUrl: faithful.fixture().sso.startUrl }));
      expect(device.interval).toBe(5);
      const poll = () => client.send(new CreateTokenCommand({ clientId: reg.clientId!, clientSecret: reg.clientSecret!, grantType: DEVICE_GRANT, deviceCode: device.deviceCode! }));
      expect(await poll().catch((e: unknown) => e)).toBeInstanceOf(AuthorizationPendingException);
      const slow = await poll().catch((e: unknown) => e);
      expect(slow).toBeInstanceOf(SlowDownException);
      expect((slow as SlowDownException).error).toBe('slow_down');
    } finally {
      client.destroy();
      await faithful.stop();
    }
  });

  it('pages accounts and roles, and issues distinct keys per (account, role)', async () => {
    const { accessToken } = await signInToEmulator(emu);
    const pages: number[] = [];
    const accounts: string[] = [];
    for await (const page of paginateListAccounts({ client: sso, pageSize: 3 }, { accessToken })) {
      pages.push(page.accountList!.length);
      accounts.push(...page.accountList!.map((a) => a.accountName!));
    }
    expect(pages).toEqual([3, 1]);
    expect(accounts).toEqual(['prod', 'staging', 'sandbox', 'shared-services']);
    const roles: string[] = [];
    for await (const page of paginateListAccountRoles({ client: sso, pageSize: 1 }, { accessToken, accountId: '210987654321' })) roles.push(...page.roleList!.map((r) => r.roleName!));
    expect(roles).toEqual(['AdministratorAccess', 'SessionManagerUser', 'ReadOnlyAccess']);

    const a = await sso.send(new GetRoleCredentialsCommand({ accessToken, accountId: '210987654321', roleName: 'AdministratorAccess' }));
    const b = await sso.send(new GetRoleCredentialsCommand({ accessToken, accountId: '210987654321', roleName: 'ReadOnlyAccess' }));
    expect(a.roleCredentials!.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(a.roleCredentials!.accessKeyId).not.toBe(b.roleCredentials!.accessKeyId);
    expect(a.roleCredentials!.expiration!).toBeGreaterThan(Date.now() + 3500_000);

    const forbidden = await sso.send(new GetRoleCredentialsCommand({ accessToken, accountId: '210987654321', roleName: 'NoSuchRole' })).catch((e: unknown) => e);
    expect((forbidden as Error).name).toBe('ForbiddenException');
    expect((forbidden as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(403);
  });

  it('refuses a bad, logged-out or expired bearer token with UnauthorizedException', async () => {
    expect(await sso.send(new ListAccountsCommand({ accessToken: 'nope' })).catch((e: unknown) => e)).toBeInstanceOf(UnauthorizedException);
    const first = await signInToEmulator(emu);
    await sso.send(new LogoutCommand({ accessToken: first.accessToken }));
    expect(await sso.send(new ListAccountsCommand({ accessToken: first.accessToken })).catch((e: unknown) => e)).toBeInstanceOf(UnauthorizedException);

    emu.control.setFaults({ ssoTokenTtlSeconds: 60 });
    try {
      const { accessToken } = await signInToEmulator(emu);
      await sso.send(new ListAccountsCommand({ accessToken }));
      emu.control.advanceClock(61);
      const err = await sso.send(new ListAccountsCommand({ accessToken })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnauthorizedException);
      expect((err as Error).message).toBe('Session token not found or invalid');
    } finally {
      emu.control.setFaults({ ssoTokenTtlSeconds: undefined });
    }
  });
});
