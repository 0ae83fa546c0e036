import { randomBytes } from 'node:crypto';
import type { StartSessionOptions } from '../aws/sessions';
import type { SessionTarget } from '../aws/target';
import { AppError } from '../errors';
import type { LocalSession } from '../sessions/history';
import type { CountdownItemSource } from '../countdown/service';
import { ShellTab, type SuspendedSession, type ShellTabDeps } from './shell-tab';
import type { StartChoices, StartPreferences, StartScope } from './start-preferences';
import type { StoredTab, TabStore } from './tab-store';
import type { ShellStatus, TerminalSize } from './types';

/**
 * The open terminal tabs: open (StartSession on the instance), list, resize, close
 * (TerminateSession), and restore after a restart from the saved tab list. Tabs live in main, so
 * a reloaded window attaches to them again instead of starting over.
 */

export interface ShellServiceDeps extends ShellTabDeps {
  /** Instance key (from the inventory) → where and as whom to connect. */
  resolveTarget(instanceKey: string): Promise<SessionTarget> | SessionTarget;
  /** The document (e.g. one setting Run As) chosen per instance or per source; none = the default shell. */
  preferences?: StartPreferences;
  store?: TabStore;
}

export interface OpenShellRequest {
  instanceKey: string;
  size?: TerminalSize;
  start?: StartSessionOptions;
  exitCodeProbe?: boolean;
  /** Restoring: the session the previous run left. */
  resume?: SuspendedSession;
}

export interface ShellTabInfo {
  tabId: string;
  instanceKey: string;
  title: string;
  instanceId: string;
  platform: SessionTarget['platform'];
  status: ShellStatus;
}

const DEFAULT_SIZE: TerminalSize = { cols: 80, rows: 24 };

export class ShellService {
  private readonly tabs = new Map<string, { tab: ShellTab; stored: StoredTab }>();
  private readonly listeners = new Set<(tabId: string, status: ShellStatus) => void>();
  private restoring: Promise<void> | undefined;

  constructor(private readonly deps: ShellServiceDeps) {}

  /** Opens a tab; the session starts in the background and reports through onStatus. */
  async open(request: OpenShellRequest): Promise<ShellTab> {
    const target = await this.deps.resolveTarget(request.instanceKey);
    const start = request.start ?? (await this.deps.preferences?.startOptionsFor(target));
    const tab = new ShellTab(
      {
        id: `t${randomBytes(6).toString('hex')}`,
        instanceKey: request.instanceKey,
        target,
        size: request.size ?? DEFAULT_SIZE,
        ...(start ? { start } : {}),
        ...(request.exitCodeProbe !== undefined ? { exitCodeProbe: request.exitCodeProbe } : {}),
        ...(request.resume ? { resume: request.resume } : {}),
      },
      this.deps,
    );
    const stored: StoredTab = {
      instanceKey: request.instanceKey,
      ...(request.start ? { start: request.start } : {}),
      ...(request.exitCodeProbe !== undefined ? { exitCodeProbe: request.exitCodeProbe } : {}),
    };
    this.tabs.set(tab.id, { tab, stored });
    tab.on('status', (status) => {
      for (const listener of this.listeners) listener(tab.id, status);
    });
    void this.persist();
    void tab.start();
    return tab;
  }

  /** The session documents chosen for an instance and for its source. */
  async startChoices(instanceKey: string): Promise<StartChoices & { sourceId: string }> {
    const target = await this.deps.resolveTarget(instanceKey);
    return { sourceId: target.sourceId, ...(await this.requirePreferences().choicesFor(target)) };
  }

  /** Chooses (or with null, clears) the document new shells on this instance, or on its whole source, start with. */
  async setStartChoice(instanceKey: string, scope: StartScope, start: StartSessionOptions | null): Promise<StartChoices & { sourceId: string }> {
    const target = await this.deps.resolveTarget(instanceKey);
    return { sourceId: target.sourceId, ...(await this.requirePreferences().set(target, scope, start)) };
  }

