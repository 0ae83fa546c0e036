import { useRef, useState, type FormEvent } from 'react';
import type { IpcError, LauncherClient, TunnelKind, TunnelProfile, TunnelProfileInput } from '../../../../preload/contract';
import { DEFAULT_REMOTE_PORTS, isExposedBindAddress } from '../../../../preload/contract';
import { api } from '../../api';
import { toIpcError } from '../../hooks/useApi';
import { useModalFocus } from '../../hooks/useModalFocus';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { InstancePicker } from './InstancePicker';
import { draftFromInstance } from './drafts';

const KINDS: Array<{ id: TunnelKind; label: string }> = [
  { id: 'rdp', label: 'RDP' },
  { id: 'postgres', label: 'PostgreSQL' },
  { id: 'mysql', label: 'MySQL' },
  { id: 'custom', label: 'Custom port' },
];

const CLIENTS: Record<TunnelKind, LauncherClient[]> = {
  rdp: ['auto', 'mstsc', 'windows-app', 'xfreerdp', 'remmina', 'none'],
  postgres: ['auto', 'psql', 'dbeaver', 'tableplus', 'custom', 'none'],
  mysql: ['auto', 'mysql', 'dbeaver', 'tableplus', 'custom', 'none'],
  custom: ['auto', 'custom', 'none'],
};

interface Form {
  name: string;
  kind: TunnelKind;
  instanceId: string;
  sourceType: 'sso' | 'profile';
  sourceName: string;
  accountId: string;
  roleName: string;
  region: string;
  remoteHost: string;
  remotePort: string;
  localPort: string;
  bindAddress: string;
  poolSize: string;
  client: LauncherClient;
  username: string;
  database: string;
  commandTemplate: string;
  pinned: boolean;
  autoStart: boolean;
}

function toForm(p: Partial<TunnelProfileInput>): Form {
  const source = p.source;
  return {
    name: p.name ?? '',
    kind: p.kind ?? 'rdp',
    instanceId: p.target?.type === 'instance' ? p.target.instanceId : '',
    sourceType: source?.type ?? 'sso',
    sourceName: source ? (source.type === 'sso' ? source.ssoSession : source.profile) : '',
    accountId: source?.accountId ?? '',
    roleName: source?.type === 'sso' ? source.roleName : '',
    region: p.region ?? '',
    remoteHost: p.remoteHost ?? '',
    remotePort: String(p.remotePort ?? DEFAULT_REMOTE_PORTS[p.kind ?? 'rdp']),
    localPort: String(p.localPort ?? 0),
    bindAddress: p.bindAddress ?? '127.0.0.1',
    poolSize: String(p.poolSize ?? 2),
    client: p.launcher?.client ?? 'auto',
    username: p.launcher?.username ?? '',
    database: p.launcher?.database ?? '',
    commandTemplate: p.launcher?.commandTemplate ?? '',
    pinned: p.pinned ?? false,
    autoStart: p.autoStart ?? false,
  };
}

function toInput(f: Form, id: string | undefined): TunnelProfileInput {
  const opt = (v: string) => (v.trim() ? v.trim() : undefined);
  return {
    ...(id ? { id } : {}),
    name: f.name,
    kind: f.kind,
    source: f.sourceType === 'sso' ? { type: 'sso', ssoSession: f.sourceName.trim(), accountId: f.accountId.trim(), roleName: f.roleName.trim() } : { type: 'profile', profile: f.sourceName.trim(), accountId: f.accountId.trim() },
    region: f.region.trim(),
    target: { type: 'instance', instanceId: f.instanceId.trim() },
    ...(opt(f.remoteHost) ? { remoteHost: opt(f.remoteHost) } : {}),
    remotePort: Number(f.remotePort),
    localPort: Number(f.localPort || 0),
    bindAddress: f.bindAddress.trim() || '127.0.0.1',
    poolSize: Number(f.poolSize || 2),
    launcher: {
      client: f.client,
      fullscreen: false,
      ...(opt(f.username) ? { username: opt(f.username) } : {}),
      ...(opt(f.database) ? { database: opt(f.database) } : {}),
      ...(opt(f.commandTemplate) ? { commandTemplate: opt(f.commandTemplate) } : {}),
    },
    pinned: f.pinned,
    autoStart: f.autoStart,
  };
}

/** "i-0abc · 111122223333 · AdministratorAccess · eu-west-1": where the tunnel goes, on the closed fold. */
function whereSummary(form: Form): string {
  const parts = [form.instanceId, form.accountId, form.sourceType === 'sso' ? form.roleName : form.sourceName, form.region].map((p) => p.trim()).filter(Boolean);
  return parts.length ? parts.join(' · ') : 'instance, region, account, role: pick an instance above or enter them here';
}

