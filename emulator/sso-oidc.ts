import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EmulatorContext } from './context';
import { EmulatorApiError } from './errors';
import { parseInput } from './http';

/**
 * IAM Identity Center OIDC (sso-oauth): client registration, the device authorization grant,
 * the authorization-code grant with PKCE, and refresh tokens, with the real error codes.
 */

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const REGISTRATION_TTL_S = 90 * 24 * 3600;
const DEVICE_CODE_TTL_S = 600;
const AUTH_CODE_TTL_S = 300;
/** Identity Center's default portal session; access tokens last this long unless a fault shortens them. */
const DEFAULT_TOKEN_TTL_S = 8 * 3600;
/** RFC 8628: each slow_down adds 5 s to the interval the client must keep. */
const SLOW_DOWN_STEP_S = 5;

interface Client {
  clientId: string;
  clientSecret: string;
  clientName: string;
  scopes: string[];
  grantTypes: string[];
  redirectUris: string[];
  issuerUrl?: string;
  expiresAt: number;
}

interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  clientId: string;
  expiresAt: number;
  interval: number;
  lastPollAt?: number;
  state: 'pending' | 'approved' | 'denied' | 'used';
  username?: string;
}

interface AuthCodeRequest {
  requestId: string;
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  scopes: string[];
}

interface AuthCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  username: string;
  expiresAt: number;
}

export interface AccessTokenInfo {
  username: string;
  clientId: string;
  expiresAt: number;
}

const RegisterClientInput = z.object({
  clientName: z.string().min(1),
  clientType: z.string(),
  scopes: z.array(z.string()).optional(),
  redirectUris: z.array(z.string()).optional(),
  grantTypes: z.array(z.string()).optional(),
  issuerUrl: z.string().optional(),
  entitledApplicationArn: z.string().optional(),
});

const StartDeviceAuthorizationInput = z.object({ clientId: z.string(), clientSecret: z.string(), startUrl: z.string() });

const CreateTokenInput = z.object({
  clientId: z.string(),
  clientSecret: z.string(),
  grantType: z.string(),
  deviceCode: z.string().optional(),
  code: z.string().optional(),
  refreshToken: z.string().optional(),
  scope: z.array(z.string()).optional(),
  redirectUri: z.string().optional(),
  codeVerifier: z.string().optional(),
});

export const AuthorizeQuery = z.object({
  response_type: z.literal('code', { error: 'response_type must be "code"' }),
  client_id: z.string().min(1),
  redirect_uri: z.string().url(),
  state: z.string().min(1),
  code_challenge: z.string().min(43),
  code_challenge_method: z.literal('S256', { error: 'code_challenge_method must be S256' }),
  scopes: z.string().optional(),
});


function token(prefix: string): string {
  return prefix + randomBytes(48).toString('base64url');
}

