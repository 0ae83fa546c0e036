import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AppStateStore } from '../app-state';
import type { SessionTarget } from '../aws/target';
import { AppError } from '../errors';
import type { LocalSession } from '../sessions/history';
import type { CountdownItemSource } from '../countdown/service';
import type { TrayActiveTunnel, TrayProfile } from '../tray-menu';
import { manualConnection, planLaunch, runPlan, systemProbe, type ClientProbe, type LaunchPlatform, type ManualCopy } from './launchers/index';
import { createPortSessionOpener, type PortSessionOpenerDeps } from './port-session-opener';
import { ProfileInputSchema, ProfileSchema, type TunnelProfile, type TunnelProfileInput } from './profile-schema';
import type { ProfileStore } from './profile-store';
import { Tunnel, type TunnelSnapshot } from './tunnel';

/**
 * The tunnels feature's core service: profiles on disk, at most one running tunnel per profile,
 * launching clients, and the tray's view of both (AppStateStore profiles / activeTunnels).
 */

/** Ids of Connect-once tunnels; saved profiles get plain UUIDs. */
const ONCE_PREFIX = 'once-';

export interface TunnelStatus extends TunnelSnapshot {
  /** The profile's id: one tunnel per profile. */
  id: string;
  name: string;
  kind: TunnelProfile['kind'];
  destination: string;
  /** Connect once: the profile it runs, kept in memory only (Save turns it into a saved one). */
  unsaved?: TunnelProfile;
}

export interface LaunchResult {
  launched: boolean;
  client?: string;
  message: string;
  hint?: string;
  /** Host/port/user to copy when no client could be started. */
  details?: string;
  copies?: ManualCopy[];
}

export interface TunnelServiceDeps {
  store: ProfileStore;
  appState: AppStateStore;
  /** Where sessions come from; replaced when sign-in provides credentials (setSessionSource). */
  sessions: PortSessionOpenerDeps;
  /** Tag-query targets need discovery; instance targets are resolved from the profile alone. */
  resolveTags?: (profile: TunnelProfile) => Promise<SessionTarget>;
  platform?: LaunchPlatform;
  probe?: ClientProbe;
}

type Events = { changed: [TunnelStatus[]]; profiles: [TunnelProfile[]] };

export function targetFromProfile(profile: TunnelProfile): SessionTarget | undefined {
  if (profile.target.type !== 'instance') return undefined;
  const source = profile.source;
  return {
    sourceId: source.type === 'sso' ? source.ssoSession : source.profile,
    accountId: source.accountId,
    roleName: source.type === 'sso' ? source.roleName : source.profile,
    region: profile.region,
    instanceId: profile.target.instanceId,
    name: profile.name,
    platform: profile.kind === 'rdp' ? 'Windows' : 'Unknown',
  };
}

function destinationLabel(p: TunnelProfile): string {
  const where = p.target.type === 'instance' ? p.target.instanceId : Object.entries(p.target.tags).map(([k, v]) => `${k}=${v}`).join(',');
  return p.remoteHost ? `${p.remoteHost}:${p.remotePort} via ${where}` : `${where}:${p.remotePort}`;
}

const trayState = (s: TunnelSnapshot['state']): TrayActiveTunnel['state'] =>
  s === 'starting' ? 'connecting' : s === 'reconnecting' ? 'reconnecting' : s === 'failed' ? 'failed' : 'listening';

export class TunnelService extends EventEmitter<Events> {
  private readonly running = new Map<string, { tunnel: Tunnel; profile: TunnelProfile; target: SessionTarget }>();
  private readonly starting = new Map<string, Promise<TunnelStatus>>();
  private notifyTimer: NodeJS.Timeout | undefined;
  private sessions: PortSessionOpenerDeps;
  private readonly platform: LaunchPlatform;
  private readonly probe: ClientProbe;

  constructor(private readonly deps: TunnelServiceDeps) {
    super();
    this.sessions = deps.sessions;
    this.platform = deps.platform ?? (process.platform === 'win32' || process.platform === 'darwin' ? process.platform : 'linux');
    this.probe = deps.probe ?? systemProbe();
  }

  /** Sign-in hands over the session source once credentials exist; running tunnels keep theirs. */
  setSessionSource(sessions: PortSessionOpenerDeps): void {
    this.sessions = sessions;
  }

