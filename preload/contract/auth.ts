/**
 * IPC channels and events of the auth feature. Owned by that feature; assembled in preload/contract.ts.
 */
export const authChannels = {} as const;

export const authEvents = {} as const;
