import { useCallback, useEffect, useRef, useState } from 'react';
import type { IpcError, SessionRecord, SessionScopeResult } from '../../../../preload/contract';
import { api } from '../../api';
import { toIpcError, useEvent } from '../../hooks/useApi';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { onSessionsFocus, takeSessionsFocus } from './focus';
import { mergeScope, NO_FILTERS, ownerName, sessionTargets, shortTime, visibleSessions, type SessionFilters } from './model';
import './sessions.css';

interface Held {
  sessions: SessionRecord[];
  scopes: SessionScopeResult[];
}

const EMPTY: Held = { sessions: [], scopes: [] };
const LOCAL_LABEL = { tab: 'your tab', tunnel: 'your tunnel' } as const;

function StatusCell({ s }: { s: SessionRecord }) {
  const tone = s.state === 'Active' ? (s.status === 'Connected' ? 'ok' : 'warn') : s.status === 'Failed' ? 'bad' : 'muted';
  return (
    <span className={`session-status tone-${tone}`} data-testid="session-status">
      {s.status}
    </span>
  );
}

function SessionRow({ s, onTerminated }: { s: SessionRecord; onTerminated: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const terminate = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.call('sessions.terminate', { key: s.key });
      setConfirming(false);
      onTerminated();
    } catch (err) {
      setError(toIpcError(err));
    } finally {
      setBusy(false);
    }
  };
  const target = s.targetName ?? s.target;
  const canEnd = s.state === 'Active' && s.status !== 'Terminating';
  return (
    <>
      <tr data-testid="session-row" data-session-id={s.sessionId} aria-label={`${s.sessionId} on ${target}`}>
        <td>
          <StatusCell s={s} />
        </td>
        <td>
          <div className="session-target">{target}</div>
          {s.targetName && <div className="muted mono small">{s.target}</div>}
        </td>
        <td>
          {ownerName(s.owner)}
          {s.mine && <span className="session-badge">you</span>}
          {s.local && <span className="session-badge local">{LOCAL_LABEL[s.local.kind]}</span>}
        </td>
        <td className="col-document mono small">{s.documentName ?? '—'}</td>
        <td className="nowrap">{shortTime(s.startDate)}</td>
        <td className="nowrap">{shortTime(s.endDate)}</td>
        <td className="col-reason">{s.reason ?? ''}</td>
        <td className="nowrap small">
          {s.scope.accountName}
          <div className="muted">{s.scope.region}</div>
        </td>
        <td className="session-actions">
          {s.logs?.cloudWatch && (
            <a className="button small" href={s.logs.cloudWatch} target="_blank" rel="noopener noreferrer" aria-label={`CloudWatch log of ${s.sessionId}`} title="This session's log in the CloudWatch console">
              Log
            </a>
          )}
          {s.logs?.s3 && (
            <a className="button small" href={s.logs.s3} target="_blank" rel="noopener noreferrer" aria-label={`S3 log of ${s.sessionId}`} title="This session's log file in the S3 console">
              S3 log
            </a>
          )}
          {canEnd && (
            <button type="button" className="button small" aria-expanded={confirming} disabled={busy} onClick={() => setConfirming(true)} aria-label={`Terminate ${s.sessionId}`}>
              Terminate
            </button>
          )}
        </td>
      </tr>
      {(confirming || error) && (
        <tr className="session-detail-row">
          <td colSpan={9}>
            {confirming && (
              <div className="session-confirm" role="alertdialog" aria-label={`Terminate ${s.sessionId}?`} onKeyDown={(e) => e.key === 'Escape' && setConfirming(false)}>
                <span>
                  {s.local
                    ? `This is ${LOCAL_LABEL[s.local.kind]} “${s.local.label}”: it will be closed.`
                    : `End session ${s.sessionId} on ${target}? Whoever is connected to it is disconnected; it cannot be resumed.`}
                </span>
                <button type="button" className="button small danger" autoFocus disabled={busy} onClick={() => void terminate()}>
                  {s.local ? (s.local.kind === 'tab' ? 'Close tab' : 'Stop tunnel') : 'Terminate session'}
                </button>
                <button type="button" className="button small" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </div>
            )}
            {error && <ErrorNotice error={error} />}
          </td>
        </tr>
      )}
    </>
  );
}

