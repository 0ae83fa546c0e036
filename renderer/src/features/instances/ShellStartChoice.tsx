import { useEffect, useState, type FormEvent } from 'react';
import type { InstanceSummary, IpcError, StartChoices } from '../../../../preload/contract';
import { api } from '../../api';
import { toIpcError } from '../../ipc-error';
import { ErrorNotice } from '../../shell/ErrorNotice';

type Scope = 'instance' | 'source';
type Parameters = Record<string, string[]>;

/** "name=value" lines → document parameters (a name may repeat: several values). */
export function parseParameterLines(text: string): { parameters: Parameters } | { error: string } {
  const parameters: Parameters = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const at = line.indexOf('=');
    const name = at > 0 ? line.slice(0, at).trim() : '';
    if (!name) return { error: `Line ${i + 1} needs the form name=value (e.g. command=sudo -iu app bash).` };
    (parameters[name] ??= []).push(line.slice(at + 1).trim());
  }
  return { parameters };
}

const formatParameters = (p: Parameters | undefined) =>
  Object.entries(p ?? {})
    .flatMap(([name, values]) => values.map((v) => `${name}=${v}`))
    .join('\n');

/**
 * The session document new shells on this instance start with: the default shell, or one chosen
 * for this instance or for every instance of its sign-in (e.g. a document of your own that sets
 * Run As, or AWS-StartInteractiveCommand with a login command).
 */
export function ShellStartChoice({ instance }: { instance: InstanceSummary }) {
  const [choices, setChoices] = useState<StartChoices | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [editing, setEditing] = useState(false);
  const [documentName, setDocumentName] = useState('');
  const [parameterText, setParameterText] = useState('');
  const [scope, setScope] = useState<Scope>('instance');
  const [formError, setFormError] = useState('');

  useEffect(() => {
    let live = true;
    setEditing(false);
    setError(null);
    api.call('shells.startChoices', { instanceKey: instance.key }).then(
      (c) => live && setChoices(c),
      (err: unknown) => live && setError(toIpcError(err)),
    );
    return () => {
      live = false;
    };
  }, [instance.key]);

  const effective = choices?.instance ?? choices?.source;
  const from: Scope = choices?.instance ? 'instance' : 'source';

  const edit = () => {
    setDocumentName(effective?.documentName ?? '');
    setParameterText(formatParameters(effective?.parameters));
    setScope(effective ? from : 'instance');
    setFormError('');
    setEditing(true);
  };

  const save = async (chosen: Scope, start: { documentName: string; parameters?: Parameters } | null) => {
    try {
      setChoices(await api.call('shells.setStartChoice', { instanceKey: instance.key, scope: chosen, start }));
      setError(null);
      setEditing(false);
    } catch (err) {
      // The form keeps what was typed, so nothing is lost while the error is fixed.
      setError(toIpcError(err));
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseParameterLines(parameterText);
    if ('error' in parsed) {
      setFormError(parsed.error);
      return;
    }
    setFormError('');
    const name = documentName.trim();
    void save(scope, name ? { documentName: name, ...(Object.keys(parsed.parameters).length ? { parameters: parsed.parameters } : {}) } : null);
  };

  return (
    <section className="shell-choice" aria-label="Shell session">
      <h3>Shell session</h3>
      {error && <ErrorNotice error={error} />}
      {!editing && choices && (
        <div className="shell-choice-current">
          <span data-testid="shell-document">
            {effective?.documentName ?? 'Default shell'}
            {effective && from === 'source' && <span className="muted"> · every instance of this sign-in</span>}
          </span>
          <button type="button" className="button small" onClick={edit}>
            Change…
          </button>
          {effective && (
            <button type="button" className="button small" onClick={() => void save(from, null)}>
              Use the default
            </button>
          )}
        </div>
      )}
      {editing && (
        <form className="settings-form" onSubmit={submit}>
          <label className="text-field">
            <span>Session document</span>
            <input value={documentName} onChange={(e) => setDocumentName(e.target.value)} placeholder="SSM-SessionManagerRunShell" autoFocus />
            <small className="muted">Yours (e.g. one that sets Run As) or AWS-StartInteractiveCommand; empty = the default shell.</small>
          </label>
          <label className="text-field">
            <span>Parameters, one name=value per line</span>
            <textarea value={parameterText} onChange={(e) => setParameterText(e.target.value)} rows={2} placeholder="command=sudo -iu app bash" aria-invalid={Boolean(formError)} />
            {formError && <small className="error-inline">{formError}</small>}
          </label>
          <div role="radiogroup" aria-label="Applies to">
            <label className="radio">
              <input type="radio" name="shell-scope" checked={scope === 'instance'} onChange={() => setScope('instance')} />
              This instance
            </label>
            <label className="radio">
              <input type="radio" name="shell-scope" checked={scope === 'source'} onChange={() => setScope('source')} />
              Every instance of this sign-in
            </label>
          </div>
          <div className="settings-actions">
            <button type="submit" className="button primary">
              Save
            </button>
            <button type="button" className="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
