import { DescribeInstancesCommand, DescribeRegionsCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand, SSMClient, type InstanceInformation } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger } from '@smithy/types';
import { EventEmitter } from 'node:events';
import type { InstanceSummary, InventoryDelta, InventoryProgress, InventorySnapshot, ScanRow } from '../../../preload/contract/inventory';
import type { SessionScope } from '../../../preload/contract/sessions';
import type { IpcError } from '../../../preload/contract/define';
import { errorName, isAccessDenied, parseDenial } from './aws-errors';
import { AppError } from '../errors';
import { ClientPool, type PooledClientConfig } from './client-pool';
import { readInventoryCache, writeInventoryCache } from '../store/inventory-cache';
import type { AuthService } from './auth';
import type { SourceConfig } from './aws-config';
import type { CredentialsService } from './credentials';
import { createLimiter, type Limiter } from './limiter';
import type { SessionTarget } from './target';

/**
 * Discovery across every signed-in source × account × enabled region: DescribeInstanceInformation
 * (the managed nodes, 50 a page) joined with EC2 DescribeInstances (Name, tags, state, IP), run
 * with bounded concurrency and streamed out page by page. A failing (account, region) becomes an
 * error on its row; the rest carry on.
 */

/** Regions enabled by default in every account; used when DescribeRegions cannot be asked. */
export const DEFAULT_ENABLED_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1',
  'eu-north-1', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'sa-east-1',
];

export interface InventoryConcurrency {
  /** Account-regions scanned at once, over all sources. */
  regions: number;
  /** Account-regions of one account at once (AWS throttles per account and region). */
  perAccount: number;
  /** Portal and per-account calls (ListAccountRoles, GetRoleCredentials, DescribeRegions) at once. */
  accounts: number;
}

export const DEFAULT_CONCURRENCY: InventoryConcurrency = { regions: 192, perAccount: 17, accounts: 32 };

export interface InventoryServiceOptions {
  auth: AuthService;
  credentials: CredentialsService;
  /** The on-disk cache; undefined = none. */
  cachePath?: string;
  /** Extra SSM/EC2 client settings (endpoint, a shared request handler, retry). */
  clientConfig?: { endpoint?: string; requestHandler?: unknown; maxAttempts?: number };
  concurrency?: Partial<InventoryConcurrency>;
  /** Delay that batches page deltas into one event (ms). */
  flushMs?: number;
  /** Periodic refresh (ms); 0 = off. */
  refreshEveryMs?: number;
  log?(line: string): void;
}

const REGION_CACHE_MS = 6 * 3600_000;
/**
 * The SDK builds a redacted copy of every response for `logger.info` before calling it, unless
 * the logger has no `info` at all; with thousands of responses per scan that copy was ~3% of the
 * scan's CPU. Nothing here logs SDK traffic: the logger has no `debug` or `info`; `warn` and
 * `error` stay, as a few SDK paths call them without checking.
 */
const SILENT_SDK_LOGGER = { warn: () => undefined, error: () => undefined } as Logger;

/**
 * A first scan builds a client per (credentials, region, service); settling these here spares
 * each one the SDK's environment/config-file lookups. Standard retry with backoff, 5 attempts
 * (throttling).
 */
const CLIENT_DEFAULTS = {
  maxAttempts: 5,
  retryMode: 'standard',
  useFipsEndpoint: false,
  useDualstackEndpoint: false,
  defaultsMode: 'standard',
  requestChecksumCalculation: 'WHEN_SUPPORTED',
  responseChecksumValidation: 'WHEN_SUPPORTED',
  userAgentAppId: 'bastionless',
  logger: SILENT_SDK_LOGGER,
  // Clients are pooled (ClientPool): each resolves its middleware stack once per command, not per call.
  cacheMiddleware: true,
  // SigV4 only: spares the per-client AWS_AUTH_SCHEME_PREFERENCE env/config-file lookup.
  authSchemePreference: [] as string[],
} as const;

