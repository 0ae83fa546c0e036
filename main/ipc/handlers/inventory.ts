import type { inventoryChannels } from '../../../preload/contract/inventory';
import type { Handlers } from '../dispatch';
import type { HostContext } from '../host';

type InventoryHandlers = Pick<Handlers, keyof typeof inventoryChannels>;

/** The inventory feature's rows of the dispatch table; scan progress goes out as inventory.delta. */
export function inventoryHandlers(host: Pick<HostContext, 'core' | 'events' | 'streams'>): InventoryHandlers {
  const inventory = host.core.inventory;
  inventory.onDelta((delta) => host.events.emit('inventory.delta', delta));
  return {
    'inventory.snapshot': () => inventory.snapshot(),
    'inventory.refresh': () => {
      const started = !inventory.running;
      void inventory.scan().catch(() => undefined);
      return { started };
    },
    'inventory.get': ({ key }) => inventory.get(key),
  };
}
