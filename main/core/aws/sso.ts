import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand, type SSOOIDCClientConfig } from '@aws-sdk/client-sso-oidc';
import { AppError } from '../errors';
import { systemClock, type Clock } from './clock';

/**
 * IAM Identity Center OIDC: client registration, the device authorization grant (polled here:
 * the SDK does not retry AuthorizationPending or SlowDown), the authorization-code grant with
 * PKCE on a loopback redirect, and refresh.
 */

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const SSO_SCOPE = 'sso:account:access';
/** RFC 8628 §3.5: default poll interval and the step added on each slow_down. */
export const DEFAULT_POLL_INTERVAL_S = 5;
export const SLOW_DOWN_STEP_S = 5;

export interface Registration {
  clientId: string;
  clientSecret: string;
  /** epoch ms */
  expiresAt: number;
  scopes: string[];
  grantTypes: string[];
}

export interface TokenSet {
  accessToken: string;
  /** epoch ms */
  expiresAt: number;
  refreshToken?: string;
}

/** The three OIDC calls, as plain async functions so tests can script the service's answers. */
export interface OidcApi {
  registerClient(input: { clientName: string; clientType: 'public'; scopes?: string[]; grantTypes?: string[]; redirectUris?: string[]; issuerUrl?: string }): Promise<{ clientId?: string; clientSecret?: string; clientSecretExpiresAt?: number }>;
  startDeviceAuthorization(input: { clientId: string; clientSecret: string; startUrl: string }): Promise<{ deviceCode?: string; userCode?: string; verificationUri?: string; verificationUriComplete?: string; expiresIn?: number; interval?: number }>;
  createToken(input: { clientId: string; clientSecret: string; grantType: string; deviceCode?: string; refreshToken?: string; code?: string; redirectUri?: string; codeVerifier?: string }): Promise<{ accessToken?: string; expiresIn?: number; refreshToken?: string }>;
  /** Base URL of the OIDC endpoint (for the hand-built /authorize URL). */
  endpoint(): Promise<string>;
}

export function sdkOidcApi(region: string, config: Partial<SSOOIDCClientConfig> = {}): OidcApi & { destroy(): void } {
  const client = new SSOOIDCClient({ region, ...config });
  return {
    registerClient: (input) => client.send(new RegisterClientCommand(input)),
    startDeviceAuthorization: (input) => client.send(new StartDeviceAuthorizationCommand(input)),
    createToken: (input) => client.send(new CreateTokenCommand(input)),
    async endpoint() {
      const resolved = await client.config.endpointProvider({ Region: region, ...(typeof config.endpoint === 'string' ? { Endpoint: config.endpoint } : {}) }, {});
      return resolved.url.toString().replace(/\/+$/, '');
    },
    destroy: () => client.destroy(),
  };
}

const errorName = (err: unknown) => (err instanceof Error ? err.name : '');
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function registrationUsable(reg: Registration | undefined, now: number, grantType: string, scopes: string[]): reg is Registration {
  // A day of margin: a registration must not lapse between the code and the token.
  return Boolean(reg && reg.expiresAt - 24 * 3600_000 > now && reg.grantTypes.includes(grantType) && scopes.every((s) => reg.scopes.includes(s)));
}

export async function registerClient(api: OidcApi, options: { scopes: string[]; grantTypes: string[]; redirectUris?: string[]; issuerUrl?: string }): Promise<Registration> {
  const out = await api.registerClient({
    clientName: 'Bastionless',
    clientType: 'public',
    grantTypes: options.grantTypes,
    ...(options.scopes.length ? { scopes: options.scopes } : {}),
    ...(options.redirectUris ? { redirectUris: options.redirectUris } : {}),
    ...(options.issuerUrl ? { issuerUrl: options.issuerUrl } : {}),
  });
  if (!out.clientId || !out.clientSecret) throw new AppError('sign-in-failed', 'Identity Center registered the app without a client id or secret.');
  return {
    clientId: out.clientId,
    clientSecret: out.clientSecret,
    // clientSecretExpiresAt is in epoch seconds.
    expiresAt: (out.clientSecretExpiresAt ?? 0) * 1000,
    scopes: options.scopes,
    grantTypes: options.grantTypes,
  };
}

export interface DeviceCode {
  userCode: string;
  verificationUrl: string;
  expiresAt: number;
}

export interface DeviceFlowOptions {
  startUrl: string;
  registration: Registration;
  /** Called once the user code is known: show it and open the verification URL. */
  onCode(code: DeviceCode): void;
  signal?: AbortSignal;
  clock?: Clock;
}

function tokenFrom(out: { accessToken?: string; expiresIn?: number; refreshToken?: string }, now: number): TokenSet {
  if (!out.accessToken) throw new AppError('sign-in-failed', 'Identity Center answered without an access token.');
  return { accessToken: out.accessToken, expiresAt: now + (out.expiresIn ?? 3600) * 1000, ...(out.refreshToken ? { refreshToken: out.refreshToken } : {}) };
}

function cancelled(): AppError {
  return new AppError('sign-in-cancelled', 'Sign-in was cancelled.', 'Start it again when you are ready.');
}

/**
 * The device authorization grant, polled as RFC 8628 and the AWS CLI do: one attempt at once,
 * then every `interval` seconds; pending keeps polling, slow_down adds 5 s for good, an expired
 * code or a denial ends it.
 */