/** What a failed call means for the person reading the row; `needs` names the permissions the call takes. */
export function explainScanError(err: unknown, where: { accountId: string; region: string; roleName?: string }, needs = 'ssm:DescribeInstanceInformation and ec2:DescribeInstances'): IpcError {
  if (err instanceof AppError) return { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  const name = errorName(err);
  const detail = err instanceof Error ? err.message : String(err);
  if (isAccessDenied(name)) {
    // IAM names the refused action ("… is not authorized to perform: ssm:X on resource …"); EC2 does not.
    const action = parseDenial(detail).action ?? needs;
    const who = where.roleName ? `Role ${where.roleName}` : 'This role';
    const place = where.region === '*' ? '' : ` in ${where.region}`;
    return { code: 'access-denied', message: `Access denied: ${action}`, hint: `${who} may not call ${action}${place}. Retry, or use another role.`, detail: `${name}: ${detail}` };
  }
  if (/UnrecognizedClient|AuthFailure|InvalidClientTokenId|OptInRequired/i.test(name))
    return { code: 'region-unavailable', message: `${where.region} refused the credentials (${name}).`, hint: 'The region may not be enabled for this account; leave it out in Settings → Regions.' };
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(name))
    return { code: 'throttled', message: `AWS kept throttling ${where.region} after retries.`, hint: 'Refresh again in a minute.' };
  if (name === 'CredentialsProviderError')
    return { code: 'credentials-unavailable', message: `The credentials could not be loaded: ${detail}`, hint: 'Check the profile in ~/.aws/config (its credential_process or keys), then refresh.' };
  if (/Timeout|ECONNRESET|ECONNREFUSED|ENOTFOUND|ETIMEDOUT/i.test(`${name} ${detail}`))
    return { code: 'timeout', message: `${where.region} did not answer: ${detail}`, hint: 'Check the network or proxy, then refresh.' };
  return { code: 'scan-failed', message: `${name || 'Error'}: ${detail}` };
}

function platformOf(info: InstanceInformation, ec2?: Instance): InstanceSummary['platform'] {
  const p = info.PlatformType;
  if (p === 'Linux' || p === 'Windows' || p === 'MacOS') return p;
  if (ec2?.Platform === 'Windows') return 'Windows';
  return 'Unknown';
}

function tagsOf(ec2?: Instance): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of ec2?.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
  return tags;
}

export function summarize(info: InstanceInformation, ec2: Instance | undefined, at: { sourceId: string; accountId: string; accountName: string; roleName: string; region: string }): InstanceSummary | undefined {
  const instanceId = info.InstanceId;
  if (!instanceId) return undefined;
  const tags = tagsOf(ec2);
  const name = tags.Name || info.Name || undefined;
  const ping = info.PingStatus;
  const type = info.ResourceType;
  const ip = ec2?.PrivateIpAddress ?? info.IPAddress;
  return {
    key: `${at.sourceId}/${at.accountId}/${at.region}/${instanceId}`,
    ...at,
    instanceId,
    ...(name ? { name } : {}),
    platform: platformOf(info, ec2),
    ...(info.PlatformName ? { platformName: info.PlatformName } : {}),
    pingStatus: ping === 'Online' || ping === 'ConnectionLost' || ping === 'Inactive' ? ping : 'Unknown',
    ...(ec2?.State?.Name ? { state: ec2.State.Name } : {}),
    ...(ip ? { privateIp: ip } : {}),
    ...(info.AgentVersion ? { agentVersion: info.AgentVersion } : {}),
    tags,
    resourceType: type === 'EC2Instance' || type === 'ManagedInstance' ? type : 'Unknown',
    ...(info.ComputerName ? { computerName: info.ComputerName } : {}),
  };
}

/** The role to scan an account with: the first of the user's preferences it has, else its first. */
export function pickRole(roles: string[], preference: string[], chosen?: string): string | undefined {
  if (chosen && roles.includes(chosen)) return chosen;
  return preference.find((p) => roles.includes(p)) ?? roles[0];
}

interface AccountScope {
  source: SourceConfig;
  accountId: string;
  accountName: string;
  roleName: string;
  /** The account's other roles of yours (SSO), offered on a refused row. */
  otherRoles?: string[];
  credentials: AwsCredentialIdentityProvider;
}

