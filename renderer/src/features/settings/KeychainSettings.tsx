import { useEffect, useState } from 'react';
import type { IpcError, KeychainState } from '../../../../preload/contract';
import { api } from '../../api';
import { toIpcError } from '../../ipc-error';
import { ErrorNotice } from '../../shell/ErrorNotice';

const CHOICES = [
  { value: 'os', label: 'The OS keychain (recommended)' },
  { value: 'file', label: 'A file in the data folder, readable only by you' },
] as const;

/**
 * Where the token file's key is kept. The file is for machines without a keychain; it is as safe
 * as the AWS CLI's token cache (file permissions), which the text says where the choice is made.
 */
export function KeychainSettings() {
  const [state, setState] = useState<KeychainState>();
  const [error, setError] = useState<IpcError>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api.call('auth.keychain', undefined).then(setState, (err: unknown) => setError(toIpcError(err)));
  }, []);
  const choose = (choice: 'os' | 'file') => {
    setBusy(true);
    api
      .call('auth.setKeychain', { choice })
      .then(
        (next) => {
          setState(next);
          setError(undefined);
        },
        (err: unknown) => setError(toIpcError(err)),
      )
      .finally(() => setBusy(false));
  };
  return (
    <fieldset className="field-group" aria-describedby="keychain-where">
      <legend>Sign-in key</legend>
      {error && <ErrorNotice error={error} />}
      {state && (
        <>
          <p className="muted" id="keychain-where" data-testid="keychain-where">
            Your sign-in is kept in an encrypted file; its key is in {state.where}.
          </p>
          {state.problem && <ErrorNotice error={state.problem} />}
          {state.choice === 'memory' ? (
            <p className="muted">This run (the demo) forgets its sign-in when it stops.</p>
          ) : (
            CHOICES.map((c) => (
              <label key={c.value} className="radio">
                <input type="radio" name="keychain" value={c.value} checked={state.choice === c.value} disabled={busy} onChange={() => choose(c.value)} />
                {c.label}
              </label>
            ))
          )}
          {state.choice === 'file' && (
            <p className="muted small">Anyone who can read your files (or a backup of them) can use this sign-in until it expires, as with the AWS CLI’s ~/.aws/sso/cache. The command line uses the same choice.</p>
          )}
        </>
      )}
    </fieldset>
  );
}
