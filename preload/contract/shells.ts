/**
 * IPC channels and events of the shells feature. Owned by that feature; assembled in preload/contract.ts.
 */
export const shellsChannels = {} as const;

export const shellsEvents = {} as const;