export class InventoryService {
  private readonly instances = new Map<string, InstanceSummary>();
  private readonly rows = new Map<string, ScanRow>();
  private readonly regionCache = new Map<string, { regions: string[]; at: number }>();
  private readonly emitter = new EventEmitter();
  private readonly concurrency: InventoryConcurrency;
  private progress: InventoryProgress = { done: 0, total: 0, running: false, fromCache: false };
  private scanning: Promise<void> | undefined;
  private pending: { reset: boolean; upsert: Map<string, InstanceSummary>; remove: Set<string>; rows: Map<string, ScanRow> } = { reset: false, upsert: new Map(), remove: new Set(), rows: new Map() };
  private flushTimer: NodeJS.Timeout | undefined;
  private periodic: NodeJS.Timeout | undefined;
  private recent: string[] = [];
  private disposed = false;
  private readonly clients = new ClientPool();
  private readonly ssmClient = (c: PooledClientConfig) => new SSMClient(this.clientSettings(c.region, c.credentials));
  private readonly ec2Client = (c: PooledClientConfig) => new EC2Client(this.clientSettings(c.region, c.credentials));

  constructor(private readonly options: InventoryServiceOptions) {
    this.concurrency = { ...DEFAULT_CONCURRENCY, ...options.concurrency };
    if (options.refreshEveryMs) {
      this.periodic = setInterval(() => {
        if (options.auth.signedInSources().length) void this.scan().catch(() => undefined);
      }, options.refreshEveryMs);
      this.periodic.unref();
    }
  }

  // ---- reading ----

  list(): InstanceSummary[] {
    return [...this.instances.values()];
  }

  find(key: string): InstanceSummary | undefined {
    return this.instances.get(key);
  }

  get(key: string): InstanceSummary {
    const found = this.instances.get(key);
    if (!found) {
      throw new AppError('unknown-instance', `No instance ${key} in the inventory.`, this.instances.size ? 'Refresh the inventory: the instance may have been terminated, or its account or region is no longer scanned.' : 'Sign in and wait for the inventory to load, then try again.');
    }
    return found;
  }

  /** The session target behind an instance key; other features open shells and tunnels with it. */
  resolve(key: string): SessionTarget {
    const i = this.get(key);
    this.recent = [key, ...this.recent.filter((k) => k !== key)].slice(0, 5);
    this.emitter.emit('recent', this.recentInstances());
    return {
      sourceId: i.sourceId,
      accountId: i.accountId,
      roleName: i.roleName,
      region: i.region,
      instanceId: i.instanceId,
      ...(i.name ? { name: i.name } : {}),
      platform: i.platform,
      ...(i.agentVersion ? { agentVersion: i.agentVersion } : {}),
    };
  }

  /**
   * Every account-region the last scan (or the cache) reached, with the role it used, failed
   * ones included: features that ask other APIs there (session history) ask the same places.
   */
  scopes(): SessionScope[] {
    return [...this.rows.values()].flatMap((r) =>
      r.region !== '*' && r.roleName && (r.state === 'done' || r.state === 'error')
        ? [{ sourceId: r.sourceId, accountId: r.accountId, accountName: r.accountName, roleName: r.roleName, region: r.region }]
        : [],
    );
  }

  recentInstances(): InstanceSummary[] {
    return this.recent.flatMap((k) => this.instances.get(k) ?? []);
  }

  onRecent(listener: (recent: InstanceSummary[]) => void): () => void {
    this.emitter.on('recent', listener);
    return () => this.emitter.off('recent', listener);
  }

  snapshot(): InventorySnapshot {
    return { instances: this.list(), rows: [...this.rows.values()], progress: this.progress };
  }

  onDelta(listener: (delta: InventoryDelta) => void): () => void {
    this.emitter.on('delta', listener);
    return () => this.emitter.off('delta', listener);
  }

