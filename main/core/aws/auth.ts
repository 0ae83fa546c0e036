import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { z } from 'zod';
import type { AuthSettings, PendingSignIn, SourceInfo } from '../../../preload/contract/auth';
import { AppError } from '../errors';
import { DEFAULT_AUTH_SETTINGS, readAuthSettings, writeAuthSettings, type AuthSettingsFile } from '../store/auth-settings';
import { EncryptedJsonFile } from '../store/encrypted-file';
import type { SecretStore } from '../store/secrets';
import { readConfiguredSources, type AwsFiles, type SourceConfig, type SsoSourceConfig } from './aws-config';
import { readCliToken, writeCliToken } from './cli-cache';
import { systemClock, type Clock } from './clock';
import {
  DEVICE_GRANT,
  deviceFlow,
  PKCE_REDIRECT,
  pkceFlow,
  refreshTokens,
  registerClient,
  registrationUsable,
  SSO_SCOPE,
  type OidcApi,
  type Registration,
  type TokenSet,
} from './sso';

/**
 * Sign-in state of every source: tokens kept in the encrypted token file, refreshed ahead of
 * expiry, re-registration when the client registration lapses, and "sign in again" only when
 * nothing else works. Nothing secret leaves this module except through accessToken().
 */

/** Refresh this long before expiry (the CLI's window); a token closer than USABLE_MARGIN is not handed out. */
export const REFRESH_AHEAD_MS = 15 * 60_000;
const USABLE_MARGIN_MS = 5 * 60_000;

const RegistrationSchema = z.object({ clientId: z.string(), clientSecret: z.string(), expiresAt: z.number(), scopes: z.array(z.string()), grantTypes: z.array(z.string()) });
const TokenSetSchema = z.object({ accessToken: z.string(), expiresAt: z.number(), refreshToken: z.string().optional() });
const VaultSchema = z.object({
  sources: z.record(z.string(), z.object({ startUrl: z.string(), registrations: z.record(z.string(), RegistrationSchema), tokens: TokenSetSchema.optional() })),
});
type Vault = z.infer<typeof VaultSchema>;

export interface AuthServiceOptions {
  secrets: SecretStore;
  dataDir: string;
  awsFiles?: AwsFiles;
  /** The AWS CLI token cache folder; undefined = do not read or write it. */
  cliCacheDir?: string;
  oidc(region: string): OidcApi;
  clock?: Clock;
  /** Opens the sign-in page in the system browser (Electron: shell.openExternal). */
  openExternal?(url: string): void;
  log?(line: string): void;
}

interface SourceRuntime {
  config: SourceConfig;
  state: SourceInfo['state'];
  tokens?: TokenSet;
  pending?: PendingSignIn;
  error?: { code: string; message: string; hint?: string };
  abort?: AbortController;
  refreshing?: Promise<string>;
  timer?: NodeJS.Timeout;
}

const toError = (err: unknown) =>
  err instanceof AppError ? { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) } : { code: 'sign-in-failed', message: err instanceof Error ? err.message : String(err) };

const isSso = (c: SourceConfig): c is SsoSourceConfig => c.kind === 'sso';

/** The encrypted token file in the data folder; its data key is in the chosen secret store. */
export const TOKEN_FILE_NAME = 'tokens.enc';

export class AuthService {
  private readonly runtimes = new Map<string, SourceRuntime>();
  private readonly emitter = new EventEmitter();
  private readonly clock: Clock;
  private readonly vaultFile: EncryptedJsonFile<Vault>;
  private readonly settingsPath: string;
  private vault: Vault = { sources: {} };
  private settingsFile: AuthSettingsFile = { version: 1, settings: DEFAULT_AUTH_SETTINGS, addedSources: [] };
  private ready: Promise<void> | undefined;
  private disposed = false;
  private vaultWrites: Promise<void> = Promise.resolve();

  constructor(private readonly options: AuthServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.vaultFile = new EncryptedJsonFile(join(options.dataDir, TOKEN_FILE_NAME), options.secrets, VaultSchema);
    this.settingsPath = join(options.dataDir, 'auth-settings.json');
  }