  // ---- profiles ----

  listProfiles(): Promise<TunnelProfile[]> {
    return this.deps.store.list();
  }

  async saveProfile(input: TunnelProfileInput): Promise<TunnelProfile> {
    const saved = await this.deps.store.save(input);
    await this.profilesChanged();
    return saved;
  }

  async deleteProfile(id: string): Promise<void> {
    await this.stop(id);
    await this.deps.store.remove(id);
    await this.profilesChanged();
  }

  exportProfiles(ids?: string[]): Promise<string> {
    return this.deps.store.exportJson(ids);
  }

  async importProfiles(json: string): Promise<{ imported: number }> {
    const result = await this.deps.store.importJson(json);
    await this.profilesChanged();
    return result;
  }

  /** Loads profiles into the tray model and starts the auto-start ones; errors stay per profile. */
  async init(): Promise<void> {
    const profiles = await this.profilesChanged().catch(() => []);
    await Promise.all(profiles.filter((p) => p.autoStart).map((p) => this.start(p.id).catch(() => undefined)));
  }

  // ---- tunnels ----

  list(): TunnelStatus[] {
    return [...this.running.values()].map(({ tunnel, profile }) => this.status(tunnel, profile));
  }

  /** Each session a running tunnel holds; ending one stops its tunnel (the normal close path). */
  localSessions(): LocalSession[] {
    return [...this.running.entries()].flatMap(([id, { tunnel, profile }]) =>
      tunnel.sessionIds().map((sessionId) => ({ sessionId, kind: 'tunnel' as const, label: profile.name, close: async () => void (await this.stop(id)) })),
    );
  }

  /** Each running tunnel and its live sessions, for its countdown and keepalive. */
  countdownItems(): CountdownItemSource[] {
    return [...this.running.entries()].map(([id, { tunnel, profile, target }]) => ({ id, kind: 'tunnel' as const, label: profile.name, scope: target, sessions: tunnel.activity() }));
  }

  start(profileId: string): Promise<TunnelStatus> {
    const existing = this.running.get(profileId);
    if (existing) return Promise.resolve(this.status(existing.tunnel, existing.profile));
    const pending = this.starting.get(profileId);
    if (pending) return pending;
    const run = this.startNew(profileId).finally(() => this.starting.delete(profileId));
    this.starting.set(profileId, run);
    return run;
  }

  private async startNew(profileId: string): Promise<TunnelStatus> {
    const status = await this.run(await this.deps.store.get(profileId));
    await this.deps.store.touch(profileId).catch(() => undefined);
    return status;
  }

  private async run(profile: TunnelProfile): Promise<TunnelStatus> {
    const target = targetFromProfile(profile) ?? (await this.resolveTags(profile));
    const opener = createPortSessionOpener(this.sessions, target, { port: profile.remotePort, ...(profile.remoteHost ? { remoteHost: profile.remoteHost } : {}) });
    const tunnel = new Tunnel(opener, { bindAddress: profile.bindAddress, localPort: profile.localPort, poolSize: profile.poolSize });
    tunnel.on('change', () => this.scheduleNotify());
    await tunnel.start();
    this.running.set(profile.id, { tunnel, profile, target });
    this.notifyNow();
    return this.status(tunnel, profile);
  }

  /**
   * Connect once, as `aws ssm start-session` does: the tunnel runs from a profile that is never
   * written to disk and is forgotten when it stops, unless the user saves it.
   */
  startOnce(input: TunnelProfileInput): Promise<TunnelStatus> {
    const { id: _ignored, ...fields } = ProfileInputSchema.parse(input);
    return this.run(ProfileSchema.parse({ ...fields, id: `${ONCE_PREFIX}${randomUUID()}`, createdAt: new Date().toISOString() }));
  }

  /** Saves a Connect-once tunnel's profile; the running tunnel carries on under the saved id. */
  async saveOnce(id: string): Promise<TunnelProfile> {
    const entry = this.running.get(id);
    if (!entry || !id.startsWith(ONCE_PREFIX)) throw new AppError('tunnel-not-running', 'That one-off tunnel is no longer running.', 'Start it again, or create a profile with New tunnel….');
    const { id: _once, createdAt: _c, lastUsedAt: _l, ...fields } = entry.profile;
    const saved = await this.deps.store.save(fields);
    this.running.delete(id);
    this.running.set(saved.id, { ...entry, profile: saved });
    await this.profilesChanged();
    this.notifyNow();
    return saved;
  }

