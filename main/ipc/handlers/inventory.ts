import type { inventoryChannels } from '../../../preload/contract/inventory';
import type { Handlers } from '../dispatch';
import type { HostContext } from '../host';

type InventoryHandlers = Pick<Handlers, keyof typeof inventoryChannels>;

/** The inventory feature's rows of the dispatch table. */
export function inventoryHandlers(_host: Pick<HostContext, 'core' | 'events' | 'streams'>): InventoryHandlers {
  return {};
}
