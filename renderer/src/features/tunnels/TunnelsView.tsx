import { useCallback, useEffect, useRef, useState } from 'react';
import type { IpcError, LaunchResult, TunnelProfile, TunnelProfileInput, TunnelStatusInfo } from '../../../../preload/contract';
import { api } from '../../api';
import { toIpcError, useCall, useEvent } from '../../hooks/useApi';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { LaunchNotice } from './LaunchNotice';
import { onTunnelDraft, takePendingDraft } from './drafts';
import { ProfileDialog } from './ProfileDialog';
import { ago, formatBytes, formatRate, tunnelDisplay } from './tunnel-display';
import { doctorSubject, openDoctor } from '../doctor/doctor-store';
import './tunnels.css';
import { useCountdowns } from '../countdowns/countdown-store';
import { CountdownLine } from '../countdowns/CountdownLine';

const KIND_LABEL: Record<TunnelProfile['kind'], string> = { rdp: 'RDP', postgres: 'PostgreSQL', mysql: 'MySQL', custom: 'Port' };

function TunnelRow({ profile, status, onEdit, onError }: { profile: TunnelProfile; status: TunnelStatusInfo | undefined; onEdit: () => void; onError: (e: IpcError | null) => void }) {
  const unsaved = Boolean(status?.unsaved);
  const [busy, setBusy] = useState(false);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [notice, setNotice] = useState<LaunchResult | null>(null);
  // A start (or launch) that failed offers the connectivity doctor on the row.
  const [startFailed, setStartFailed] = useState(false);
  const diagnose = () => openDoctor({ request: { tunnelProfileId: profile.id }, subject: doctorSubject(profile.name, profile.remoteHost ? 'remote-port' : profile.kind === 'rdp' ? 'rdp' : 'port') });
  const run = async (fn: () => Promise<unknown>, opening = false) => {
    setBusy(true);
    onError(null);
    if (opening) setStartFailed(false);
    try {
      await fn();
    } catch (err) {
      onError(toIpcError(err));
      if (opening) setStartFailed(true);
    } finally {
      setBusy(false);
    }
  };
  const display = status ? tunnelDisplay(status) : undefined;
  const countdowns = useCountdowns();
  const address = status ? `${status.bindAddress}:${status.localPort}` : profile.localPort ? `${profile.bindAddress}:${profile.localPort}` : `${profile.bindAddress}:auto`;
  const target = profile.target.type === 'instance' ? profile.target.instanceId : 'tag query';
  return (
    <li className={`tunnel-row${display ? ` tone-${display.tone}` : ''}`} data-profile-id={profile.id} aria-label={profile.name}>
      <div className="tunnel-main">
        <div className="tunnel-title">
          <span className="tunnel-kind">{KIND_LABEL[profile.kind]}</span>
          <span className="tunnel-name">{profile.name}</span>
          {profile.pinned && <span className="badge">Pinned</span>}
          {unsaved && <span className="badge" title="Connect once: gone when stopped unless you save it">Not saved</span>}
        </div>
        <div className="tunnel-route muted">
          <span className="mono">{address}</span> → {profile.remoteHost ? `${profile.remoteHost}:${profile.remotePort} via ${target}` : `${target}:${profile.remotePort}`} · {profile.region}
        </div>
        {status && display && (
          <div className="tunnel-stats" data-testid="tunnel-stats">
            <span className={`tunnel-state tone-${display.tone}`} data-testid="tunnel-state" data-state={display.state}>
              {display.label}
            </span>
            <span>{status.mode === 'mux' ? `${status.sessions} session${status.sessions === 1 ? '' : 's'} (mux)` : status.mode === 'basic' ? `${status.sessions} basic session${status.sessions === 1 ? '' : 's'}` : ''}</span>
            <span>
              {status.counters.connectionsTotal} conn. total{status.counters.connectionsFailed > 0 ? `, ${status.counters.connectionsFailed} failed` : ''}
            </span>
            <span title="sent to the instance">
              ↑ {formatBytes(status.counters.bytesUp)} · {formatRate(status.counters.throughputUp)}
            </span>
            <span title="received from the instance">
              ↓ {formatBytes(status.counters.bytesDown)} · {formatRate(status.counters.throughputDown)}
            </span>
            {status.counters.reconnects > 0 && <span>{status.counters.reconnects} reconnects</span>}
            <CountdownLine item={countdowns.byId.get(profile.id)} now={countdowns.now} />
          </div>
        )}
        {display?.error && (
          <div className={`tunnel-last-error${display.error.current ? '' : ' recovered'}`} data-testid="tunnel-last-error">
            {display.error.current ? '' : 'Earlier: '}
            {display.error.message}
            {status?.lastErrorAt ? <span className="muted"> ({ago(status.lastErrorAt, Date.now())})</span> : null}
            {display.error.current && status?.lastErrorKind !== 'destination' && (
              <button type="button" className="button small" onClick={diagnose}>
                Why can&apos;t I connect?
              </button>
            )}
          </div>
        )}
        {startFailed && !status && (
          <div className="tunnel-last-error" data-testid="tunnel-start-failed">
            The tunnel did not start.{' '}
            <button type="button" className="button small" onClick={diagnose}>
              Why can&apos;t I connect?
            </button>
          </div>
        )}
        {notice && <LaunchNotice result={notice} onDismiss={() => setNotice(null)} />}
      </div>
      <div className="tunnel-actions">
        {status ? (
          <button type="button" className="button" disabled={busy} onClick={() => void run(() => api.call('tunnels.stop', { id: profile.id }))}>
            Stop
          </button>
        ) : (
          <button type="button" className="button" disabled={busy} onClick={() => void run(() => api.call('tunnels.start', { profileId: profile.id }), true)}>
            Start
          </button>
        )}
        <button
          type="button"
          className="button primary"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              setNotice(await api.call('tunnels.launch', { id: profile.id }));
            }, true)
          }
        >
          {profile.kind === 'rdp' ? 'Connect' : 'Open client'}
        </button>
        {unsaved ? (
          <button type="button" className="button" disabled={busy} onClick={() => void run(() => api.call('tunnels.saveOnce', { id: profile.id }))}>
            Save profile
          </button>
        ) : (
          <>
            <button type="button" className="button" disabled={busy} onClick={onEdit}>
              Edit
            </button>
            <button type="button" className="button" aria-label={`Delete ${profile.name}`} aria-expanded={confirmingDelete} disabled={busy} onClick={() => setConfirmingDelete(true)}>
              Delete
            </button>
          </>
        )}
      </div>
      {confirmingDelete && (
        <div
          className="tunnel-confirm"
          role="alertdialog"
          aria-label={`Delete ${profile.name}?`}
          aria-describedby={`confirm-${profile.id}`}
          onKeyDown={(e) => e.key === 'Escape' && setConfirmingDelete(false)}
        >
          <span id={`confirm-${profile.id}`}>
            Delete the profile “{profile.name}”?{' '}
            {status ? <strong>Its tunnel on {status.bindAddress}:{status.localPort} is running and will be stopped{status.counters.connectionsActive > 0 ? `, closing ${status.counters.connectionsActive} open connection${status.counters.connectionsActive === 1 ? '' : 's'}` : ''}.</strong> : 'This cannot be undone (Export keeps a copy).'}
          </span>
          <button
            type="button"
            className="button danger"
            autoFocus
            disabled={busy}
            onClick={() => void run(() => api.call('tunnels.profiles.delete', { id: profile.id })).then(() => setConfirmingDelete(false))}
          >
            {status ? 'Stop and delete' : 'Delete'}
          </button>
          <button type="button" className="button" onClick={() => setConfirmingDelete(false)}>
            Cancel
          </button>
        </div>
      )}
    </li>
  );
}

