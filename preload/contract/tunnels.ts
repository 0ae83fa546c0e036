/**
 * IPC channels and events of the tunnels feature. Owned by that feature; assembled in preload/contract.ts.
 */
export const tunnelsChannels = {} as const;

export const tunnelsEvents = {} as const;
