import type { CountdownItemInfo, CutInfo } from './countdowns';

/**
 * Words for a countdown: "Closes in 12 min: idle timeout", "Sign-in ends in 4 min". Pure and
 * shared by both sides, so the tab badge, the status line, the tunnel row, the window's
 * notification and the desktop one (main/electron) say the same thing.
 */

/** What each cut means, after the colon: "Closes in 12 min: idle timeout". */
export const CUT_WORDS: Record<CutInfo['cause'], string> = {
  idle: 'idle timeout',
  'max-duration': 'maximum session duration',
  'sign-in': 'reconnecting will need a new sign-in',
  credentials: 'after that it cannot reconnect',
};

/** "less than a minute", "12 min", "1 h 5 min" (rounded up: never promise more time than there is). */
export function formatLeft(ms: number): string {
  if (ms < 60_000) return 'less than a minute';
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** The short form for a tab badge: "4 min", "<1 min". */
export function badgeText(cut: CutInfo, now: number): string {
  const left = cut.at - now;
  return left < 60_000 ? '<1 min' : formatLeft(left);
}

/**
 * One sentence for the cut. A tunnel outlives its sessions (a new one takes over, open
 * connections drop), so for a tunnel it is the session that closes.
 */
export function describeCut(cut: CutInfo, now: number, kind: 'tab' | 'tunnel' = 'tab'): string {
  const left = cut.at - now;
  switch (cut.cause) {
    case 'idle':
    case 'max-duration': {
      const what = kind === 'tunnel' ? 'Session closes' : 'Closes';
      return left <= 0 ? `${what} now: ${CUT_WORDS[cut.cause]}` : `${what} in ${formatLeft(left)}: ${CUT_WORDS[cut.cause]}`;
    }
    case 'sign-in':
      return left <= 0 ? `Signed out: ${CUT_WORDS['sign-in']}` : `Sign-in ends in ${formatLeft(left)}: ${CUT_WORDS['sign-in']}`;
    case 'credentials':
      return left <= 0 ? 'AWS credentials expired: it cannot reconnect' : `AWS credentials expire in ${formatLeft(left)}: ${CUT_WORDS.credentials}`;
  }
}

/** "14:05" or "2:05 PM", as the user's locale writes the time of day. */
export const localClockTime = (epochMs: number): string => new Date(epochMs).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * The same sentence with the clock time instead of the time left ("Closes at 13:05: idle timeout"),
 * for surfaces redrawn only when the cut moves, not every minute (the tray menu, the CLI).
 */
export function describeCutAt(cut: CutInfo, now: number, kind: 'tab' | 'tunnel', clock: (epochMs: number) => string): string {
  if (cut.at <= now) return describeCut(cut, now, kind);
  const at = clock(cut.at);
  switch (cut.cause) {
    case 'idle':
    case 'max-duration':
      return `${kind === 'tunnel' ? 'Session closes' : 'Closes'} at ${at}: ${CUT_WORDS[cut.cause]}`;
    case 'sign-in':
      return `Sign-in ends at ${at}: ${CUT_WORDS['sign-in']}`;
    case 'credentials':
      return `AWS credentials expire at ${at}: ${CUT_WORDS.credentials}`;
  }
}

/** Sign-in and credential cuts are fixed by signing in again; the other two by nothing we can do. */
export const needsSignIn = (cut: CutInfo): boolean => cut.cause === 'sign-in' || cut.cause === 'credentials';

/** One warning per item and cut (cause, same minute), however often it is recomputed. */
export const warningKey = (item: CountdownItemInfo): string => (item.warning ? `${item.id}|${item.warning.cause}|${Math.round(item.warning.at / 60_000)}` : '');
