/**
 * IPC channels and events of the inventory feature. Owned by that feature; assembled in preload/contract.ts.
 */
export const inventoryChannels = {} as const;

export const inventoryEvents = {} as const;
