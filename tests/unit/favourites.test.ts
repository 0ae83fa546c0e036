import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { InstanceSummary } from '../../preload/contract/inventory';
import { AppStateStore } from '../../main/core/app-state';
import { trackTrayFavourites } from '../../main/core/favourites';
import { PreferencesStore } from '../../main/core/store/preferences';

const instance = (n: number): InstanceSummary =>
  ({ key: `src/111122223333/eu-west-1/i-${n}`, instanceId: `i-${n}`, name: `web-${n}`, accountName: 'prod', region: 'eu-west-1' }) as InstanceSummary;

describe('tray favourites', () => {
  it('follow the starred keys and the inventory, skipping instances the inventory does not hold', async () => {
    const preferences = new PreferencesStore(mkdtempSync(join(tmpdir(), 'bl-fav-')));
    const appState = new AppStateStore();
    const inventory = new EventEmitter();
    let instances = [instance(1)];
    let redraws = 0;
    appState.onChange(() => redraws++);
    const stop = trackTrayFavourites({ preferences, appState, find: (key) => instances.find((i) => i.key === key), onInventoryChange: (l) => (inventory.on('delta', l), () => inventory.off('delta', l)) });
    await preferences.setFavourite(instance(2).key, true);
    await preferences.setFavourite(instance(1).key, true);
    expect(appState.get().favouriteInstances).toEqual([{ key: instance(1).key, label: 'web-1', detail: 'prod · eu-west-1' }]);
    instances = [instance(1), instance(2)];
    inventory.emit('delta');
    expect(appState.get().favouriteInstances.map((f) => f.label)).toEqual(['web-2', 'web-1']);
    const before = redraws;
    inventory.emit('delta'); // nothing changed: the tray is not redrawn
    expect(redraws).toBe(before);
    stop();
  });
});