/** Session Manager sessions, open and past, of every signed-in account-region. */
export function SessionsView() {
  const [held, setHeld] = useState<Held>(EMPTY);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [filters, setFilters] = useState<SessionFilters>(NO_FILTERS);
  const requestId = useRef('');

  const load = useCallback(async () => {
    const id = crypto.randomUUID();
    requestId.current = id;
    setHeld(EMPTY);
    setLoading(true);
    setError(null);
    try {
      const listing = await api.call('sessions.list', { requestId: id });
      if (requestId.current === id) setHeld(listing);
    } catch (err) {
      if (requestId.current === id) setError(toIpcError(err));
    } finally {
      if (requestId.current === id) setLoading(false);
    }
  }, []);

  useEvent(
    'sessions.scope',
    useCallback(({ requestId: id, result, sessions }) => {
      if (id === requestId.current) setHeld((h) => mergeScope(h, result, sessions));
    }, []),
  );
  useEffect(() => void load(), [load]);
  useEffect(() => {
    const focus = () => {
      const key = takeSessionsFocus();
      if (key) setFilters((f) => ({ ...f, instance: key }));
    };
    focus();
    return onSessionsFocus(focus);
  }, []);

  const shown = visibleSessions(held.sessions, filters);
  const targets = sessionTargets(held.sessions);
  // The focused instance stays pickable even when none of its sessions is listed yet.
  if (filters.instance && !targets.some((t) => t.key === filters.instance)) targets.unshift({ key: filters.instance, label: filters.instance.split('/').pop() ?? filters.instance });
  const failed = held.scopes.filter((r) => r.state === 'error');
  const answered = held.scopes.length;
  return (
    <section className="view sessions-view" aria-labelledby="sessions-title">
      <header className="sessions-header">
        <h1 id="sessions-title">Sessions</h1>
        <span className="muted" data-testid="sessions-progress">
          {loading ? `Asking every account-region… ${answered} answered` : `${shown.length} of ${held.sessions.length} sessions · ${answered} account-regions`}
        </span>
        <span className="spacer" />
        <button type="button" className="button" disabled={loading} onClick={() => void load()}>
          Refresh
        </button>
      </header>
      <div className="sessions-filters" role="group" aria-label="Filters">
        <label className="toggle">
          <input type="checkbox" checked={filters.mine} onChange={(e) => setFilters((f) => ({ ...f, mine: e.target.checked }))} />
          Mine
        </label>
        <label className="toggle">
          <input type="checkbox" checked={filters.activeOnly} onChange={(e) => setFilters((f) => ({ ...f, activeOnly: e.target.checked }))} />
          Active
        </label>
        <select aria-label="Instance" value={filters.instance} onChange={(e) => setFilters((f) => ({ ...f, instance: e.target.value }))}>
          <option value="">All instances</option>
          {targets.map((t) => (
            <option key={t.key} value={t.key}>
              {t.label}
            </option>
          ))}
        </select>
      </div>
      {error && <ErrorNotice error={error} onRetry={() => void load()} />}
      {failed.length > 0 && (
        <ul className="session-scope-errors" aria-label="Account-regions that failed">
          {failed.map((r) => (
            <li key={`${r.scope.sourceId}/${r.scope.accountId}/${r.scope.region}`}>
              <span className="scope-name">
                {r.scope.accountName} ({r.scope.accountId}) · {r.scope.region}
              </span>
              {r.error && <ErrorNotice error={r.error} />}
            </li>
          ))}
        </ul>
      )}
      <div className="sessions-table-wrap">
        <table className="sessions-table" aria-label="Sessions">
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Target</th>
              <th scope="col">Owner</th>
              <th scope="col" className="col-document">
                Document
              </th>
              <th scope="col">Started</th>
              <th scope="col">Ended</th>
              <th scope="col" className="col-reason">
                Reason
              </th>
              <th scope="col">Account</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((s) => (
              <SessionRow key={s.key} s={s} onTerminated={() => void load()} />
            ))}
          </tbody>
        </table>
        {!loading && shown.length === 0 && (
          <p className="muted sessions-empty">{held.sessions.length ? 'No session matches the filters.' : 'No sessions in the last 30 days in the signed-in account-regions.'}</p>
        )}
      </div>
    </section>
  );
}

