import { useCallback, useEffect, useState } from 'react';
import type { ChannelArg, ChannelName, ChannelResult, EventName, EventPayload, IpcError } from '../../../preload/contract';
import { toIpcError } from '../ipc-error';
import { api } from '../api';

export interface CallState<T> {
  data: T | undefined;
  error: IpcError | undefined;
  loading: boolean;
  reload: () => void;
}

export { toIpcError };

/** Calls a channel on mount (and on reload); errors are returned to be shown where they happen. */
export function useCall<C extends ChannelName>(channel: C, arg: ChannelArg<C>, key = ''): CallState<ChannelResult<C>> {
  const [state, setState] = useState<{ data?: ChannelResult<C>; error?: IpcError; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  // Keyed by value so a new object literal each render does not refetch; undefined stays undefined.
  const argKey = arg === undefined ? '' : JSON.stringify(arg);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api.call(channel, (argKey === '' ? undefined : JSON.parse(argKey)) as ChannelArg<C>).then(
      (data) => live && setState({ data, loading: false }),
      (err: unknown) => live && setState({ error: toIpcError(err), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [channel, argKey, key, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function useEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): void {
  useEffect(() => api.on(event, listener), [event, listener]);
}