/** Create or edit a tunnel profile; every field is validated again in main. */
export function ProfileDialog({ initial, onClose, onSaved }: { initial: Partial<TunnelProfileInput> & { id?: string }; onClose: () => void; onSaved: (p: TunnelProfile) => void }) {
  const [form, setForm] = useState<Form>(() => toForm(initial));
  const [error, setError] = useState<IpcError | null>(null);
  const [saving, setSaving] = useState(false);
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));
  const exposed = isExposedBindAddress(form.bindAddress.trim() || '127.0.0.1');
  const dialogRef = useRef<HTMLFormElement>(null);
  const advancedRef = useRef<HTMLDetailsElement>(null);
  const trapTab = useModalFocus(dialogRef);

  /** Connect once: the same fields, started without writing a profile (like `aws ssm start-session`). */
  const connectOnce = async () => {
    if (!dialogRef.current?.reportValidity()) return;
    setSaving(true);
    setError(null);
    try {
      await api.call('tunnels.startOnce', toInput(form, undefined));
      onClose();
    } catch (err) {
      setError(toIpcError(err));
    } finally {
      setSaving(false);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      onSaved(await api.call('tunnels.profiles.save', toInput(form, initial.id)));
    } catch (err) {
      setError(toIpcError(err));
    } finally {
      setSaving(false);
    }
  };

  const text = (key: keyof Form, label: string, props: { placeholder?: string; inputMode?: 'numeric'; required?: boolean } = {}) => (
    <label className="tunnel-field">
      <span>{label}</span>
      <input value={String(form[key])} onChange={(e) => set(key, e.target.value as never)} {...props} />
    </label>
  );

  return (
    <div className="tunnel-dialog-backdrop" role="presentation" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <form
        ref={dialogRef}
        className="tunnel-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="tunnel-dialog-title"
        onKeyDown={trapTab}
        // A required field under a closed Advanced cannot take the focus: open the fold first.
        onInvalidCapture={() => advancedRef.current && (advancedRef.current.open = true)}
        onSubmit={(e) => void submit(e)}
      >
        <h2 id="tunnel-dialog-title">{initial.id ? 'Edit tunnel profile' : 'New tunnel profile'}</h2>
        {error && <ErrorNotice error={error} />}
        {!initial.id && (
          <InstancePicker
            onPick={(i) =>
              // The same instance → profile mapping as the explorer's "RDP" / "Forward port…"; only where-to fields are taken.
              setForm((f) => {
                const d = toForm(draftFromInstance(i, f.kind));
                return { ...f, instanceId: d.instanceId, region: d.region, sourceType: d.sourceType, sourceName: d.sourceName, accountId: d.accountId, roleName: d.roleName, name: f.name || d.name };
              })
            }
          />
        )}
        <div className="tunnel-grid">
          {text('name', 'Name', { required: true })}
          <label className="tunnel-field">
            <span>Kind</span>
            <select
              value={form.kind}
              onChange={(e) => {
                const kind = e.target.value as TunnelKind;
                setForm((f) => ({ ...f, kind, client: 'auto', remotePort: String(DEFAULT_REMOTE_PORTS[kind]) }));
              }}
            >
              {KINDS.map((k) => (
                <option key={k.id} value={k.id}>
                  {k.label}
                </option>
              ))}
            </select>
          </label>
          {text('remoteHost', 'Remote host (optional)', { placeholder: 'mydb.cluster-abc.eu-west-1.rds.amazonaws.com' })}
          {text('remotePort', 'Remote port', { inputMode: 'numeric', required: true })}
          {text('localPort', 'Local port (0 = automatic)', { inputMode: 'numeric' })}
          <label className="tunnel-field">
            <span>Client</span>
            <select value={form.client} onChange={(e) => set('client', e.target.value as LauncherClient)}>
              {CLIENTS[form.kind].map((c) => (
                <option key={c} value={c}>
                  {c === 'auto' ? 'Automatic' : c}
                </option>
              ))}
            </select>
          </label>
          {text('username', 'User name')}
          {form.kind !== 'rdp' && text('database', 'Database')}
          {(form.client === 'custom' || form.kind === 'custom') && text('commandTemplate', 'Command ({host} {port} {user} {db})')}
        </div>
        {/* The picker fills these; they stay reachable for ids typed by hand. A missing one opens the fold on Save. */}
        <details ref={advancedRef} className="tunnel-advanced">
          <summary>
            Advanced <span className="muted small">{whereSummary(form)}</span>
          </summary>
          <div className="tunnel-grid">
            {text('instanceId', 'Instance', { placeholder: 'i-0123456789abcdef0', required: true })}
            {text('region', 'Region', { placeholder: 'eu-west-1', required: true })}
            <label className="tunnel-field">
              <span>Sign-in source</span>
              <select value={form.sourceType} onChange={(e) => set('sourceType', e.target.value as Form['sourceType'])}>
                <option value="sso">SSO session</option>
                <option value="profile">AWS profile</option>
              </select>
            </label>
            {text('sourceName', form.sourceType === 'sso' ? 'SSO session' : 'Profile', { required: true })}
            {text('accountId', 'Account', { placeholder: '111122223333', required: true })}
            {form.sourceType === 'sso' && text('roleName', 'Role', { required: true })}
            {text('bindAddress', 'Bind address')}
            {text('poolSize', 'Sessions in pool (1–8)', { inputMode: 'numeric' })}
          </div>
        </details>
        {exposed && (
          <p className="tunnel-warning" role="alert">
            {form.bindAddress} lets other machines on the network use this tunnel, with your AWS identity. Keep 127.0.0.1 unless you need it.
          </p>
        )}
        <div className="tunnel-checks">
          <label>
            <input type="checkbox" checked={form.pinned} onChange={(e) => set('pinned', e.target.checked)} /> Pin to the tray
          </label>
          <label>
            <input type="checkbox" checked={form.autoStart} onChange={(e) => set('autoStart', e.target.checked)} /> Start with Bastionless
          </label>
        </div>
        <div className="tunnel-dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          {!initial.id && (
            <button type="button" className="button" disabled={saving} title="Start the tunnel without saving a profile, like aws ssm start-session" onClick={() => void connectOnce()}>
              Connect once
            </button>
          )}
          <button type="submit" className="button primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save profile'}
          </button>
        </div>
      </form>
    </div>
  );
}
