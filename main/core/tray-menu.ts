import { describeCutAt, localClockTime, needsSignIn, type CountdownsInfo, type CutInfo, type InstanceSummary, type TrayMenu, type TrayMenuItem } from '../../preload/contract';

/**
 * What the tray shows, as plain data derived from app state. Electron turns it into a native
 * menu; the web host shows it as the quick-connect popover. Keeping it pure means the whole
 * menu logic is unit-tested without Electron.
 */

export interface TrayProfile {
  id: string;
  name: string;
  kind: 'rdp' | 'postgres' | 'mysql' | 'custom' | 'ssh';
  pinned: boolean;
}

export interface TrayRecentInstance {
  key: string;
  label: string;
  /** e.g. "prod · eu-west-1" */
  detail: string;
}

/** An instance as the tray lists it (favourites and recents alike). */
export const trayInstance = (i: InstanceSummary): TrayRecentInstance => ({ key: i.key, label: i.name ?? i.instanceId, detail: `${i.accountName} · ${i.region}` });

export interface TrayActiveTunnel {
  id: string;
  name: string;
  localAddress: string;
  state: 'listening' | 'connecting' | 'reconnecting' | 'failed';
}

export interface TraySignIn {
  /** "signed-in" shows who; "expired" and "signed-out" offer sign-in. */
  state: 'signed-in' | 'signed-out' | 'expired' | 'signing-in';
  label?: string;
}

/** A tab or tunnel whose countdown warns (main/core/countdown): AWS cuts it soon. */
export interface TrayEndingSoon {
  /** The tab id or the tunnel's profile id. */
  id: string;
  kind: 'tab' | 'tunnel';
  label: string;
  sourceId: string;
  cut: CutInfo;
}

/** The countdowns' warnings, as the tray keeps them. */
export function trayEndingSoon(info: CountdownsInfo): TrayEndingSoon[] {
  return info.items.flatMap((i) => (i.warning ? [{ id: i.id, kind: i.kind, label: i.label, sourceId: i.sourceId, cut: i.warning }] : []));
}

export interface TrayState {
  signIn: TraySignIn;
  profiles: TrayProfile[];
  /** Instances the user starred (preferences), in the order they were starred. */
  favouriteInstances: TrayRecentInstance[];
  recentInstances: TrayRecentInstance[];
  activeTunnels: TrayActiveTunnel[];
  endingSoon: TrayEndingSoon[];
}

export interface TrayMenuOptions {
  now?: number;
  /** Clock time for "Closes at 13:05"; the user's locale by default. */
  clock?: (epochMs: number) => string;
}

/**
 * A native menu is not redrawn every minute, so the entry names the clock time of the cut. A
 * sign-in cut is fixed by signing in again, which the entry does; the others show the tab or tunnel.
 */
function endingSoonItem(e: TrayEndingSoon, now: number, clock: (epochMs: number) => string): TrayMenuItem {
  const id = needsSignIn(e.cut) ? `signin.source:${e.sourceId}` : e.kind === 'tab' ? `tab.show:${e.id}` : `tunnel.show:${e.id}`;
  const words = describeCutAt(e.cut, now, e.kind, clock);
  return action(id, e.label, needsSignIn(e.cut) ? `${words} — sign in again` : words);
}

/** Most items a tray menu shows before the rest goes behind "More…" (long menus are unusable). */
export const TRAY_MAX_ITEMS = 15;

const separator = (id: string): TrayMenuItem => ({ id, label: '', kind: 'separator', enabled: false });
const header = (id: string, label: string): TrayMenuItem => ({ id, label, kind: 'header', enabled: false });
const action = (id: string, label: string, detail?: string, enabled = true): TrayMenuItem => ({
  id,
  label,
  kind: 'action',
  enabled,
  ...(detail ? { detail } : {}),
});

const tunnelStateLabel: Record<TrayActiveTunnel['state'], string> = {
  listening: 'listening',
  connecting: 'connecting…',
  reconnecting: 'reconnecting…',
  failed: 'failed',
};

function signInItem(signIn: TraySignIn): TrayMenuItem {
  switch (signIn.state) {
    case 'signed-in':
      return action('signin.status', `Signed in${signIn.label ? ` as ${signIn.label}` : ''}`, undefined, false);
    case 'signing-in':
      return action('signin.status', 'Signing in…', undefined, false);
    case 'expired':
      return action('signin.start', 'Session expired — sign in again');
    case 'signed-out':
      return action('signin.start', 'Sign in…');
  }
}

export function buildTrayMenu(state: TrayState, options: TrayMenuOptions = {}): TrayMenu {
  // Connect items compete for the limited space: what AWS is about to cut first (it cannot wait),
  // pinned profiles (the user chose them), then favourite instances, then recent ones (not already
  // listed as favourites), then active tunnels. Fixed items (sign-in, open, quit) always show.
  const now = options.now ?? Date.now();
  const clock = options.clock ?? localClockTime;
  const pinned = state.profiles.filter((p) => p.pinned);
  const favourite = new Set(state.favouriteInstances.map((f) => f.key));
  const shell = (r: TrayRecentInstance) => action(`instance.shell:${r.key}`, r.label, r.detail);
  const sections = [
    { id: 'section.ending', title: 'Ending soon', entries: state.endingSoon.map((e) => endingSoonItem(e, now, clock)) },
    { id: 'section.pinned', title: 'Pinned', entries: pinned.map((p) => action(`profile.start:${p.id}`, p.name, p.kind.toUpperCase())) },
    { id: 'section.favourites', title: 'Favourites', entries: state.favouriteInstances.map(shell) },
    { id: 'section.recent', title: 'Recent instances', entries: state.recentInstances.filter((r) => !favourite.has(r.key)).map(shell) },
    {
      id: 'section.tunnels',
      title: 'Active tunnels',
      entries: state.activeTunnels.map((t) => action(`tunnel.stop:${t.id}`, `Stop ${t.name}`, `${t.localAddress} · ${tunnelStateLabel[t.state]}`)),
    },
  ].filter((section) => section.entries.length > 0);

  // Rows always present: separator, sign-in, separator, open, quit.
  const available = TRAY_MAX_ITEMS - 5;
  const wanted = sections.reduce((rows, section) => rows + 1 + section.entries.length, 0);
  // When everything does not fit, one row goes to "More…".
  let budget = wanted <= available ? available : available - 1;
  const items: TrayMenuItem[] = [];
  const overflow: TrayMenuItem[] = [];
  for (const section of sections) {
    // A header is only worth a row if at least one entry follows it.
    const shown = budget >= 2 ? section.entries.slice(0, budget - 1) : [];
    if (shown.length > 0) {
      items.push(header(section.id, section.title), ...shown);
      budget -= 1 + shown.length;
    }
    overflow.push(...section.entries.slice(shown.length));
  }

  if (overflow.length > 0) {
    items.push({ id: 'more', label: `More… (${overflow.length})`, kind: 'submenu', enabled: true, items: overflow });
  }
  if (items.length > 0) items.push(separator('sep.quick'));
  items.push(signInItem(state.signIn));
  items.push(separator('sep.app'));
  items.push(action('app.open', 'Open Bastionless'));
  items.push(action('app.quit', 'Quit'));

  const tunnels = state.activeTunnels.length;
  const ending = state.endingSoon.length;
  const tooltip = `Bastionless — ${tunnels === 0 ? 'no active tunnels' : `${tunnels} active tunnel${tunnels === 1 ? '' : 's'}`}${ending ? ` · ${ending} ending soon` : ''}`;
  return { tooltip, items };
}