  private requirePreferences(): StartPreferences {
    if (!this.deps.preferences) throw new AppError('no-shell-preferences', 'Shell preferences are not available here.', 'Use the desktop app or `npm run web`.');
    return this.deps.preferences;
  }

  get(tabId: string): ShellTab {
    const entry = this.tabs.get(tabId);
    if (!entry) throw new AppError('no-such-tab', `There is no terminal tab ${tabId}.`, 'It was closed; open a new shell from the instance list.');
    return entry.tab;
  }

  list(): ShellTabInfo[] {
    return [...this.tabs.values()].map(({ tab }) => describeTab(tab));
  }

  /** Each open tab's current session; ending one closes its tab (the normal close path). */
  localSessions(): LocalSession[] {
    return [...this.tabs.entries()].flatMap(([tabId, { tab }]) => {
      const sessionId = tab.currentSessionId;
      return sessionId ? [{ sessionId, kind: 'tab' as const, label: tab.title, close: () => this.close(tabId) }] : [];
    });
  }

  /** Each tab with a live session, for its countdown and keepalive. */
  countdownItems(): CountdownItemSource[] {
    return [...this.tabs.values()].flatMap(({ tab }) => {
      const activity = tab.activity;
      return activity ? [{ id: tab.id, kind: 'tab' as const, label: tab.title, scope: tab.target, sessions: [activity] }] : [];
    });
  }

  /** Reopens the tabs saved by the previous run, once. */
  restore(): Promise<void> {
    this.restoring ??= (async () => {
      const saved = (await this.deps.store?.load()) ?? [];
      for (const entry of saved) {
        try {
          await this.open(entry);
        } catch {
          // An instance that no longer resolves (account gone, signed out) is simply not restored.
        }
      }
    })();
    return this.restoring;
  }

  resize(tabId: string, size: TerminalSize): void {
    this.get(tabId).resize(size);
  }

  async close(tabId: string): Promise<void> {
    const entry = this.tabs.get(tabId);
    if (!entry) return;
    this.tabs.delete(tabId);
    void this.persist();
    await entry.tab.close();
  }

  onStatus(listener: (tabId: string, status: ShellStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** App shutdown: sessions end with the process, but the tab list stays saved for the next run. */
  /** Closes every tab, ending its session (tests, and a service that is not coming back). */
  async dispose(): Promise<void> {
    const tabs = [...this.tabs.values()].map((e) => e.tab);
    this.tabs.clear();
    await Promise.all(tabs.map((tab) => tab.close()));
    await this.saving;
  }

  /**
   * The app is quitting: sessions stay running (until the service's idle timeout) and the saved
   * tab list says where each left off, so the next start reconnects instead of starting over.
   */
  async suspend(): Promise<void> {
    const entries = [...this.tabs.values()];
    this.tabs.clear();
    const stored = await Promise.all(
      entries.map(async ({ tab, stored }) => {
        const resume = await tab.suspend();
        return resume ? { ...stored, resume } : stored;
      }),
    );
    await this.persist(stored);
  }

  /** Resolves once every tab-list change so far is on disk. */
  whenSaved(): Promise<void> {
    return this.saving;
  }

  private saving: Promise<void> = Promise.resolve();

  /**
   * Saves the tab list as it is now (or the list given). Saves run one after another in call
   * order, so an older list can never land after a newer one.
   */
  private persist(snapshot: StoredTab[] = [...this.tabs.values()].map((e) => e.stored)): Promise<void> {
    const store = this.deps.store;
    if (!store) return this.saving;
    this.saving = this.saving.then(() => store.save(snapshot)).catch(() => undefined);
    return this.saving;
  }
}

export function describeTab(tab: ShellTab): ShellTabInfo {
  return {
    tabId: tab.id,
    instanceKey: tab.instanceKey,
    title: tab.title,
    instanceId: tab.target.instanceId,
    platform: tab.target.platform,
    status: tab.status,
  };
}