  private resolveTags(profile: TunnelProfile): Promise<SessionTarget> {
    if (!this.deps.resolveTags) {
      return Promise.reject(new AppError('target-unresolved', `Profile "${profile.name}" targets instances by tag, which needs discovery.`, 'Sign in and let the instance list load, or edit the profile to use an instance id.'));
    }
    return this.deps.resolveTags(profile);
  }

  async stop(id: string): Promise<boolean> {
    const entry = this.running.get(id);
    if (!entry) return false;
    this.running.delete(id);
    await entry.tunnel.stop();
    this.notifyNow();
    return true;
  }

  /** Starts the profile's client against the running tunnel (starting the tunnel first if needed). */
  async launch(id: string): Promise<LaunchResult> {
    await this.start(id);
    const entry = this.running.get(id);
    if (!entry) throw new AppError('tunnel-not-running', 'The tunnel stopped before the client could start.', 'Start it again.');
    const { profile, tunnel } = entry;
    const host = profile.bindAddress === '0.0.0.0' || profile.bindAddress === '::' ? '127.0.0.1' : profile.bindAddress;
    const endpoint = { host, port: tunnel.port, label: profile.name };
    const copies = manualConnection(profile.kind, this.platform, endpoint, profile.launcher);
    // The plain details are always among the copies; the contract also carries them on their own.
    const manual = { details: copies.find((c) => c.label === 'Details')!.text, copies };
    try {
      const plan = planLaunch(profile.kind, this.platform, endpoint, profile.launcher, this.probe);
      if (!plan) return { launched: false, message: `No client is set for "${profile.name}"; connect yours to the details below.`, ...manual };
      const outcome = await runPlan(plan, this.platform, this.probe);
      return { launched: true, client: outcome.client, message: `Started ${outcome.client}.` };
    } catch (err) {
      // The hint repeats the details the dialog already shows; keep it only when it says more.
      if (err instanceof AppError) return { launched: false, message: err.message, ...(err.hint && !err.hint.includes(manual.details) ? { hint: err.hint } : {}), ...manual };
      throw err;
    }
  }

  async dispose(): Promise<void> {
    clearTimeout(this.notifyTimer);
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(all.map(({ tunnel }) => tunnel.stop()));
  }

  // ---- state for the UI and the tray ----

  private status(tunnel: Tunnel, profile: TunnelProfile): TunnelStatus {
    return { ...tunnel.snapshot(), id: profile.id, name: profile.name, kind: profile.kind, destination: destinationLabel(profile), ...(profile.id.startsWith(ONCE_PREFIX) ? { unsaved: profile } : {}) };
  }

  private async profilesChanged(): Promise<TunnelProfile[]> {
    const profiles = await this.deps.store.list();
    const tray: TrayProfile[] = [...profiles]
      .sort((a, b) => (b.lastUsedAt ?? b.createdAt).localeCompare(a.lastUsedAt ?? a.createdAt))
      .map((p) => ({ id: p.id, name: p.name, kind: p.kind, pinned: p.pinned }));
    this.deps.appState.update({ profiles: tray });
    this.emit('profiles', profiles);
    return profiles;
  }

  /** Counters change with every byte; the UI gets at most a few updates a second. */
  private scheduleNotify(): void {
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => this.notifyNow(), 250);
    this.notifyTimer.unref();
  }

  private notifyNow(): void {
    clearTimeout(this.notifyTimer);
    this.notifyTimer = undefined;
    const list = this.list();
    const active: TrayActiveTunnel[] = list.map((t) => ({ id: t.id, name: t.name, localAddress: `${t.bindAddress.includes(':') ? `[${t.bindAddress}]` : t.bindAddress}:${t.localPort}`, state: trayState(t.state) }));
    const previous = this.deps.appState.get().activeTunnels;
    if (JSON.stringify(previous) !== JSON.stringify(active)) this.deps.appState.update({ activeTunnels: active });
    this.emit('changed', list);
  }
}