  /** The token file (and the CLI cache, for sources it has no live token for) into the runtimes. */
  private async loadVault(): Promise<void> {
    try {
      this.vault = (await this.vaultFile.read()) ?? { sources: {} };
    } catch (err) {
      // No keychain: every SSO source starts signed out, and says why.
      this.options.log?.(`token file unreadable: ${err instanceof Error ? err.message : String(err)}`);
      for (const rt of this.runtimes.values()) if (isSso(rt.config)) rt.error = toError(err);
    }
    for (const rt of this.runtimes.values()) {
      if (!isSso(rt.config)) continue;
      const stored = this.vault.sources[rt.config.id];
      let tokens = stored && stored.startUrl === rt.config.startUrl ? stored.tokens : undefined;
      if (!this.tokenLives(tokens) && this.options.cliCacheDir) {
        const cached = await readCliToken(this.options.cliCacheDir, rt.config.sessionName ?? rt.config.startUrl, rt.config);
        if (cached && this.tokenLives(cached.tokens)) {
          tokens = cached.tokens;
          if (cached.registration) this.rememberRegistration(rt.config, 'cli', cached.registration);
        }
      }
      if (tokens && this.tokenLives(tokens)) {
        rt.tokens = tokens;
        rt.state = 'signed-in';
        this.scheduleRefresh(rt);
      } else if (tokens) {
        rt.state = 'expired';
      }
    }
  }

  /**
   * Reads the token file again after its data key moved (the keychain choice changed): a source
   * that could not read it before loses that error and shows what the file holds now.
   */
  async reloadTokens(): Promise<void> {
    await this.init();
    for (const rt of this.runtimes.values()) if (rt.error?.code === 'keychain-unavailable') delete rt.error;
    await this.loadVault();
    this.changed();
  }

  /** Loads sources, the token file and (when present) the CLI cache. Idempotent. */
  init(): Promise<void> {
    return (this.ready ??= this.load());
  }

  private async load(): Promise<void> {
    this.settingsFile = await readAuthSettings(this.settingsPath);
    const configured = readConfiguredSources(this.options.awsFiles);
    const added: SsoSourceConfig[] = this.settingsFile.addedSources.map((s) => ({ kind: 'sso', id: s.id, label: s.id, startUrl: s.startUrl, region: s.region, scopes: [SSO_SCOPE], origin: 'app' }));
    for (const config of [...configured, ...added]) {
      if (!this.runtimes.has(config.id)) this.runtimes.set(config.id, { config, state: config.kind === 'profile' ? 'signed-in' : 'signed-out' });
    }
    await this.loadVault();
    this.changed();
  }

  /** A token is worth keeping if it is still valid or can be refreshed. */
  private tokenLives(tokens: TokenSet | undefined): tokens is TokenSet {
    return Boolean(tokens && (tokens.expiresAt > this.clock.now() + USABLE_MARGIN_MS || tokens.refreshToken));
  }

  onChange(listener: (sources: SourceInfo[]) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }

  /** Fires when a source becomes signed in (after sign-in, not after a refresh). */
  onSignedIn(listener: (sourceId: string) => void): () => void {
    this.emitter.on('signed-in', listener);
    return () => this.emitter.off('signed-in', listener);
  }

  private changed(): void {
    if (!this.disposed) this.emitter.emit('change', this.sources());
  }

  sources(): SourceInfo[] {
    return [...this.runtimes.values()].map((rt) => this.info(rt));
  }

  private info(rt: SourceRuntime): SourceInfo {
    const c = rt.config;
    return {
      id: c.id,
      kind: c.kind,
      label: c.label,
      origin: c.origin,
      ...(isSso(c) ? { startUrl: c.startUrl, region: c.region } : c.region ? { region: c.region } : {}),
      state: rt.state,
      ...(rt.tokens && rt.state === 'signed-in' ? { expiresAt: rt.tokens.expiresAt } : {}),
      refreshable: Boolean(rt.tokens?.refreshToken),
      ...(rt.pending ? { pending: rt.pending } : {}),
      ...(rt.error ? { error: rt.error } : {}),
    };
  }

  source(id: string): SourceConfig {
    const rt = this.runtimes.get(id);
    if (!rt) throw new AppError('unknown-source', `No sign-in source called "${id}".`, 'Pick one of the sources listed on the sign-in screen, or add its start URL.');
    return rt.config;
  }

  /** Sources whose accounts can be listed now. */
  signedInSources(): SourceConfig[] {
    return [...this.runtimes.values()].filter((rt) => rt.state === 'signed-in').map((rt) => rt.config);
  }

