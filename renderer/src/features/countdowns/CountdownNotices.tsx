import { useEffect, useRef, useState } from 'react';
import { describeCut, needsSignIn, warningKey as noticeKey, type CountdownItemInfo } from '../../../../preload/contract';
import { SignInAgain } from './SignInAgain';
import { useCountdowns } from './countdown-store';
import './countdowns.css';

/**
 * The notification a few minutes before a cut: one per tab or tunnel and cut, in the window
 * (with "Sign in again" for a sign-in) and, where the system allows it, as a desktop
 * notification. It goes away when the cut does (traffic, a new sign-in) or when dismissed.
 */


function notifyDesktop(item: CountdownItemInfo, now: number): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    new Notification(item.label, { body: describeCut(item.warning!, now, item.kind), tag: noticeKey(item) });
  } catch {
    // Some hosts refuse page notifications; the in-window one is there anyway.
  }
}

export function CountdownNotices() {
  const { byId, now } = useCountdowns();
  const announced = useRef(new Set<string>());
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const warned = [...byId.values()].filter((i) => i.warning);
  useEffect(() => {
    for (const item of warned) {
      const key = noticeKey(item);
      if (announced.current.has(key)) continue;
      announced.current.add(key);
      notifyDesktop(item, now);
    }
  }, [warned, now]);
  const shown = warned.filter((i) => !dismissed.has(noticeKey(i)));
  if (shown.length === 0) return null;
  return (
    <div className="countdown-notices" role="region" aria-label="Session warnings">
      {shown.map((item) => (
        <div key={item.id} className={`countdown-notice cause-${item.warning!.cause}`} role="alert" data-testid="countdown-notice">
          <div className="countdown-notice-text">
            <strong>{item.label}</strong> {item.kind === 'tunnel' ? '(tunnel)' : ''}
            <div>{describeCut(item.warning!, now, item.kind)}</div>
          </div>
          <div className="countdown-notice-actions">
            {needsSignIn(item.warning!) && <SignInAgain sourceId={item.sourceId} />}
            <button type="button" className="button small" aria-label={`Dismiss the warning for ${item.label}`} onClick={() => setDismissed((d) => new Set([...d, noticeKey(item)]))}>
              Dismiss
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
