import { useCall } from '../../hooks/useApi';
import { usePreferences } from '../../preferences';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { AwsSettings } from './AwsSettings';
import { SourcesSettings } from './SourcesSettings';
import { KeychainSettings } from './KeychainSettings';
import { AccountColours } from './AccountColours';
import { TerminalSettings } from '../terminals/TerminalSettings';
import { CountdownSettings } from '../countdowns/CountdownSettings';
import { chooseTheme, type ThemePreference } from '../../shell/theme';

export function SettingsView() {
  const info = useCall('app.info', undefined);
  const prefs = usePreferences();
  const theme = prefs.preferences.theme;
  // A refused save is shown below (saveError); the choice snaps back to what is stored.
  const choose = (pref: ThemePreference) => void chooseTheme(pref).catch(() => undefined);
  return (
    <section className="view" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      {prefs.problem && <ErrorNotice error={prefs.problem} />}
      {prefs.saveError && prefs.saveError.code !== prefs.problem?.code && <ErrorNotice error={prefs.saveError} />}
      <fieldset className="field-group">
        <legend>Appearance</legend>
        {(['system', 'dark', 'light'] as const).map((pref) => (
          <label key={pref} className="radio">
            <input type="radio" name="theme" value={pref} checked={theme === pref} onChange={() => choose(pref)} />
            {pref === 'system' ? 'Follow the system' : pref === 'dark' ? 'Dark' : 'Light'}
          </label>
        ))}
      </fieldset>
      <SourcesSettings />
      <AwsSettings />
      <KeychainSettings />
      <TerminalSettings />
      <CountdownSettings />
      <AccountColours />
      <fieldset className="field-group">
        <legend>About</legend>
        {info.error && <ErrorNotice error={info.error} onRetry={info.reload} />}
        {info.data && (
          <dl className="facts">
            <dt>Version</dt>
            <dd data-testid="app-version">{info.data.version}</dd>
            <dt>Running in</dt>
            <dd>{info.data.transport === 'electron' ? 'Desktop app' : 'Browser (web host)'}</dd>
            <dt>AWS endpoints</dt>
            <dd>{info.data.emulator ? 'Embedded emulator' : 'AWS'}</dd>
          </dl>
        )}
      </fieldset>
    </section>
  );
}