  settings(): AuthSettings {
    return this.settingsFile.settings;
  }

  async updateSettings(patch: Partial<AuthSettings>): Promise<AuthSettings> {
    await this.init();
    this.settingsFile = { ...this.settingsFile, settings: { ...this.settingsFile.settings, ...patch } };
    await writeAuthSettings(this.settingsPath, this.settingsFile);
    return this.settingsFile.settings;
  }

  async addSource(input: { startUrl: string; region: string; name?: string }): Promise<SourceInfo> {
    await this.init();
    const existing = [...this.runtimes.values()].find((rt) => isSso(rt.config) && rt.config.startUrl.replace(/\/+$/, '') === input.startUrl.replace(/\/+$/, ''));
    if (existing) return this.info(existing);
    const id = input.name ?? new URL(input.startUrl).hostname.split('.')[0]!;
    if (this.runtimes.has(id)) throw new AppError('source-exists', `A source called "${id}" already exists.`, 'Give the new start URL another name.');
    const config: SsoSourceConfig = { kind: 'sso', id, label: id, startUrl: input.startUrl, region: input.region, scopes: [SSO_SCOPE], origin: 'app' };
    this.settingsFile = { ...this.settingsFile, addedSources: [...this.settingsFile.addedSources, { id, startUrl: input.startUrl, region: input.region }] };
    await writeAuthSettings(this.settingsPath, this.settingsFile);
    const rt: SourceRuntime = { config, state: 'signed-out' };
    this.runtimes.set(id, rt);
    this.changed();
    return this.info(rt);
  }

  /**
   * Forgets a start URL added in the app: its sign-in, its client registrations and the entry in
   * auth-settings.json. Sources from ~/.aws/config stay theirs to edit.
   */
  async removeSource(id: string): Promise<void> {
    await this.init();
    const rt = this.ssoRuntime(id);
    if (rt.config.origin !== 'app') {
      throw new AppError('source-in-config', `"${rt.config.label}" comes from your AWS config files, not from Bastionless.`, `Remove its sso-session (or profile) from ~/.aws/config; Bastionless picks the change up on its next start.`);
    }
    rt.abort?.abort();
    clearTimeout(rt.timer);
    delete this.vault.sources[id];
    await this.saveVault();
    this.settingsFile = { ...this.settingsFile, addedSources: this.settingsFile.addedSources.filter((s) => s.id !== id) };
    await writeAuthSettings(this.settingsPath, this.settingsFile);
    this.runtimes.delete(id);
    this.changed();
  }

  private ssoRuntime(id: string): SourceRuntime & { config: SsoSourceConfig } {
    this.source(id);
    const rt = this.runtimes.get(id)!;
    if (!isSso(rt.config)) throw new AppError('not-sso-source', `"${id}" is a profile; its credentials come from the AWS config files.`, 'Nothing to sign in to: fix the profile in ~/.aws/config if it fails.');
    return rt as SourceRuntime & { config: SsoSourceConfig };
  }

  private rememberRegistration(config: SsoSourceConfig, kind: string, reg: Registration): void {
    const entry = (this.vault.sources[config.id] ??= { startUrl: config.startUrl, registrations: {} });
    entry.registrations[kind] = reg;
  }

  private async registration(config: SsoSourceConfig, api: OidcApi, method: 'device' | 'pkce'): Promise<Registration> {
    const grant = method === 'device' ? DEVICE_GRANT : 'authorization_code';
    const known = this.vault.sources[config.id]?.registrations[method];
    if (registrationUsable(known, this.clock.now(), grant, config.scopes)) return known;
    const reg = await registerClient(api, {
      scopes: config.scopes,
      grantTypes: [grant, 'refresh_token'],
      ...(method === 'pkce' ? { redirectUris: [PKCE_REDIRECT], issuerUrl: config.startUrl } : {}),
    });
    this.rememberRegistration(config, method, reg);
    return reg;
  }