  /** Shows the previous run's inventory (if any) until the first scan replaces it. */
  async loadCache(): Promise<boolean> {
    if (!this.options.cachePath) return false;
    const cache = await readInventoryCache(this.options.cachePath);
    if (!cache || this.scanning || this.instances.size) return false;
    for (const i of cache.instances) this.upsert(i);
    for (const r of cache.rows) this.setRow(r);
    this.progress = { done: cache.rows.length, total: cache.rows.length, running: false, updatedAt: cache.savedAt, fromCache: true };
    this.flush();
    return true;
  }

  // ---- scanning ----

  get running(): boolean {
    return this.scanning !== undefined;
  }

  /** Starts a scan unless one runs; resolves when it (or the running one) ends. */
  scan(): Promise<void> {
    return (this.scanning ??= this.runScan().finally(() => {
      this.scanning = undefined;
    }));
  }

  private upsert(i: InstanceSummary): void {
    this.instances.set(i.key, i);
    this.pending.upsert.set(i.key, i);
    this.pending.remove.delete(i.key);
  }

  /** Drops what a source that no longer exists found (a start URL removed in Settings). */
  async forgetSourcesExcept(present: ReadonlySet<string>): Promise<void> {
    const gone = (sourceId: string) => !present.has(sourceId);
    const keys = [...this.instances.values()].filter((i) => gone(i.sourceId)).map((i) => i.key);
    const rowIds = [...this.rows.values()].filter((r) => gone(r.sourceId)).map((r) => r.id);
    for (const sourceId of new Set([...this.rows.values()].map((r) => r.sourceId))) if (gone(sourceId)) this.releaseClients(sourceId);
    if (!keys.length && !rowIds.length) return;
    for (const key of keys) this.remove(key);
    for (const id of rowIds) this.rows.delete(id);
    this.pending.reset = true;
    this.flushWhole();
    await this.saveCache(this.progress.updatedAt ?? Date.now());
  }

  /** A source signed out (or was removed): its SDK clients, and the credentials they hold, go. */
  releaseClients(sourceId: string): void {
    this.clients.forget(`${sourceId}|`);
  }

  /** SDK clients kept for the next scan (see ClientPool); for tests and diagnostics. */
  get heldClients(): number {
    return this.clients.size;
  }

  /** Rows vanished: resend the whole picture rather than teach the renderer row deletion. */
  private flushWhole(): void {
    this.pending.upsert = new Map(this.instances);
    this.pending.rows = new Map(this.rows);
    this.pending.remove.clear();
    this.flush();
  }

