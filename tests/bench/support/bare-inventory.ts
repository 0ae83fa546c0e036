import { DescribeInstancesCommand, DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetRoleCredentialsCommand, ListAccountRolesCommand, ListAccountsCommand, SSOClient } from '@aws-sdk/client-sso';
import type { AwsCredentialIdentity } from '@smithy/types';
import { performance } from 'node:perf_hooks';
import { DEFAULT_CONCURRENCY, DEFAULT_ENABLED_REGIONS } from '../../../main/core/aws/inventory';
import { createLimiter, type Limiter } from '../../../main/core/aws/limiter';

/**
 * The limit discovery is measured against: the SDK calls a first scan of an Identity Center
 * source makes, straight, with plain default @aws-sdk clients and the scan's own concurrency
 * limits, role credentials fetched beforehand, and nothing else (no rows, no deltas, no cache).
 * Kept in step with main/core/aws/inventory.ts by hand; the bench checks that both made the same
 * calls, API by API.
 */

export interface BarePortal {
  /** The emulator (or any SSO portal plus SSM/EC2 endpoint). */
  endpoint: string;
  ssoRegion: string;
  accessToken: string;
}

/** Role credentials by `${accountId}/${roleName}`. */
export type BareCredentials = ReadonlyMap<string, AwsCredentialIdentity>;

const MAX_ACCOUNTS = 100;
const MAX_NODES = 50;
const MAX_EC2 = 1000;

function portalClient(p: BarePortal): SSOClient {
  return new SSOClient({ region: p.ssoRegion, endpoint: p.endpoint });
}

async function listAccounts(sso: SSOClient, accessToken: string): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await sso.send(new ListAccountsCommand({ accessToken, maxResults: MAX_ACCOUNTS, ...(nextToken ? { nextToken } : {}) }));
    for (const a of out.accountList ?? []) if (a.accountId) ids.push(a.accountId);
    nextToken = out.nextToken;
  } while (nextToken);
  return ids;
}

async function listRoles(sso: SSOClient, accessToken: string, accountId: string): Promise<string[]> {
  const roles: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await sso.send(new ListAccountRolesCommand({ accessToken, accountId, maxResults: MAX_ACCOUNTS, ...(nextToken ? { nextToken } : {}) }));
    for (const r of out.roleList ?? []) if (r.roleName) roles.push(r.roleName);
    nextToken = out.nextToken;
  } while (nextToken);
  return roles;
}

async function roleCredentials(sso: SSOClient, accessToken: string, accountId: string, roleName: string): Promise<AwsCredentialIdentity> {
  const rc = (await sso.send(new GetRoleCredentialsCommand({ accessToken, accountId, roleName }))).roleCredentials;
  if (!rc?.accessKeyId || !rc.secretAccessKey) throw new Error(`no role credentials for ${roleName} in ${accountId}`);
  return { accessKeyId: rc.accessKeyId, secretAccessKey: rc.secretAccessKey, ...(rc.sessionToken ? { sessionToken: rc.sessionToken } : {}) };
}

/** Every account's first role's credentials (the role a scan picks without preferences), before any timer starts. */
export async function prefetchCredentials(p: BarePortal): Promise<BareCredentials> {
  const sso = portalClient(p);
  try {
    const out = new Map<string, AwsCredentialIdentity>();
    for (const accountId of await listAccounts(sso, p.accessToken)) {
      const role = (await listRoles(sso, p.accessToken, accountId))[0];
      if (role) out.set(`${accountId}/${role}`, await roleCredentials(sso, p.accessToken, accountId, role));
    }
    return out;
  } finally {
    sso.destroy();
  }
}

/**
 * What first rows cannot beat: the first account's credentials (ListAccounts, ListAccountRoles,
 * GetRoleCredentials, one after the other) and one DescribeInstanceInformation round trip.
 */