/** Saved tunnel profiles with the live state of the running ones. */
export function TunnelsView() {
  const profilesCall = useCall('tunnels.profiles.list', undefined);
  const tunnelsCall = useCall('tunnels.list', undefined);
  const [profiles, setProfiles] = useState<TunnelProfile[] | null>(null);
  const [tunnels, setTunnels] = useState<TunnelStatusInfo[]>([]);
  const [dialog, setDialog] = useState<(Partial<TunnelProfileInput> & { id?: string }) | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const importInput = useRef<HTMLInputElement>(null);

  useEffect(() => profilesCall.data && setProfiles(profilesCall.data.profiles), [profilesCall.data]);
  useEffect(() => tunnelsCall.data && setTunnels(tunnelsCall.data.tunnels), [tunnelsCall.data]);
  useEvent('tunnels.profilesChanged', useCallback(({ profiles: next }) => setProfiles(next), []));
  useEvent('tunnels.changed', useCallback(({ tunnels: next }) => setTunnels(next), []));
  useEffect(() => {
    const open = () => {
      const draft = takePendingDraft();
      if (draft) setDialog(draft);
    };
    open();
    return onTunnelDraft(open);
  }, []);

  const exportAll = async () => {
    try {
      const { json } = await api.call('tunnels.profiles.export', {});
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
      link.download = 'bastionless-tunnels.json';
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (err) {
      setError(toIpcError(err));
    }
  };
  const importFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      await api.call('tunnels.profiles.import', { json: await file.text() });
    } catch (err) {
      setError(toIpcError(err));
    }
  };

  const statusById = new Map(tunnels.map((t) => [t.id, t]));
  const unsaved = tunnels.flatMap((status) => (status.unsaved ? [{ status, profile: status.unsaved }] : []));
  const loadError = profilesCall.error;
  return (
    <section className="view tunnels-view" aria-labelledby="tunnels-title">
      <header className="tunnels-header">
        <h1 id="tunnels-title">Tunnels</h1>
        <span className="muted">{tunnels.length === 0 ? 'None running' : `${tunnels.length} running`}</span>
        <span className="spacer" />
        <button type="button" className="button" onClick={() => importInput.current?.click()}>
          Import…
        </button>
        <input ref={importInput} type="file" accept="application/json,.json" hidden onChange={(e) => void importFile(e.target.files?.[0])} />
        <button type="button" className="button" disabled={!profiles?.length} onClick={() => void exportAll()}>
          Export
        </button>
        <button type="button" className="button primary" onClick={() => setDialog({})}>
          New tunnel…
        </button>
      </header>
      {loadError && <ErrorNotice error={loadError} onRetry={profilesCall.reload} />}
      {error && <ErrorNotice error={error} />}
      {unsaved.length > 0 && (
        <ul className="tunnel-list" aria-label="Connected once">
          {unsaved.map(({ status, profile }) => (
            <TunnelRow key={status.id} profile={profile} status={status} onEdit={() => undefined} onError={setError} />
          ))}
        </ul>
      )}
      {profiles && profiles.length === 0 && unsaved.length === 0 && (
        <p className="muted empty-tunnels">No saved tunnels yet. Right-click an instance and choose “Forward port…”, “PostgreSQL…”, “MySQL…” or “RDP”, or create one with New tunnel….</p>
      )}
      {profiles && profiles.length > 0 && (
        <ul className="tunnel-list" aria-label="Tunnel profiles">
          {profiles.map((p) => (
            <TunnelRow key={p.id} profile={p} status={statusById.get(p.id)} onEdit={() => setDialog(p)} onError={setError} />
          ))}
        </ul>
      )}
      {dialog && <ProfileDialog initial={dialog} onClose={() => setDialog(null)} onSaved={() => setDialog(null)} />}
    </section>
  );
}
