import type { CountdownItemInfo } from '../../../../preload/contract';
import { describeCut, needsSignIn } from '../../../../preload/contract';
import { SignInAgain } from './SignInAgain';
import './countdowns.css';

/** The sentence for an item's next cut (its warning first), or '' when none is known: for tooltips. */
export function countdownText(item: CountdownItemInfo | undefined, now: number): string {
  const cut = item && (item.warning ?? item.cuts[0]);
  return item && cut ? describeCut(cut, now, item.kind) : '';
}

/**
 * When this tab or tunnel will be cut, in one line: amber once its warning time has come, with
 * "Sign in again" when the cut is the sign-in's. Nothing when no cut is known.
 */
export function CountdownLine({ item, now }: { item: CountdownItemInfo | undefined; now: number }) {
  if (!item) return null;
  const cut = item.warning ?? item.cuts[0];
  const text = countdownText(item, now);
  const title = item.cuts.map((c) => describeCut(c, now, item.kind)).join('\n');
  return (
    <span className={`countdown-line${item.warning ? ' warning' : ''}`} data-testid="countdown" data-cause={cut?.cause ?? 'none'} title={title}>
      {text || (item.preferencesUnknown ? 'Idle timeout unknown (Session Manager preferences not readable)' : null)}
      {item.keepalive && <span className="muted"> · keepalive on</span>}
      {item.warning && needsSignIn(item.warning) && <SignInAgain sourceId={item.sourceId} compact />}
    </span>
  );
}
