import { ErrorNotice } from '../../shell/ErrorNotice';
import { LoginPanel } from '../login/LoginPanel';
import { useSources } from '../login/useSources';

/** Start URLs and profiles: add, remove, sign in again, at any time (not only on the first screen). */
export function SourcesSettings() {
  const { sources, error, reload } = useSources();
  return (
    <fieldset className="field-group">
      <legend>Sign-in sources</legend>
      <p className="muted small">IAM Identity Center start URLs and ~/.aws/config profiles. Start URLs added here can be removed here; the others live in your AWS config files.</p>
      {error && <ErrorNotice error={error} onRetry={reload} />}
      {sources && <LoginPanel sources={sources} compact manage />}
    </fieldset>
  );
}
