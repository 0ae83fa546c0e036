import { useState } from 'react';
import { IntegerField } from '../../shell/IntegerField';
import { updatePreferences, usePreferences } from '../../preferences';

const WARN_MIN = 1;
const WARN_MAX = 60;

/**
 * In a browser the page may ask for desktop notifications (the desktop app shows its own, from
 * main); until then warnings show in the window only.
 */
function BrowserNotifications() {
  const [permission, setPermission] = useState(() => (typeof Notification === 'undefined' ? undefined : Notification.permission));
  if (permission !== 'default') return null;
  return (
    <div>
      <button type="button" className="button small" onClick={() => void Notification.requestPermission().then(setPermission, () => undefined)}>
        Also warn with desktop notifications
      </button>
    </div>
  );
}

/** Settings → Countdowns: how early to warn, and the opt-in keepalive, with what it does and does not do. */
export function CountdownSettings() {
  const countdown = usePreferences().preferences.countdown;
  // A refused save shows at the top of Settings (saveError) and the value snaps back.
  const change = (patch: Partial<typeof countdown>) => void updatePreferences({ countdown: { ...countdown, ...patch } }).catch(() => undefined);
  return (
    <fieldset className="field-group">
      <legend>Countdowns</legend>
      <div className="settings-form">
        <IntegerField label="Warn before a cut (minutes)" value={countdown.warnMinutes} min={WARN_MIN} max={WARN_MAX} onChange={(warnMinutes) => change({ warnMinutes })}>
          {WARN_MIN}–{WARN_MAX}. Tabs and tunnels show when Session Manager will close them (your account’s idle timeout and maximum session duration) and when your sign-in ends.
        </IntegerField>
        <BrowserNotifications />
        <label className="checkbox">
          <input type="checkbox" aria-describedby="keepalive-explained" checked={countdown.keepalive} onChange={(e) => change({ keepalive: e.target.checked })} />
          Keep idle shells and tunnels open
        </label>
        <small className="muted" id="keepalive-explained">
          While a shell or tunnel is quiet, Bastionless sends Session Manager a message of its own every few minutes (it repeats an acknowledgement), so the idle timeout does not close it.
          Nothing is typed and no program on the instance receives a byte. It cannot extend the maximum session duration: AWS ends the session then, whatever is sent. Your administrator set the idle timeout for a reason; leave this off on shared machines.
        </small>
      </div>
    </fieldset>
  );
}
