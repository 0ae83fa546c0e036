import { useEffect, useState, type FormEvent } from 'react';
import type { AuthSettings, IpcError } from '../../../../preload/contract';
import { api } from '../../api';
import { toIpcError } from '../../ipc-error';
import { ErrorNotice } from '../../shell/ErrorNotice';

const splitList = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Sign-in and discovery preferences: which roles, which regions, sharing the CLI's sign-in. */
export function AwsSettings() {
  const [settings, setSettings] = useState<AuthSettings | null>(null);
  const [roles, setRoles] = useState('');
  const [regions, setRegions] = useState('');
  const [error, setError] = useState<IpcError | null>(null);
  const [saved, setSaved] = useState(false);

  const show = (next: AuthSettings) => {
    setSettings(next);
    setRoles(next.rolePreference.join(', '));
    setRegions(next.regions.join(', '));
  };
  useEffect(() => {
    api.call('auth.settings', undefined).then(show, (err: unknown) => setError(toIpcError(err)));
  }, []);

  /** Saves a patch; text fields are refreshed only when they were what was saved, so typing elsewhere survives. */
  const update = async (patch: Partial<AuthSettings>) => {
    setSaved(false);
    try {
      const next = await api.call('auth.updateSettings', patch);
      if ('regions' in patch || 'rolePreference' in patch) show(next);
      else setSettings(next);
      setError(null);
      setSaved(true);
    } catch (err) {
      // The fields keep what was typed, so nothing is lost while the error is fixed.
      setError(toIpcError(err));
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void update({ rolePreference: splitList(roles), regions: splitList(regions) });
  };

  return (
    <fieldset className="field-group">
      <legend>Sign-in and discovery</legend>
      {error && <ErrorNotice error={error} />}
      {settings && (
        <form onSubmit={submit} className="settings-form">
          <label className="text-field">
            <span>Preferred roles, most preferred first</span>
            <input value={roles} onChange={(e) => setRoles(e.target.value)} placeholder="AdministratorAccess, ReadOnly" />
            <small className="muted">Otherwise each account's first role is used.</small>
          </label>
          <label className="text-field">
            <span>Regions to scan</span>
            <input value={regions} onChange={(e) => setRegions(e.target.value)} placeholder="every enabled region" />
          </label>
          <div className="settings-actions">
            <button type="submit" className="button">
              Save
            </button>
            {saved && <span className="muted" role="status">Saved</span>}
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={settings.shareCliCache} onChange={(e) => void update({ shareCliCache: e.target.checked })} />
            Share the sign-in with the AWS CLI (writes its token cache in ~/.aws/sso/cache, as “aws sso login” does)
          </label>
        </form>
      )}
    </fieldset>
  );
}