  /**
   * Starts sign-in in the background and resolves as soon as the person has something to do
   * (the code to approve), or with the error if it could not even start.
   */
  async signIn(id: string, method: 'device' | 'pkce' = 'device'): Promise<SourceInfo> {
    await this.init();
    const rt = this.ssoRuntime(id);
    try {
      // Before any code is shown: tokens that cannot be saved would make the approval worthless.
      await this.options.secrets.check?.();
    } catch (err) {
      rt.error = toError(err);
      this.changed();
      return this.info(rt);
    }
    rt.abort?.abort();
    const abort = new AbortController();
    rt.abort = abort;
    rt.state = 'signing-in';
    delete rt.pending;
    delete rt.error;
    this.changed();
    let announce: () => void = () => {};
    const started = new Promise<void>((resolve) => (announce = resolve));
    const run = this.runSignIn(rt, method, abort.signal, () => announce()).then(
      () => announce(),
      (err: unknown) => {
        if (rt.abort !== abort) return; // superseded by a newer attempt
        delete rt.abort;
        delete rt.pending;
        rt.state = rt.tokens && this.tokenLives(rt.tokens) ? 'signed-in' : 'signed-out';
        rt.error = toError(err);
        this.changed();
        announce();
      },
    );
    void run;
    await started;
    return this.info(rt);
  }

