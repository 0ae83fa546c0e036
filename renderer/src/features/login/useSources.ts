import { useCallback, useEffect, useState } from 'react';
import type { IpcError, SourceInfo } from '../../../../preload/contract';
import { api } from '../../api';
import { toIpcError, useEvent } from '../../hooks/useApi';

/** The sign-in sources, live: loaded once, then kept current by auth.changed. */
export function useSources(): { sources: SourceInfo[] | undefined; error: IpcError | undefined; reload: () => void } {
  const [sources, setSources] = useState<SourceInfo[]>();
  const [error, setError] = useState<IpcError>();
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    api.call('auth.sources', undefined).then(
      (list) => {
        if (!live) return;
        setSources(list);
        setError(undefined);
      },
      (err: unknown) => live && setError(toIpcError(err)),
    );
    return () => {
      live = false;
    };
  }, [generation]);
  useEvent(
    'auth.changed',
    useCallback(({ sources: next }: { sources: SourceInfo[] }) => setSources(next), []),
  );
  // Main asks for the sign-in page; in Electron this becomes shell.openExternal, in a browser a new tab
  // (a blocked pop-up is fine: the page link is on screen).
  useEvent(
    'auth.openUrl',
    useCallback(({ url }: { url: string }) => {
      window.open(url, '_blank', 'noopener');
    }, []),
  );
  return { sources, error, reload: useCallback(() => setGeneration((g) => g + 1), []) };
}
