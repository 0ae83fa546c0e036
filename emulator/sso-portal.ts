import type { EmulatorContext } from './context';
import type { CredentialStore } from './credentials';
import { EmulatorApiError } from './errors';
import { paginate } from './paging';
import type { SsoOidc } from './sso-oidc';

/**
 * The IAM Identity Center portal API (portal.sso): accounts and roles the signed-in user may use,
 * and role credentials. No SigV4 here: the OIDC access token travels as a bearer header.
 */

/** Identity Center role sessions last one hour unless the permission set says otherwise. */
const DEFAULT_ROLE_CREDENTIALS_TTL_S = 3600;
const BEARER_HEADER = 'x-amz-sso_bearer_token';

function pageSize(raw: string | null): number {
  if (raw === null) return 20;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new EmulatorApiError('InvalidRequestException', `max_result must be an integer from 1 to 100 (got ${raw})`);
  return n;
}

export class SsoPortal {
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly oidc: SsoOidc,
    private readonly store: CredentialStore,
  ) {}

  private user(headers: Record<string, string | string[] | undefined>): string {
    const raw = headers[BEARER_HEADER];
    const bearer = Array.isArray(raw) ? raw[0] : raw;
    const info = bearer ? this.oidc.verifyAccessToken(bearer) : undefined;
    if (!info) throw new EmulatorApiError('UnauthorizedException', 'Session token not found or invalid', 401);
    return info.username;
  }

  private account(id: string | null) {
    const account = this.ctx.fixture().accounts.find((a) => a.id === id);
    if (!account) throw new EmulatorApiError('ResourceNotFoundException', `No access to account ${id ?? '(none given)'}`, 404);
    return account;
  }

  listAccounts(query: URLSearchParams, headers: Record<string, string | string[] | undefined>): object {
    this.user(headers);
    const all = this.ctx.fixture().accounts.map((a) => ({ accountId: a.id, accountName: a.name, emailAddress: a.email ?? `aws+${a.name}@example.com` }));
    const page = paginate(all, { nextToken: query.get('next_token') ?? undefined, pageSize: pageSize(query.get('max_result')), query: 'accounts', invalidTokenCode: 'InvalidRequestException' });
    return { accountList: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  listAccountRoles(query: URLSearchParams, headers: Record<string, string | string[] | undefined>): object {
    this.user(headers);
    const account = this.account(query.get('account_id'));
    const all = account.roles.map((r) => ({ roleName: r.name, accountId: account.id }));
    const page = paginate(all, { nextToken: query.get('next_token') ?? undefined, pageSize: pageSize(query.get('max_result')), query: ['roles', account.id], invalidTokenCode: 'InvalidRequestException' });
    return { roleList: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  getRoleCredentials(query: URLSearchParams, headers: Record<string, string | string[] | undefined>): object {
    const username = this.user(headers);
    const account = this.account(query.get('account_id'));
    const roleName = query.get('role_name');
    // Identity Center answers an unassigned role with an unmodelled 403 "No access".
    if (!account.roles.some((r) => r.name === roleName)) throw new EmulatorApiError('ForbiddenException', 'No access', 403);
    const ttl = this.ctx.fixture().faults.roleCredentialsTtlSeconds ?? DEFAULT_ROLE_CREDENTIALS_TTL_S;
    const creds = this.store.issue(account.id, roleName!, username, this.ctx.now() + ttl * 1000);
    return {
      roleCredentials: {
        accessKeyId: creds.accessKeyId,
        secretAccessKey: creds.secretAccessKey,
        sessionToken: creds.sessionToken,
        expiration: creds.expiresAt,
      },
    };
  }

  logout(headers: Record<string, string | string[] | undefined>): object {
    const raw = headers[BEARER_HEADER];
    const bearer = Array.isArray(raw) ? raw[0] : raw;
    this.user(headers);
    this.oidc.revokeAccessToken(bearer!);
    return {};
  }
}