  private async saveCache(savedAt: number): Promise<void> {
    if (!this.options.cachePath) return;
    await writeInventoryCache(this.options.cachePath, { savedAt, instances: this.list(), rows: [...this.rows.values()] }).catch((err: unknown) =>
      this.options.log?.(`could not write the inventory cache: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  private remove(key: string): void {
    if (!this.instances.delete(key)) return;
    this.pending.upsert.delete(key);
    this.pending.remove.add(key);
  }

  private setRow(row: ScanRow): void {
    this.rows.set(row.id, row);
    this.pending.rows.set(row.id, row);
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.disposed) return;
    this.flushTimer = setTimeout(() => this.flush(), this.options.flushMs ?? 30);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const p = this.pending;
    this.pending = { reset: false, upsert: new Map(), remove: new Set(), rows: new Map() };
    if (this.disposed) return;
    this.emitter.emit('delta', { reset: p.reset, upsert: [...p.upsert.values()], remove: [...p.remove], rows: [...p.rows.values()], progress: this.progress } satisfies InventoryDelta);
  }

  private rowId(sourceId: string, accountId: string, region: string): string {
    return `${sourceId}/${accountId}/${region}`;
  }

  private updateRow(id: string, patch: Partial<ScanRow> & Pick<ScanRow, 'sourceId' | 'accountId' | 'accountName' | 'region'>): void {
    const before = this.rows.get(id);
    const row: ScanRow = { id, state: 'pending', instances: 0, ...before, ...patch };
    if (patch.error === undefined && 'error' in patch) delete row.error;
    const wasOpen = !before || before.state === 'pending' || before.state === 'loading' || this.progress.fromCache;
    const nowClosed = row.state === 'done' || row.state === 'error';
    this.setRow(row);
    if (wasOpen && nowClosed && this.progress.running) this.progress = { ...this.progress, done: this.progress.done + 1 };
    this.scheduleFlush();
  }

  private addTotal(n: number): void {
    this.progress = { ...this.progress, total: this.progress.total + n };
  }

  private async runScan(): Promise<void> {
    await this.options.auth.init();
    const sources = this.options.auth.signedInSources();
    const previousKeys = new Set(this.instances.keys());
    const previousRows = new Set(this.rows.keys());
    const knownEc2 = new Set([...this.instances.values()].filter((i) => i.instanceId.startsWith('i-')).map((i) => this.rowId(i.sourceId, i.accountId, i.region)));
    const seenKeys = new Set<string>();
    const seenRows = new Set<string>();
    const failedScopes: string[] = [];
    this.clients.dropExpired(Date.now());
    this.progress = { done: 0, total: 0, running: true, fromCache: false, ...(this.progress.updatedAt ? { updatedAt: this.progress.updatedAt } : {}) };
    this.scheduleFlush();
    // Slow start: the first few account-regions answer before the flood of the rest is signed and sent.
    const regionLimiter = createLimiter(this.concurrency.regions, { slowStart: 8 });
    const accountLimiter = createLimiter(this.concurrency.accounts, { slowStart: 4 });
    const ctx: ScanContext = { regionLimiter, accountLimiter, seenKeys, seenRows, failedScopes, knownEc2, credentialScopes: new Set(), rowsDropped: false, rowsShown: false };
    await Promise.all(sources.map((source) => this.scanSource(source, ctx)));
    this.clients.retain(ctx.credentialScopes);
    // Gone since the last scan: instances of scopes that answered but no longer list them, and
    // rows of accounts or regions no longer there. Failed scopes keep what they had.
    const stillFailing = (key: string) => failedScopes.some((scope) => key.startsWith(scope));
    for (const key of previousKeys) if (!seenKeys.has(key) && !stillFailing(key)) this.remove(key);
    for (const id of previousRows) {
      if (!seenRows.has(id) && !stillFailing(id)) {
        this.rows.delete(id);
      }
    }
    this.progress = { ...this.progress, running: false, updatedAt: Date.now(), done: this.progress.total };
    this.pending.reset = this.pending.reset || ctx.rowsDropped || [...previousRows].some((id) => !this.rows.has(id));
    if (this.pending.reset) this.flushWhole();
    else this.flush();
    await this.saveCache(this.progress.updatedAt!);
  }

  private async scanSource(source: SourceConfig, ctx: ScanContext): Promise<void> {
    const sourceRow = (error: { code: string; message: string; hint?: string }) => {
      const id = this.rowId(source.id, '*', '*');
      ctx.seenRows.add(id);
      this.addTotal(1);
      this.updateRow(id, { sourceId: source.id, accountId: '*', accountName: source.label, region: '*', state: 'error', error });
    };
    if (source.kind === 'profile') {
      const credentials = this.options.credentials.forTarget({ sourceId: source.id, accountId: source.accountId ?? '', roleName: source.profileName });
      try {
        const accountId = source.accountId ?? (await credentials()).accountId ?? (await this.callerAccount(credentials, source.region ?? 'us-east-1'));
        await this.scanAccount({ source, accountId, accountName: source.label, roleName: source.profileName, credentials }, source.region ?? 'us-east-1', ctx);
      } catch (err) {
        // The profile's credentials (or the account as a whole) failed: one row says so.
        ctx.failedScopes.push(`${source.id}/`);
        sourceRow(explainScanError(err, { accountId: source.accountId ?? '', region: source.region ?? '' }));
      }
      return;
    }
    let accounts;
    try {
      accounts = await ctx.accountLimiter.run(() => this.options.credentials.listAccounts(source.id));
    } catch (err) {
      ctx.failedScopes.push(`${source.id}/`);
      sourceRow(explainScanError(err, { accountId: '', region: source.region }));
      return;
    }
    const { rolePreference: preference, accountRoles = {} } = this.options.auth.settings();
    await Promise.all(
      accounts.map(async (account) => {
        const accountRow = this.rowId(source.id, account.accountId, '*');
        let roleName: string | undefined;
        let otherRoles: string[] = [];
        try {
          const roles = await ctx.accountLimiter.run(() => this.options.credentials.listAccountRoles(source.id, account.accountId));
          roleName = pickRole(roles, preference, accountRoles[account.accountId]);
          if (!roleName) throw new AppError('no-role', `No role of yours in ${account.accountName}.`, 'Ask for a permission set in this account.');
          otherRoles = roles.filter((r) => r !== roleName);
          const credentials = this.options.credentials.forTarget({ sourceId: source.id, accountId: account.accountId, roleName });
          await this.scanAccount({ source, accountId: account.accountId, accountName: account.accountName, roleName, otherRoles, credentials }, source.region, ctx);
        } catch (err) {
          ctx.failedScopes.push(`${source.id}/${account.accountId}/`);
          ctx.seenRows.add(accountRow);
          this.addTotal(1);
          const role = roleName ? { roleName, otherRoles } : {};
          this.updateRow(accountRow, { sourceId: source.id, accountId: account.accountId, accountName: account.accountName, region: '*', ...role, state: 'error', error: explainScanError(err, { accountId: account.accountId, region: '*', ...role }) });
        }
      }),
    );
  }

  /**
   * Whose keys a profile holds, when neither its config (aws_account_id, a role ARN) nor its
   * credentials say: instance keys need the account, and two such profiles must not collide.
   */
  private async callerAccount(credentials: AwsCredentialIdentityProvider, region: string): Promise<string> {
    const sts = new STSClient(this.clientSettings(region, credentials));
    const { Account } = await sts.send(new GetCallerIdentityCommand({}));
    if (!Account) throw new AppError('account-unknown', 'STS did not say which account these credentials belong to.', 'Add aws_account_id to the profile in ~/.aws/config.');
    return Account;
  }

  /** The pool's key for a scope's credentials; releaseClients() forgets by its first part. */
  private credentialScope(scope: AccountScope): string {
    return `${scope.source.id}|${scope.accountId}|${scope.roleName}`;
  }

  private ec2(scope: AccountScope, region: string): Promise<EC2Client> {
    return this.clients.get('ec2', this.ec2Client, this.credentialScope(scope), region, scope.credentials);
  }

  private ssm(scope: AccountScope, region: string): Promise<SSMClient> {
    return this.clients.get('ssm', this.ssmClient, this.credentialScope(scope), region, scope.credentials);
  }

  /** One place for what every discovery client is built with (see CLIENT_DEFAULTS). */
  private clientSettings(region: string, credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity) {
    return { region, credentials, ...CLIENT_DEFAULTS, ...(this.options.clientConfig as object) };
  }

  /** The account's enabled regions, after the user's choice; from the cache when fresh, else DescribeRegions. */
  private async enabledRegions(scope: AccountScope, home: string, ctx: ScanContext): Promise<string[]> {
    const key = `${scope.source.id}/${scope.accountId}`;
    const cached = this.regionCache.get(key);
    let regions = cached && Date.now() - cached.at < REGION_CACHE_MS ? cached.regions : undefined;
    if (!regions) {
      try {
        regions = await ctx.accountLimiter.run(() => this.describeRegions(scope, home));
        this.regionCache.set(key, { regions, at: Date.now() });
      } catch (err) {
        // Denied everywhere is the account's problem, shown once; anything else: try the defaults.
        if (/AccessDenied|UnauthorizedOperation|Forbidden|CredentialsProviderError|role-denied|sign-in-required/i.test(`${errorName(err)} ${err instanceof AppError ? err.code : ''}`)) throw err;
        this.options.log?.(`DescribeRegions failed for ${scope.accountId}: ${err instanceof Error ? err.message : String(err)}; using the default regions`);
        regions = DEFAULT_ENABLED_REGIONS;
      }
    }
    return this.chosen(regions);
  }

  private chosen(regions: readonly string[]): string[] {
    const chosen = this.options.auth.settings().regions;
    return chosen.length ? regions.filter((r) => chosen.includes(r)) : [...regions];
  }

  /**
   * Regions worth scanning before DescribeRegions answers: those enabled by default in the
   * commercial partition, which an account cannot disable. Saves a round trip before the first rows.
   */
  private speculativeRegions(scope: AccountScope, home: string): string[] {
    const cached = this.regionCache.get(`${scope.source.id}/${scope.accountId}`);
    if (cached && Date.now() - cached.at < REGION_CACHE_MS) return [];
    if (/^(cn|us-gov|us-iso[a-z]*|eu-isoe)-/.test(home)) return [];
    return this.chosen(DEFAULT_ENABLED_REGIONS);
  }

  /**
   * DescribeRegions from the first region that accepts the account's credentials: the source's
   * home region is not necessarily enabled in every account.
   */
  private async describeRegions(scope: AccountScope, home: string): Promise<string[]> {
    const candidates = [...new Set([home, ...DEFAULT_ENABLED_REGIONS])];
    let lastError: unknown;
    for (const region of candidates.slice(0, 6)) {
      try {
        const out = await (await this.ec2(scope, region)).send(new DescribeRegionsCommand({}));
        return (out.Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : []));
      } catch (err) {
        lastError = err;
        if (!/UnrecognizedClient|AuthFailure|OptInRequired|InvalidClientTokenId/i.test(errorName(err))) throw err;
      }
    }
    throw lastError;
  }

  private async scanAccount(scope: AccountScope, home: string, ctx: ScanContext): Promise<void> {
    const perAccount = createLimiter(this.concurrency.perAccount);
    ctx.credentialScopes.add(this.credentialScope(scope));
    const base = { sourceId: scope.source.id, accountId: scope.accountId, accountName: scope.accountName };
    const open = (regions: string[]) => {
      this.addTotal(regions.length);
      for (const region of regions) {
        const id = this.rowId(scope.source.id, scope.accountId, region);
        ctx.seenRows.add(id);
        this.updateRow(id, { ...base, region, state: 'pending' });
      }
    };
    const scan = (region: string, settle?: Promise<readonly string[] | Error>) => perAccount.run(() => ctx.regionLimiter.run(() => this.scanRegion(scope, region, ctx, settle)));

    const speculative = this.speculativeRegions(scope, home);
    open(speculative);
    const enabled = this.enabledRegions(scope, home, ctx).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
    const early = speculative.map((region) => scan(region, enabled));
    const regions = await enabled;
    if (regions instanceof Error) {
      await Promise.all(early);
      throw regions;
    }
    const rest = regions.filter((r) => !speculative.includes(r));
    open(rest);
    await Promise.all([...early, ...rest.map((region) => scan(region))]);
  }

  /** A region scanned before DescribeRegions answered turned out not to be enabled (or the account failed): as if never scanned. */
  private dropRow(id: string, ctx: ScanContext): void {
    ctx.seenRows.delete(id);
    const row = this.rows.get(id);
    this.rows.delete(id);
    this.pending.rows.delete(id);
    // Deltas cannot delete a row: the scan's end resends the whole picture (see runScan).
    ctx.rowsDropped = true;
    const closed = row?.state === 'done' || row?.state === 'error';
    this.progress = { ...this.progress, total: this.progress.total - 1, done: this.progress.done - (closed ? 1 : 0) };
  }

  /**
   * One account-region: managed nodes page by page, shown as they come, then completed with
   * their EC2 names and tags. `enabled` is given for a speculative region: a failure there
   * counts only if DescribeRegions lists the region.
   */
  private async scanRegion(scope: AccountScope, region: string, ctx: ScanContext, enabled?: Promise<readonly string[] | Error>): Promise<void> {
    const id = this.rowId(scope.source.id, scope.accountId, region);
    const base = { sourceId: scope.source.id, accountId: scope.accountId, accountName: scope.accountName, region, roleName: scope.roleName, ...(scope.otherRoles?.length ? { otherRoles: scope.otherRoles } : {}) };
    this.updateRow(id, { ...base, state: 'loading' });
    const ssm = this.ssm(scope, region);
    // The first page is asked for before EC2: it is what the first rows wait for.
    const firstPage = ssm.then((client) => client.send(new DescribeInstanceInformationCommand({ MaxResults: 50 })));
    firstPage.catch(() => undefined);
    let ec2Answer: Map<string, Instance> | Error | undefined;
    const askEc2 = () =>
      this.ec2(scope, region).then((client) => this.describeEc2(client)).then(
        (byId) => (ec2Answer = byId),
        (err: unknown) => (ec2Answer = err instanceof Error ? err : new Error(String(err))),
      );
    // Where the last scan found EC2 nodes, EC2 runs alongside the SSM pager: one round trip on the
    // critical path instead of two. Elsewhere (everywhere on a first scan) it is asked once Session
    // Manager lists an EC2 node: most of an organisation's regions hold none, and that halves the
    // calls a scan makes. The nodes show from Session Manager's page meanwhile.
    let ec2Instances = ctx.knownEc2.has(id) ? askEc2() : undefined;
    const infos: InstanceInformation[] = [];
    const show = (info: InstanceInformation, details: Map<string, Instance> | undefined) => {
      const summary = summarize(info, details?.get(info.InstanceId ?? ''), base);
      if (!summary) return;
      ctx.seenKeys.add(summary.key);
      this.upsert(summary);
      // The scan's first rows go out at once, not after the batching delay.
      if (!ctx.rowsShown) {
        ctx.rowsShown = true;
        queueMicrotask(() => this.flush());
      }
    };
    try {
      let nextToken: string | undefined;
      do {
        const page = await (nextToken ? (await ssm).send(new DescribeInstanceInformationCommand({ MaxResults: 50, NextToken: nextToken })) : firstPage);
        // Shown now, with EC2's names if they are already here; otherwise completed below.
        const details = ec2Answer instanceof Map ? ec2Answer : undefined;
        for (const info of page.InstanceInformationList ?? []) {
          infos.push(info);
          show(info, details);
          if (!ec2Instances && info.InstanceId?.startsWith('i-')) ec2Instances = askEc2();
        }
        nextToken = page.NextToken;
        if (nextToken) this.updateRow(id, { ...base, state: 'loading', instances: infos.length });
      } while (nextToken);
      const details = await ec2Instances;
      if (details instanceof Map && details.size) for (const info of infos) show(info, details);
      const count = infos.length;
      this.updateRow(id, {
        ...base,
        state: 'done',
        instances: count,
        error: details instanceof Error ? { ...explainScanError(details, { ...base, roleName: scope.roleName }), code: 'names-missing' } : undefined,
      });
    } catch (err) {
      if (enabled) {
        const regions = await enabled;
        if (regions instanceof Error || !regions.includes(region)) {
          this.dropRow(id, ctx);
          return;
        }
      }
      ctx.failedScopes.push(`${id}/`);
      this.updateRow(id, { ...base, state: 'error', instances: infos.length, error: explainScanError(err, base) });
    }
  }

  private async describeEc2(ec2: EC2Client): Promise<Map<string, Instance>> {
    const byId = new Map<string, Instance>();
    let nextToken: string | undefined;
    do {
      const out = await ec2.send(new DescribeInstancesCommand({ MaxResults: 1000, ...(nextToken ? { NextToken: nextToken } : {}) }));
      for (const r of out.Reservations ?? []) for (const i of r.Instances ?? []) if (i.InstanceId) byId.set(i.InstanceId, i);
      nextToken = out.NextToken;
    } while (nextToken);
    return byId;
  }

  dispose(): void {
    this.disposed = true;
    this.clients.clear();
    clearTimeout(this.flushTimer);
    clearInterval(this.periodic);
    this.emitter.removeAllListeners();
  }
}

interface ScanContext {
  regionLimiter: Limiter;
  accountLimiter: Limiter;
  seenKeys: Set<string>;
  seenRows: Set<string>;
  failedScopes: string[];
  /** Account-regions where the last scan (or the cache) found EC2 nodes. */
  knownEc2: Set<string>;
  /** The credential scopes this scan used: the pool keeps only their clients. */
  credentialScopes: Set<string>;
  rowsDropped: boolean;
  rowsShown: boolean;
}