export async function deviceFlow(api: OidcApi, options: DeviceFlowOptions): Promise<TokenSet> {
  const clock = options.clock ?? systemClock;
  const { registration: reg, signal } = options;
  const start = await api.startDeviceAuthorization({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: options.startUrl }).catch((err: unknown) => {
    // A revoked registration: the caller registers anew and starts over.
    if (errorName(err) === 'InvalidClientException') throw invalidClient(err);
    throw err;
  });
  if (!start.deviceCode || !start.userCode) throw new AppError('sign-in-failed', 'Identity Center did not hand out a device code.');
  const expiresAt = clock.now() + (start.expiresIn ?? 600) * 1000;
  options.onCode({ userCode: start.userCode, verificationUrl: start.verificationUriComplete ?? start.verificationUri ?? '', expiresAt });
  let intervalS = start.interval && start.interval > 0 ? start.interval : DEFAULT_POLL_INTERVAL_S;
  for (let first = true; ; first = false) {
    if (signal?.aborted) throw cancelled();
    if (!first) {
      try {
        await clock.sleep(intervalS * 1000, signal);
      } catch {
        throw cancelled();
      }
    }
    if (clock.now() >= expiresAt) throw expiredCode();
    try {
      const out = await api.createToken({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: DEVICE_GRANT, deviceCode: start.deviceCode });
      return tokenFrom(out, clock.now());
    } catch (err) {
      switch (errorName(err)) {
        case 'AuthorizationPendingException':
          continue;
        case 'SlowDownException':
          intervalS += SLOW_DOWN_STEP_S;
          continue;
        case 'ExpiredTokenException':
          throw expiredCode();
        case 'AccessDeniedException':
          throw new AppError('sign-in-denied', 'The sign-in request was denied in the browser.', 'Sign in again and choose Allow on the Identity Center page.', { cause: err });
        case 'InvalidClientException':
          throw invalidClient(err);
        default:
          throw new AppError('sign-in-failed', `Sign-in failed: ${errorText(err)}`, 'Check the start URL and region, then sign in again.', { cause: err });
      }
    }
  }
}

function invalidClient(cause: unknown): AppError {
  return new AppError('client-invalid', 'Identity Center no longer knows this app registration.', 'Sign in again; Bastionless registers anew.', { cause });
}

function expiredCode(): AppError {
  return new AppError('sign-in-expired', 'The sign-in code expired before it was approved.', 'Sign in again and approve the new code within 10 minutes.');
}

/** Refresh with a (rotating) refresh token; InvalidGrant / InvalidClient mean a new sign-in is needed. */
export async function refreshTokens(api: OidcApi, reg: Registration, refreshToken: string, clock: Clock = systemClock): Promise<TokenSet> {
  try {
    const out = await api.createToken({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'refresh_token', refreshToken });
    const tokens = tokenFrom(out, clock.now());
    // Some answers omit a new refresh token; the old one then stays valid.
    return tokens.refreshToken ? tokens : { ...tokens, refreshToken };
  } catch (err) {
    const name = errorName(err);
    if (name === 'InvalidGrantException' || name === 'InvalidClientException' || name === 'UnauthorizedClientException' || name === 'ExpiredTokenException') {
      throw new AppError(name === 'InvalidClientException' ? 'client-invalid' : 'sign-in-required', 'Your Identity Center session ended.', 'Sign in again.', { cause: err });
    }
    throw err;
  }
}

export const PKCE_REDIRECT = 'http://127.0.0.1/oauth/callback';

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url').slice(0, 64);
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface PkceFlowOptions {
  registration: Registration;
  scopes: string[];
  /** Called with the authorize URL: open it in the system browser. */
  onUrl(url: string, expiresAt: number): void;
  signal?: AbortSignal;
  clock?: Clock;
  /** How long the loopback listener waits for the browser (the CLI uses 10 min). */
  timeoutMs?: number;
}

/** Authorization code + PKCE: a one-shot listener on 127.0.0.1:<free port> receives the code. */
export async function pkceFlow(api: OidcApi, options: PkceFlowOptions): Promise<TokenSet> {
  const clock = options.clock ?? systemClock;
  const { verifier, challenge } = pkcePair();
  const state = randomUUID();
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  try {
    const port = (server.address() as AddressInfo).port;
    const redirectUri = `http://127.0.0.1:${port}/oauth/callback`;
    const code = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new AppError('sign-in-expired', 'The browser did not come back within 10 minutes.', 'Sign in again.')), options.timeoutMs ?? 600_000);
      timer.unref();
      options.signal?.addEventListener('abort', () => reject(cancelled()), { once: true });
      server.on('request', (req, res) => {
        const url = new URL(req.url ?? '/', redirectUri);
        if (url.pathname !== '/oauth/callback') {
          res.writeHead(404).end();
          return;
        }
        const done = (ok: boolean) => {
          res.writeHead(ok ? 200 : 400, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(ok ? 'Signed in to Bastionless. You can close this tab.' : 'Sign-in did not complete. Return to Bastionless.');
        };
        if (url.searchParams.get('state') !== state) {
          done(false);
          return; // not ours: keep waiting for the real redirect
        }
        clearTimeout(timer);
        const error = url.searchParams.get('error');
        const received = url.searchParams.get('code');
        done(!error && Boolean(received));
        if (error || !received) reject(new AppError('sign-in-denied', `The browser returned ${error ?? 'no code'}.`, 'Sign in again and choose Allow.'));
        else resolve(received);
      });
      void api.endpoint().then((base) => {
        const params = new URLSearchParams({ response_type: 'code', client_id: options.registration.clientId, redirect_uri: redirectUri, state, code_challenge_method: 'S256', scopes: options.scopes.join(' '), code_challenge: challenge });
        options.onUrl(`${base}/authorize?${params.toString()}`, clock.now() + (options.timeoutMs ?? 600_000));
      }, reject);
    });
    const out = await api.createToken({ clientId: options.registration.clientId, clientSecret: options.registration.clientSecret, grantType: 'authorization_code', code, redirectUri, codeVerifier: verifier });
    return tokenFrom(out, clock.now());
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
