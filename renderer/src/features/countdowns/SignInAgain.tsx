import { useState } from 'react';
import type { IpcError } from '../../../../preload/contract';
import { api } from '../../api';
import { toIpcError } from '../../hooks/useApi';
import { PendingCode } from '../login/LoginPanel';
import { useSources } from '../login/useSources';
import { ErrorNotice } from '../../shell/ErrorNotice';

/**
 * "Sign in again" for the source behind a tab or tunnel. Nothing is closed: the sessions keep
 * running on the service while the new sign-in is approved, and later reconnects use it.
 */
/** `compact`: a status line's room; the code to approve is then shown in the notification. */
export function SignInAgain({ sourceId, compact = false }: { sourceId: string; compact?: boolean }) {
  const { sources } = useSources();
  const [error, setError] = useState<IpcError>();
  const source = sources?.find((s) => s.id === sourceId);
  if (source?.pending && compact) return <span className="muted">Waiting for approval…</span>;
  if (source?.pending) return <PendingCode source={source} onCancel={() => void api.call('auth.cancel', { sourceId }).catch(() => undefined)} />;
  return (
    <>
      <button
        type="button"
        className="button small primary"
        disabled={source?.state === 'signing-in'}
        onClick={() => {
          setError(undefined);
          api.call('auth.signIn', { sourceId }).catch((err: unknown) => setError(toIpcError(err)));
        }}
      >
        Sign in again
      </button>
      {error && <ErrorNotice error={error} />}
    </>
  );
}
