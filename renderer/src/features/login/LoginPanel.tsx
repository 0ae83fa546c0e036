import './login.css';
import { useEffect, useState, type FormEvent } from 'react';
import type { IpcError, SourceInfo } from '../../../../preload/contract';
import { api } from '../../api';
import { toIpcError } from '../../hooks/useApi';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { closeAll, describeImpact, signOutImpact, type SignOutImpact } from './sign-out-impact';

const stateLabel: Record<SourceInfo['state'], string> = {
  'signed-in': 'Signed in',
  'signed-out': 'Signed out',
  'signing-in': 'Waiting for approval…',
  expired: 'Session expired',
  error: 'Error',
};

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/** The user code as the person must type it, with a copy button and the page to approve it on. */
export function PendingCode({ source, onCancel }: { source: SourceInfo; onCancel: () => void }) {
  const pending = source.pending!;
  const [copied, setCopied] = useState(false);
  const now = useNow(true);
  const left = Math.max(0, Math.round((pending.expiresAt - now) / 1000));
  const copy = async () => {
    if (!pending.userCode) return;
    await navigator.clipboard.writeText(pending.userCode).catch(() => undefined);
    setCopied(true);
  };
  return (
    <div className="pending-code" aria-live="polite">
      {pending.userCode ? (
        <>
          <div className="muted">Approve this code in your browser:</div>
          <div className="code-row">
            <code className="user-code" data-testid="user-code">
              {pending.userCode}
            </code>
            <button type="button" className="button small" onClick={() => void copy()}>
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        </>
      ) : (
        <div className="muted">Finish signing in in your browser.</div>
      )}
      <div className="code-actions">
        <a className="button primary" href={pending.verificationUrl} target="_blank" rel="noopener noreferrer" data-testid="verification-link">
          Open sign-in page
        </a>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <span className="muted small">
          expires in {Math.floor(left / 60)}:{String(left % 60).padStart(2, '0')}
        </span>
      </div>
    </div>
  );
}