  private async runSignIn(rt: SourceRuntime & { config: SsoSourceConfig }, method: 'device' | 'pkce', signal: AbortSignal, announce: () => void): Promise<void> {
    const api = this.options.oidc(rt.config.region);
    const attempt = async (): Promise<TokenSet> => {
      const registration = await this.registration(rt.config, api, method);
      const show = (pending: PendingSignIn) => {
        rt.pending = pending;
        this.changed();
        this.options.openExternal?.(pending.verificationUrl);
        announce();
      };
      const tokens =
        method === 'device'
          ? await deviceFlow(api, { startUrl: rt.config.startUrl, registration, signal, clock: this.clock, onCode: (c) => show({ method, userCode: c.userCode, verificationUrl: c.verificationUrl, expiresAt: c.expiresAt }) })
          : await pkceFlow(api, { registration, scopes: rt.config.scopes, signal, clock: this.clock, onUrl: (url, expiresAt) => show({ method, verificationUrl: url, expiresAt }) });
      return tokens;
    };
    let tokens: TokenSet;
    try {
      tokens = await attempt();
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'client-invalid')) throw err;
      // The stored registration was revoked or lapsed: register anew and start over once.
      delete this.vault.sources[rt.config.id]?.registrations[method];
      tokens = await attempt();
    }
    if (signal.aborted) return;
    // Still the current attempt while the tokens are saved: a failure to save is this attempt's error.
    await this.storeTokens(rt, tokens, method);
    delete rt.abort;
    delete rt.pending;
    delete rt.error;
    rt.state = 'signed-in';
    this.scheduleRefresh(rt);
    this.changed();
    this.emitter.emit('signed-in', rt.config.id);
  }

  cancel(id: string): boolean {
    const rt = this.ssoRuntime(id);
    if (!rt.abort) return false;
    rt.abort.abort();
    delete rt.abort;
    delete rt.pending;
    rt.state = rt.tokens && this.tokenLives(rt.tokens) ? 'signed-in' : 'signed-out';
    this.changed();
    return true;
  }

  async signOut(id: string): Promise<boolean> {
    await this.init();
    const rt = this.ssoRuntime(id);
    rt.abort?.abort();
    clearTimeout(rt.timer);
    const had = Boolean(rt.tokens);
    delete rt.tokens;
    delete rt.pending;
    delete rt.error;
    rt.state = 'signed-out';
    const entry = this.vault.sources[id];
    if (entry) delete entry.tokens;
    await this.saveVault();
    this.changed();
    return had;
  }

  private async storeTokens(rt: SourceRuntime & { config: SsoSourceConfig }, tokens: TokenSet, method: string): Promise<void> {
    const entry = (this.vault.sources[rt.config.id] ??= { startUrl: rt.config.startUrl, registrations: {} });
    const before = entry.tokens;
    entry.tokens = tokens;
    entry.registrations.last = entry.registrations[method] ?? entry.registrations.last!;
    try {
      await this.saveVault();
    } catch (err) {
      // Unsaved tokens are not a sign-in: the next start (or the next command) would not have them.
      if (before) entry.tokens = before;
      else delete entry.tokens;
      throw err;
    }
    rt.tokens = tokens;
    const reg = entry.registrations.last;
    if (this.settingsFile.settings.shareCliCache && this.options.cliCacheDir && reg) {
      await writeCliToken(this.options.cliCacheDir, rt.config.sessionName ?? rt.config.startUrl, { startUrl: rt.config.startUrl, region: rt.config.region, tokens, registration: reg });
    }
  }

  private saveVault(): Promise<void> {
    // Serialised: two refreshes finishing together must not interleave their writes.
    const next = this.vaultWrites.then(() => this.vaultFile.write(this.vault));
    this.vaultWrites = next.catch((err: unknown) => this.options.log?.(`could not save the token file: ${err instanceof Error ? err.message : String(err)}`));
    return next;
  }

  private scheduleRefresh(rt: SourceRuntime): void {
    clearTimeout(rt.timer);
    if (!rt.tokens?.refreshToken || this.disposed) return;
    const wait = Math.max(30_000, rt.tokens.expiresAt - REFRESH_AHEAD_MS - this.clock.now());
    rt.timer = setTimeout(() => void this.refresh(rt).catch(() => undefined), Math.min(wait, 2 ** 31 - 1));
    rt.timer.unref();
  }

  private refresh(rt: SourceRuntime & { config: SourceConfig }): Promise<string> {
    if (!isSso(rt.config)) return Promise.reject(new AppError('not-sso-source', 'profiles have no token'));
    const config = rt.config;
    let reg: Registration | undefined;
    return (rt.refreshing ??= (async () => {
      try {
        const refreshToken = rt.tokens?.refreshToken;
        reg = this.vault.sources[config.id]?.registrations.last ?? this.vault.sources[config.id]?.registrations.cli;
        if (!refreshToken || !reg) throw new AppError('sign-in-required', `Your sign-in to ${config.label} expired.`, 'Sign in again.');
        const tokens = await refreshTokens(this.options.oidc(config.region), reg, refreshToken, this.clock);
        await this.storeTokens(rt as SourceRuntime & { config: SsoSourceConfig }, tokens, 'last').catch(() => {
          // Renewed but not saved (saveVault logged why): this run keeps working on them.
          rt.tokens = tokens;
        });
        rt.state = 'signed-in';
        delete rt.error;
        this.scheduleRefresh(rt);
        this.changed();
        return tokens.accessToken;
      } catch (err) {
        if (err instanceof AppError && (err.code === 'sign-in-required' || err.code === 'client-invalid')) {
          // Nothing else is lost: the inventory, tabs and settings stay; only this sign-in ends.
          delete rt.tokens;
          // Dead tokens leave the token file too, or the next start would show "signed in".
          delete this.vault.sources[config.id]?.tokens;
          if (err.code === 'client-invalid') {
            // The same registration is also stored under its method ('device', 'pkce') or 'cli':
            // drop every copy, or the next sign-in reuses the dead client and fails.
            const regs = this.vault.sources[config.id]?.registrations ?? {};
            for (const [kind, r] of Object.entries(regs)) if (r.clientId === reg?.clientId) delete regs[kind];
          }
          void this.saveVault().catch(() => undefined); // a failed write is logged by saveVault
          rt.state = 'expired';
          rt.error = toError(err);
          this.changed();
        }
        throw err;
      } finally {
        delete rt.refreshing;
      }
    })());
  }

  /** A valid access token for the source, refreshed first when it is close to expiry. */
  async accessToken(id: string): Promise<string> {
    await this.init();
    const rt = this.ssoRuntime(id);
    const tokens = rt.tokens;
    if (!tokens || rt.state === 'expired' || rt.state === 'signed-out') {
      throw new AppError('sign-in-required', `Not signed in to ${rt.config.label}.`, 'Sign in on the Instances view.');
    }
    if (tokens.expiresAt - this.clock.now() > USABLE_MARGIN_MS) return tokens.accessToken;
    return this.refresh(rt);
  }

  /** The portal refused the token (revoked, or expired early): refresh once, else ask to sign in. */
  async tokenRejected(id: string, rejected: string): Promise<string> {
    const rt = this.ssoRuntime(id);
    if (rt.tokens && rt.tokens.accessToken !== rejected) return rt.tokens.accessToken;
    if (rt.tokens) rt.tokens = { ...rt.tokens, expiresAt: this.clock.now() };
    return this.refresh(rt);
  }

  dispose(): void {
    this.disposed = true;
    for (const rt of this.runtimes.values()) {
      rt.abort?.abort();
      clearTimeout(rt.timer);
    }
    this.emitter.removeAllListeners();
  }
}