export async function bareFirstRow(p: BarePortal): Promise<{ credentialsMs: number; callMs: number }> {
  const sso = portalClient(p);
  const start = performance.now();
  try {
    const accountId = (await sso.send(new ListAccountsCommand({ accessToken: p.accessToken, maxResults: MAX_ACCOUNTS }))).accountList?.[0]?.accountId;
    if (!accountId) throw new Error('the portal lists no account');
    const roleName = (await sso.send(new ListAccountRolesCommand({ accessToken: p.accessToken, accountId, maxResults: MAX_ACCOUNTS }))).roleList?.[0]?.roleName;
    if (!roleName) throw new Error(`no role in ${accountId}`);
    const credentials = await roleCredentials(sso, p.accessToken, accountId, roleName);
    const credentialsMs = performance.now() - start;
    const ssm = new SSMClient({ region: p.ssoRegion, endpoint: p.endpoint, credentials });
    const callStart = performance.now();
    await ssm.send(new DescribeInstanceInformationCommand({ MaxResults: MAX_NODES }));
    const callMs = performance.now() - callStart;
    ssm.destroy();
    return { credentialsMs, callMs };
  } finally {
    sso.destroy();
  }
}

async function ec2Pages(ec2: EC2Client): Promise<void> {
  let nextToken: string | undefined;
  do nextToken = (await ec2.send(new DescribeInstancesCommand({ MaxResults: MAX_EC2, ...(nextToken ? { NextToken: nextToken } : {}) }))).NextToken;
  while (nextToken);
}

/**
 * One account-region of a first scan: Session Manager's pages, and EC2's alongside the rest once
 * a page lists an EC2 node (the scan knows no region's nodes beforehand).
 */
async function scanRegion(p: BarePortal, region: string, credentials: AwsCredentialIdentity): Promise<number> {
  const ssm = new SSMClient({ region, endpoint: p.endpoint, credentials });
  const ec2 = new EC2Client({ region, endpoint: p.endpoint, credentials });
  try {
    let ec2Done: Promise<void> | undefined;
    let nodes = 0;
    let nextToken: string | undefined;
    do {
      const page = await ssm.send(new DescribeInstanceInformationCommand({ MaxResults: MAX_NODES, ...(nextToken ? { NextToken: nextToken } : {}) }));
      nodes += page.InstanceInformationList?.length ?? 0;
      if (!ec2Done && page.InstanceInformationList?.some((i) => i.InstanceId?.startsWith('i-'))) ec2Done = ec2Pages(ec2);
      nextToken = page.NextToken;
    } while (nextToken);
    await ec2Done;
    return nodes;
  } finally {
    ssm.destroy();
    ec2.destroy();
  }
}

async function scanAccount(p: BarePortal, accountId: string, credentials: AwsCredentialIdentity, limits: { region: Limiter; account: Limiter }): Promise<number> {
  const perAccount = createLimiter(DEFAULT_CONCURRENCY.perAccount);
  // DescribeRegions answers while the regions every account has are scanned, as in the scan.
  const regions = limits.account.run(async () => {
    const ec2 = new EC2Client({ region: p.ssoRegion, endpoint: p.endpoint, credentials });
    try {
      return (await ec2.send(new DescribeRegionsCommand({}))).Regions ?? [];
    } finally {
      ec2.destroy();
    }
  });
  const counts = await Promise.all(DEFAULT_ENABLED_REGIONS.map((region) => perAccount.run(() => limits.region.run(() => scanRegion(p, region, credentials)))));
  await regions;
  return counts.reduce((a, b) => a + b, 0);
}

/** The whole organisation; returns how many managed nodes Session Manager listed. */
export async function bareScan(p: BarePortal, credentials: BareCredentials): Promise<number> {
  const sso = portalClient(p);
  const limits = { region: createLimiter(DEFAULT_CONCURRENCY.regions, { slowStart: 8 }), account: createLimiter(DEFAULT_CONCURRENCY.accounts, { slowStart: 4 }) };
  try {
    const accounts = await limits.account.run(() => listAccounts(sso, p.accessToken));
    const counts = await Promise.all(
      accounts.map(async (accountId) => {
        const role = (await limits.account.run(() => listRoles(sso, p.accessToken, accountId)))[0];
        const creds = role && credentials.get(`${accountId}/${role}`);
        if (!creds) throw new Error(`no prefetched credentials for ${accountId}`);
        return scanAccount(p, accountId, creds, limits);
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  } finally {
    sso.destroy();
  }
}
