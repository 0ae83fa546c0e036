import type { InstanceSummary } from '../../preload/contract/inventory';
import type { AppStateStore } from './app-state';
import type { PreferencesStore } from './store/preferences';
import { trayInstance, type TrayRecentInstance } from './tray-menu';

/**
 * Keeps the tray's (and quick connect's) "Favourites" section in step with the starred keys in
 * the preferences and with what the inventory knows about them. A starred instance the inventory
 * does not hold (terminated, or not loaded yet) is left out rather than shown as a dead item.
 */
export function favouritesForTray(keys: readonly string[], lookup: (key: string) => InstanceSummary | undefined): TrayRecentInstance[] {
  return keys.flatMap((key) => {
    const found = lookup(key);
    return found ? [trayInstance(found)] : [];
  });
}

export function trackTrayFavourites(options: {
  preferences: PreferencesStore;
  appState: AppStateStore;
  /** The inventory's lookup by key (deltas arrive every few ms during a scan: no fleet-wide work per delta). */
  find: (key: string) => InstanceSummary | undefined;
  onInventoryChange: (listener: () => void) => () => void;
}): () => void {
  let shown = '';
  const refresh = () => {
    const next = favouritesForTray(options.preferences.current().preferences.favourites, options.find);
    const text = JSON.stringify(next);
    // Inventory deltas arrive every few milliseconds during a scan: redraw the tray only on a change.
    if (text === shown) return;
    shown = text;
    options.appState.update({ favouriteInstances: next });
  };
  const offPrefs = options.preferences.onChange(refresh);
  const offInventory = options.onInventoryChange(refresh);
  void options.preferences.load().then(refresh, () => undefined);
  return () => {
    offPrefs();
    offInventory();
  };
}