/** A question asked in place (not a modal): the first action has the focus, Escape or Cancel backs out. */
function InlineConfirm({ id, label, text, actions, onCancel }: { id: string; label: string; text: string; actions: Array<{ label: string; danger?: boolean; run: () => void }>; onCancel: () => void }) {
  return (
    <div className="source-confirm" role="alertdialog" aria-label={label} aria-describedby={id} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <span id={id}>{text}</span>
      <div className="settings-actions">
        {actions.map((a, n) => (
          <button key={a.label} type="button" className={`button${a.danger ? ' danger' : ''}`} autoFocus={n === 0} onClick={a.run}>
            {a.label}
          </button>
        ))}
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

type Confirming = { kind: 'sign-out'; impact: SignOutImpact } | { kind: 'remove' } | null;

function SourceCard({ source, manage, onError }: { source: SourceInfo; manage: boolean; onError: (e: IpcError | undefined) => void }) {
  const [confirming, setConfirming] = useState<Confirming>(null);
  const run = (p: Promise<unknown>) =>
    p.then(
      () => onError(undefined),
      (err: unknown) => onError(toIpcError(err)),
    );
  const signIn = () => run(api.call('auth.signIn', { sourceId: source.id }));
  const doSignOut = (close?: SignOutImpact) => run((close ? closeAll(close) : Promise.resolve()).then(() => api.call('auth.signOut', { sourceId: source.id }))).then(() => setConfirming(null));
  // Open shells and tunnels are the user's work: ask before cutting them off, never silently.
  const signOut = () =>
    run(
      signOutImpact(source).then((impact) => {
        if (impact.tabIds.length || impact.tunnels.length) setConfirming({ kind: 'sign-out', impact });
        else return doSignOut();
      }),
    );
  const remove = () => run(api.call('auth.removeSource', { sourceId: source.id })).then(() => setConfirming(null));
  const cancel = () => run(api.call('auth.cancel', { sourceId: source.id }));
  // No keychain on this machine: the same way out as `bastionless login --keychain file`.
  const signInWithKeyFile = () => run(api.call('auth.setKeychain', { choice: 'file' }).then(() => api.call('auth.signIn', { sourceId: source.id })));
  const noKeychain = source.error?.code === 'keychain-unavailable';
  const signedIn = source.state === 'signed-in';
  return (
    <li className={`source-card state-${source.state}`} data-testid={`source-${source.id}`} aria-label={`Source ${source.label}`}>
      <div className="source-head">
        <span className={`dot ${signedIn ? 'ok' : source.state === 'signing-in' ? 'warn' : 'bad'}`} aria-hidden="true" />
        <div className="source-title">
          <strong>{source.label}</strong>
          <span className="muted small">
            {source.kind === 'sso' ? `${source.startUrl ?? ''} · ${source.region ?? ''}` : `AWS profile${source.region ? ` · ${source.region}` : ''}`}
            {manage && (source.origin === 'app' ? ' · added in Bastionless' : ' · from ~/.aws/config')}
          </span>
        </div>
        <span className="source-state" data-testid="source-state">
          {stateLabel[source.state]}
        </span>
        {source.kind === 'sso' && source.state !== 'signing-in' && (
          <>
            {manage && signedIn && (
              <button type="button" className="button" onClick={() => void signIn()}>
                Sign in again
              </button>
            )}
            <button type="button" className={`button${signedIn ? '' : ' primary'}`} aria-expanded={confirming?.kind === 'sign-out' ? true : undefined} onClick={() => void (signedIn ? signOut() : signIn())}>
              {signedIn ? 'Sign out' : 'Sign in'}
            </button>
          </>
        )}
        {manage && source.origin === 'app' && (
          <button type="button" className="button" aria-label={`Remove ${source.label}`} aria-expanded={confirming?.kind === 'remove'} onClick={() => setConfirming({ kind: 'remove' })}>
            Remove
          </button>
        )}
      </div>
      {confirming?.kind === 'sign-out' && (
        <InlineConfirm
          id={`confirm-${source.id}`}
          label={`Sign out of ${source.label}?`}
          text={`${describeImpact(confirming.impact)} ${confirming.impact.tabIds.length + confirming.impact.tunnels.length === 1 ? 'is' : 'are'} open through ${source.label}. Kept open, they work until their role credentials expire but cannot reconnect.`}
          actions={[
            { label: 'Close them and sign out', danger: true, run: () => void doSignOut(confirming.impact) },
            { label: 'Keep them open and sign out', run: () => void doSignOut() },
          ]}
          onCancel={() => setConfirming(null)}
        />
      )}
      {confirming?.kind === 'remove' && (
        <InlineConfirm
          id={`confirm-${source.id}`}
          label={`Remove ${source.label}?`}
          text={`Remove ${source.label}? Bastionless forgets its start URL, its sign-in and the instances found through it. You can add it again at any time.`}
          actions={[{ label: 'Remove', danger: true, run: () => void remove() }]}
          onCancel={() => setConfirming(null)}
        />
      )}
      {source.pending && <PendingCode source={source} onCancel={() => void cancel()} />}
      {source.error && source.state !== 'signing-in' && <ErrorNotice error={source.error} />}
      {noKeychain && source.state !== 'signing-in' && (
        <div className="settings-actions">
          <button type="button" className="button" onClick={() => void signInWithKeyFile()}>
            Keep the key in a file and sign in
          </button>
          <span className="muted small">A 0600 file in the data folder, like the AWS CLI’s token cache; change it in Settings.</span>
        </div>
      )}
    </li>
  );
}

function AddSource({ onError }: { onError: (e: IpcError | undefined) => void }) {
  const [startUrl, setStartUrl] = useState('');
  const [region, setRegion] = useState('us-east-1');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    api.call('auth.addSource', { startUrl: startUrl.trim(), region: region.trim() }).then(
      () => {
        setStartUrl('');
        onError(undefined);
      },
      (err: unknown) => onError(toIpcError(err)),
    );
  };
  return (
    <form className="add-source" onSubmit={submit} aria-label="Add an IAM Identity Center start URL">
      <input type="url" required placeholder="https://my-org.awsapps.com/start" value={startUrl} onChange={(e) => setStartUrl(e.target.value)} aria-label="Start URL" />
      <input required value={region} onChange={(e) => setRegion(e.target.value)} aria-label="Identity Center region" size={12} />
      <button type="submit" className="button">
        Add
      </button>
    </form>
  );
}

/**
 * Sign-in: every source (sso-sessions, legacy SSO profiles, plain profiles) with its state.
 * `manage` (Settings) also offers Sign in again, Remove and the add form at all times.
 */
export function LoginPanel({ sources, compact, manage = false }: { sources: SourceInfo[]; compact: boolean; manage?: boolean }) {
  const [error, setError] = useState<IpcError>();
  return (
    <section className={`login-panel${compact ? ' compact' : ''}`} aria-labelledby="login-title">
      <h2 id="login-title">{compact ? 'Sources' : 'Sign in to see your instances'}</h2>
      {!compact && <p className="muted">Sign in once with IAM Identity Center: Bastionless lists every account, role and region you can reach.</p>}
      {sources.length === 0 && <p className="muted">No sources in ~/.aws/config yet. Add your IAM Identity Center start URL:</p>}
      <ul className="source-list">
        {sources.map((s) => (
          <SourceCard key={s.id} source={s} manage={manage} onError={setError} />
        ))}
      </ul>
      {error && <ErrorNotice error={error} />}
      {(manage || !compact || sources.length === 0) && <AddSource onError={setError} />}
    </section>
  );
}
