import { GetRoleCredentialsCommand, ListAccountRolesCommand, ListAccountsCommand, SSOClient, type SSOClientConfig } from '@aws-sdk/client-sso';
import { fromIni } from '@aws-sdk/credential-provider-ini';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { AppError } from '../errors';
import type { AuthService } from './auth';
import { systemClock, type Clock } from './clock';
import type { CredentialsForTarget, SessionTarget } from './target';

/**
 * The IAM Identity Center portal (accounts, roles, role credentials) and the credentials every
 * other AWS client uses: per (source, account, role), cached in memory until shortly before
 * expiry, fetched once however many clients ask at the same moment. Plain profiles go through
 * the SDK's own providers (static keys, credential_process, assume-role chains).
 */

/** Role credentials are renewed this long before they expire (the SDK's own margin). */
export const CREDENTIALS_MARGIN_MS = 5 * 60_000;

export interface PortalAccount {
  accountId: string;
  accountName: string;
}

export interface CredentialsServiceOptions {
  auth: AuthService;
  /** Extra SSO client settings (tests and the emulator pass an endpoint and a shared handler). */
  clientConfig?: Partial<SSOClientConfig>;
  awsFiles?: { configFile?: string; credentialsFile?: string };
  clock?: Clock;
}

const errorName = (err: unknown) => (err instanceof Error ? err.name : '');

export class CredentialsService {
  private readonly clients = new Map<string, SSOClient>();
  private readonly cache = new Map<string, Promise<AwsCredentialIdentity>>();
  private readonly profileProviders = new Map<string, AwsCredentialIdentityProvider>();
  private readonly clock: Clock;

  constructor(private readonly options: CredentialsServiceOptions) {
    this.clock = options.clock ?? systemClock;
  }

  private portal(region: string): SSOClient {
    let client = this.clients.get(region);
    if (!client) {
      client = new SSOClient({ region, ...this.options.clientConfig });
      this.clients.set(region, client);
    }
    return client;
  }

  /** Runs a portal call with the source's token; a rejected token is refreshed once. */
  private async withToken<T>(sourceId: string, call: (client: SSOClient, token: string) => Promise<T>): Promise<T> {
    const source = this.options.auth.source(sourceId);
    if (source.kind !== 'sso') throw new AppError('not-sso-source', `${sourceId} is a profile, not an Identity Center source.`);
    const client = this.portal(source.region);
    const token = await this.options.auth.accessToken(sourceId);
    try {
      return await call(client, token);
    } catch (err) {
      if (errorName(err) !== 'UnauthorizedException') throw err;
      return call(client, await this.options.auth.tokenRejected(sourceId, token));
    }
  }

  async listAccounts(sourceId: string): Promise<PortalAccount[]> {
    const accounts: PortalAccount[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.withToken(sourceId, (c, accessToken) => c.send(new ListAccountsCommand({ accessToken, maxResults: 100, ...(nextToken ? { nextToken } : {}) })));
      for (const a of out.accountList ?? []) if (a.accountId) accounts.push({ accountId: a.accountId, accountName: a.accountName ?? a.accountId });
      nextToken = out.nextToken;
    } while (nextToken);
    return accounts;
  }

  async listAccountRoles(sourceId: string, accountId: string): Promise<string[]> {
    const roles: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.withToken(sourceId, (c, accessToken) => c.send(new ListAccountRolesCommand({ accessToken, accountId, maxResults: 100, ...(nextToken ? { nextToken } : {}) })));
      for (const r of out.roleList ?? []) if (r.roleName) roles.push(r.roleName);
      nextToken = out.nextToken;
    } while (nextToken);
    return roles;
  }

  private async fetchRoleCredentials(sourceId: string, accountId: string, roleName: string): Promise<AwsCredentialIdentity> {
    try {
      const out = await this.withToken(sourceId, (c, accessToken) => c.send(new GetRoleCredentialsCommand({ accessToken, accountId, roleName })));
      const rc = out.roleCredentials;
      if (!rc?.accessKeyId || !rc.secretAccessKey) throw new AppError('no-credentials', `Identity Center returned no credentials for ${roleName} in ${accountId}.`);
      return {
        accessKeyId: rc.accessKeyId,
        secretAccessKey: rc.secretAccessKey,
        ...(rc.sessionToken ? { sessionToken: rc.sessionToken } : {}),
        // expiration is epoch milliseconds.
        ...(rc.expiration ? { expiration: new Date(rc.expiration) } : {}),
        accountId,
      };
    } catch (err) {
      if (err instanceof AppError) throw err;
      const name = errorName(err);
      if (name === 'ForbiddenException' || name === 'UnauthorizedException' || name === 'ResourceNotFoundException') {
        throw new AppError('role-denied', `You may not use role ${roleName} in account ${accountId}.`, 'Pick another role for this account in Settings, or ask for the permission set.', { cause: err });
      }
      throw err;
    }
  }

  /** Role credentials, from memory while they have more than CREDENTIALS_MARGIN_MS left. */
  async roleCredentials(sourceId: string, accountId: string, roleName: string): Promise<AwsCredentialIdentity> {
    const key = `${sourceId}|${accountId}|${roleName}`;
    const cached = this.cache.get(key);
    if (cached) {
      const creds = await cached.catch(() => undefined);
      if (creds && (!creds.expiration || creds.expiration.getTime() - CREDENTIALS_MARGIN_MS > this.clock.now())) return creds;
      if (this.cache.get(key) !== cached) return this.roleCredentials(sourceId, accountId, roleName);
    }
    const fresh = this.fetchRoleCredentials(sourceId, accountId, roleName);
    this.cache.set(key, fresh);
    fresh.catch(() => {
      if (this.cache.get(key) === fresh) this.cache.delete(key);
    });
    return fresh;
  }

  private profileProvider(profile: string): AwsCredentialIdentityProvider {
    let provider = this.profileProviders.get(profile);
    if (!provider) {
      const files = this.options.awsFiles ?? {};
      provider = fromIni({
        profile,
        ...(files.configFile ? { configFilepath: files.configFile } : {}),
        ...(files.credentialsFile ? { filepath: files.credentialsFile } : {}),
        ignoreCache: true,
      });
      this.profileProviders.set(profile, provider);
    }
    return provider;
  }

  /** The provider SDK clients take, for a target's (source, account, role). */
  readonly forTarget: CredentialsForTarget = (target: Pick<SessionTarget, 'sourceId' | 'accountId' | 'roleName'>) => {
    const source = this.options.auth.source(target.sourceId);
    if (source.kind === 'profile') return this.profileProvider(source.profileName);
    return () => this.roleCredentials(target.sourceId, target.accountId, target.roleName);
  };

  forget(sourceId: string): void {
    for (const key of [...this.cache.keys()]) if (key.startsWith(`${sourceId}|`)) this.cache.delete(key);
  }

  dispose(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