const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
function userCode(): string {
  const bytes = randomBytes(8);
  const chars = Array.from(bytes, (b) => USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

/** Loopback redirect URIs match whatever port the client picked at run time (RFC 8252 §7.3). */
function redirectMatches(registered: string, actual: string): boolean {
  try {
    const r = new URL(registered);
    const a = new URL(actual);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(r.hostname);
    return r.protocol === a.protocol && r.hostname === a.hostname && r.pathname === a.pathname && (loopback || r.port === a.port);
  } catch {
    return false;
  }
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  return parseInput(schema, input, 'InvalidRequestException');
}

export class SsoOidc {
  private readonly clients = new Map<string, Client>();
  private readonly devices = new Map<string, DeviceAuthorization>();
  private readonly byUserCode = new Map<string, DeviceAuthorization>();
  private readonly authRequests = new Map<string, AuthCodeRequest>();
  private readonly authCodes = new Map<string, AuthCode>();
  private readonly accessTokens = new Map<string, AccessTokenInfo>();
  private readonly refreshTokens = new Map<string, { username: string; clientId: string }>();

  constructor(private readonly ctx: EmulatorContext) {}

  private nowS(): number {
    return Math.floor(this.ctx.now() / 1000);
  }

  private users() {
    return this.ctx.fixture().sso.users;
  }

  private defaultUser(): string {
    return this.users()[0]?.username ?? 'demo';
  }

  registerClient(input: unknown): object {
    const req = parse(RegisterClientInput, input);
    if (req.clientType !== 'public')
      throw new EmulatorApiError('InvalidClientMetadataException', `clientType must be "public" (got "${req.clientType}")`);
    const grantTypes = req.grantTypes ?? [DEVICE_GRANT, 'refresh_token'];
    const unsupported = grantTypes.filter((g) => ![DEVICE_GRANT, 'refresh_token', 'authorization_code'].includes(g));
    if (unsupported.length) throw new EmulatorApiError('UnsupportedGrantTypeException', `unsupported grant types: ${unsupported.join(', ')}`);
    const badScopes = (req.scopes ?? []).filter((s) => !/^sso(-portal)?:[a-z:*]+$|^openid$/.test(s));
    if (badScopes.length) throw new EmulatorApiError('InvalidScopeException', `invalid scopes: ${badScopes.join(', ')}; use "sso:account:access"`);
    if (grantTypes.includes('authorization_code')) {
      if (!req.redirectUris?.length) throw new EmulatorApiError('InvalidRedirectUriException', 'authorization_code clients must register redirectUris');
      if (!req.issuerUrl) throw new EmulatorApiError('InvalidRequestException', 'authorization_code clients must pass issuerUrl (the SSO start URL)');
      for (const uri of req.redirectUris) {
        if (!URL.canParse(uri)) throw new EmulatorApiError('InvalidRedirectUriException', `redirect URI ${uri} is not a URL`);
      }
    }
    const now = this.nowS();
    const client: Client = {
      clientId: randomUUID().replace(/-/g, ''),
      clientSecret: token('eyJraWQiOiJlbXVsYXRvciJ9.'),
      clientName: req.clientName,
      scopes: req.scopes ?? [],
      grantTypes,
      redirectUris: req.redirectUris ?? [],
      ...(req.issuerUrl ? { issuerUrl: req.issuerUrl } : {}),
      expiresAt: now + REGISTRATION_TTL_S,
    };
    this.clients.set(client.clientId, client);
    const base = this.ctx.baseUrl();
    return {
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      clientIdIssuedAt: now,
      clientSecretExpiresAt: client.expiresAt,
      ...(grantTypes.includes('authorization_code') ? { authorizationEndpoint: `${base}/authorize`, tokenEndpoint: `${base}/token` } : {}),
    };
  }

  private client(clientId: string, clientSecret: string): Client {
    const client = this.clients.get(clientId);
    if (!client || client.clientSecret !== clientSecret || client.expiresAt <= this.nowS())
      throw new EmulatorApiError('InvalidClientException', 'Invalid client: register again with RegisterClient', 401);
    return client;
  }

  startDeviceAuthorization(input: unknown): object {
    const req = parse(StartDeviceAuthorizationInput, input);
    const client = this.client(req.clientId, req.clientSecret);
    if (!client.grantTypes.includes(DEVICE_GRANT))
      throw new EmulatorApiError('UnauthorizedClientException', 'this client was not registered for the device_code grant');
    const startUrl = this.ctx.fixture().sso.startUrl;
    if (req.startUrl.replace(/\/+$/, '') !== startUrl.replace(/\/+$/, ''))
      throw new EmulatorApiError('InvalidRequestException', `unknown start URL ${req.startUrl}; this emulator's is ${startUrl}`);
    const interval = this.ctx.pace === 'faithful' ? 5 : 1;
    const device: DeviceAuthorization = {
      deviceCode: token(''),
      userCode: userCode(),
      clientId: client.clientId,
      expiresAt: this.ctx.now() + DEVICE_CODE_TTL_S * 1000,
      interval,
      state: 'pending',
    };
    this.devices.set(device.deviceCode, device);
    this.byUserCode.set(device.userCode, device);
    if (this.ctx.autoApprove) this.approveDevice(device.userCode);
    const verificationUri = `${this.ctx.baseUrl()}/device`;
    return {
      deviceCode: device.deviceCode,
      userCode: device.userCode,
      verificationUri,
      verificationUriComplete: `${verificationUri}?user_code=${device.userCode}`,
      expiresIn: DEVICE_CODE_TTL_S,
      interval,
    };
  }

  createToken(input: unknown): object {
    const req = parse(CreateTokenInput, input);
    const client = this.client(req.clientId, req.clientSecret);
    if (!client.grantTypes.includes(req.grantType) && req.grantType !== 'refresh_token')
      throw new EmulatorApiError('UnsupportedGrantTypeException', `grant type ${req.grantType} was not registered for this client`);
    switch (req.grantType) {
      case DEVICE_GRANT:
        return this.deviceGrant(client, req.deviceCode);
      case 'authorization_code':
        return this.codeGrant(client, req.code, req.redirectUri, req.codeVerifier);
      case 'refresh_token':
        return this.refreshGrant(client, req.refreshToken);
      default:
        throw new EmulatorApiError('UnsupportedGrantTypeException', `unsupported grant type ${req.grantType}`);
    }
  }

  private deviceGrant(client: Client, deviceCode: string | undefined): object {
    const device = deviceCode ? this.devices.get(deviceCode) : undefined;
    if (!device || device.clientId !== client.clientId || device.state === 'used')
      throw new EmulatorApiError('InvalidGrantException', 'Invalid grant provided: unknown or already used device code');
    const now = this.ctx.now();
    if (device.expiresAt <= now) throw new EmulatorApiError('ExpiredTokenException', 'Device code has expired: start a new device authorization');
    const tooSoon = device.lastPollAt !== undefined && now - device.lastPollAt < device.interval * 1000;
    device.lastPollAt = now;
    if (device.state === 'denied') throw new EmulatorApiError('AccessDeniedException', 'The user denied the authorization request');
    if (this.ctx.pace === 'faithful' && tooSoon) {
      device.interval += SLOW_DOWN_STEP_S;
      throw new EmulatorApiError('SlowDownException', `Client is polling too fast; wait at least ${device.interval} s between polls`);
    }
    if (device.state === 'pending') throw new EmulatorApiError('AuthorizationPendingException', 'Authorization is still pending');
    device.state = 'used';
    return this.issueTokens(client, device.username ?? this.defaultUser());
  }

  private codeGrant(client: Client, code: string | undefined, redirectUri: string | undefined, verifier: string | undefined): object {
    const grant = code ? this.authCodes.get(code) : undefined;
    if (!grant || grant.clientId !== client.clientId) throw new EmulatorApiError('InvalidGrantException', 'Invalid grant provided: unknown or used authorization code');
    this.authCodes.delete(code!);
    if (grant.expiresAt <= this.ctx.now()) throw new EmulatorApiError('InvalidGrantException', 'Invalid grant provided: the authorization code expired');
    if (redirectUri !== grant.redirectUri) throw new EmulatorApiError('InvalidGrantException', 'Invalid grant provided: redirectUri differs from the one used at /authorize');
    const challenge = verifier ? createHash('sha256').update(verifier).digest('base64url') : '';
    if (challenge !== grant.codeChallenge) throw new EmulatorApiError('InvalidGrantException', 'Invalid grant provided: code_verifier does not match code_challenge');
    return this.issueTokens(client, grant.username);
  }

  private refreshGrant(client: Client, refreshToken: string | undefined): object {
    const entry = refreshToken ? this.refreshTokens.get(refreshToken) : undefined;
    if (!entry || entry.clientId !== client.clientId) throw new EmulatorApiError('InvalidGrantException', 'Invalid grant provided: refresh token unknown, rotated or revoked; sign in again');
    // Rotating: the old refresh token stops working once a new one is issued.
    this.refreshTokens.delete(refreshToken!);
    return this.issueTokens(client, entry.username);
  }

  private issueTokens(client: Client, username: string): object {
    const ttl = this.ctx.fixture().faults.ssoTokenTtlSeconds ?? DEFAULT_TOKEN_TTL_S;
    const accessToken = token('aoa');
    this.accessTokens.set(accessToken, { username, clientId: client.clientId, expiresAt: this.ctx.now() + ttl * 1000 });
    const result: Record<string, unknown> = { accessToken, tokenType: 'Bearer', expiresIn: ttl };
    // Only clients registered with scopes (the sso-session form) get refresh tokens.
    if (client.scopes.length) {
      const refreshToken = token('aor');
      this.refreshTokens.set(refreshToken, { username, clientId: client.clientId });
      result.refreshToken = refreshToken;
    }
    return result;
  }

  /** The portal's bearer check: the user behind a live access token, or undefined. */
  verifyAccessToken(accessToken: string): AccessTokenInfo | undefined {
    const info = this.accessTokens.get(accessToken);
    return info && info.expiresAt > this.ctx.now() ? info : undefined;
  }

  revokeAccessToken(accessToken: string): void {
    this.accessTokens.delete(accessToken);
  }

  // ---- decisions by a person (verification page) or a test (control API) ----

  private knownUser(username: string | undefined): string {
    const name = username ?? this.defaultUser();
    if (!this.users().some((u) => u.username === name))
      throw new EmulatorApiError('InvalidRequestException', `unknown user ${name}; the fixture's users are ${this.users().map((u) => u.username).join(', ')}`);
    return name;
  }

  deviceByUserCode(code: string): DeviceAuthorization {
    const device = this.byUserCode.get(code.trim().toUpperCase());
    if (!device || device.state !== 'pending' || device.expiresAt <= this.ctx.now())
      throw new EmulatorApiError('InvalidRequestException', `no pending device authorization with user code ${code}; start the sign-in again`, 404);
    return device;
  }

  approveDevice(userCodeValue: string, username?: string): void {
    const device = this.deviceByUserCode(userCodeValue);
    device.username = this.knownUser(username);
    device.state = 'approved';
  }

  denyDevice(userCodeValue: string): void {
    this.deviceByUserCode(userCodeValue).state = 'denied';
  }

  pendingUserCodes(): string[] {
    const now = this.ctx.now();
    return [...this.byUserCode.values()].filter((d) => d.state === 'pending' && d.expiresAt > now).map((d) => d.userCode);
  }

  /** Validates an /authorize request and remembers it until the person decides. */
  beginAuthorize(query: z.infer<typeof AuthorizeQuery>): AuthCodeRequest & { clientName: string } {
    const client = this.clients.get(query.client_id);
    if (!client || !client.grantTypes.includes('authorization_code'))
      throw new EmulatorApiError('InvalidClientException', 'unknown client, or not registered for the authorization_code grant', 401);
    if (!client.redirectUris.some((r) => redirectMatches(r, query.redirect_uri)))
      throw new EmulatorApiError('InvalidRedirectUriException', `redirect_uri ${query.redirect_uri} was not registered (registered: ${client.redirectUris.join(', ')})`);
    const request: AuthCodeRequest = {
      requestId: randomUUID(),
      clientId: client.clientId,
      redirectUri: query.redirect_uri,
      state: query.state,
      codeChallenge: query.code_challenge,
      scopes: (query.scopes ?? '').split(' ').filter(Boolean),
    };
    this.authRequests.set(request.requestId, request);
    return { ...request, clientName: client.clientName };
  }

  /** Ends an /authorize request; returns where to redirect the browser. */
  decideAuthorize(requestId: string, approve: boolean, username?: string): string {
    const request = this.authRequests.get(requestId);
    if (!request) throw new EmulatorApiError('InvalidRequestException', 'this authorization request is unknown or already answered; start the sign-in again', 404);
    this.authRequests.delete(requestId);
    const target = new URL(request.redirectUri);
    target.searchParams.set('state', request.state);
    if (!approve) {
      target.searchParams.set('error', 'access_denied');
      return target.toString();
    }
    const code = token('aoc');
    this.authCodes.set(code, {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      username: this.knownUser(username),
      expiresAt: this.ctx.now() + AUTH_CODE_TTL_S * 1000,
    });
    target.searchParams.set('code', code);
    return target.toString();
  }
}
