/**
 * When AWS will cut a session, as a pure function of what we know about it: the account's Session
 * Manager preferences (idleSessionTimeout and maxSessionDuration, in minutes), when the session
 * started and when the client last sent anything, and how long the sign-in behind it lasts.
 *
 * - idle: the service ends a session after idleSessionTimeout minutes without client traffic;
 *   every frame the client sends (keystrokes, acknowledgements, a keepalive) starts it again.
 *   An enabled keepalive (main/core/countdown/keepalive.ts) keeps it from ever arriving.
 * - max-duration: fixed from the session's start; nothing extends it (AWS enforces it).
 * - sign-in: an Identity Center sign-in that cannot be refreshed ends at its token's expiry; the
 *   session itself keeps running, but a reconnect (ResumeSession) or a new session needs a new
 *   sign-in. Signing in again in time loses nothing.
 * - credentials: the role credentials fetched last; once the sign-in is gone they are the last
 *   ones, and nothing reconnects after they expire.
 * The first two close the session; the last two do not (`closes`).
 */

export type CutCause = 'idle' | 'max-duration' | 'sign-in' | 'credentials';

export interface SessionManagerPreferences {
  /** Minutes without client traffic after which the service ends the session (AWS: 1–60, default 20). */
  idleSessionTimeout: number;
  /** Minutes after the start at which the service ends the session; undefined = no limit. */
  maxSessionDuration?: number;
  /** Where the service writes session logs, when the account turned logging on. */
  logging?: SessionLogging;
}

export interface SessionLogging {
  s3Bucket?: string;
  s3KeyPrefix?: string;
  cloudWatchLogGroup?: string;
}

export interface SignInFacts {
  /** 'signed-in' with an expiry, or no longer usable ('expired', 'signed-out'). */
  state: 'signed-in' | 'expired' | 'signed-out';
  /** Epoch ms the access token expires (SSO sources). */
  expiresAt?: number;
  /** A refresh token renews the sign-in by itself: its expiry is not a cut. */
  refreshable: boolean;
}

export interface CountdownInput {
  /** Epoch ms the session started. */
  startedAt: number;
  /** Epoch ms the client last sent a frame on the session's data channel. */
  lastActivityAt: number;
  /** Undefined while the account's preferences are not known (still asking, or GetDocument refused). */
  preferences?: SessionManagerPreferences;
  /** Undefined for plain profiles, whose credential providers renew themselves. */
  signIn?: SignInFacts;
  /** Epoch ms the session's role credentials expire, if they do. */
  credentialsExpireAt?: number;
  /** The opt-in keepalive runs for this session: idle never arrives. */
  keepalive?: boolean;
}

export interface Cut {
  cause: CutCause;
  /** Epoch ms. */
  at: number;
  /** Epoch ms from which to warn (at − lead, never before now is meaningful: compare with now). */
  warnAt: number;
  /** The service ends the session (idle, max-duration); otherwise only reconnects stop working. */
  closes: boolean;
}

export interface Countdown {
  /** Every known cut, soonest first. */
  cuts: Cut[];
  /** The soonest cut, if any. */
  next?: Cut;
  /** The soonest cut whose warning time has come (now ≥ warnAt), if any. */
  warning?: Cut;
}

export const DEFAULT_WARN_MS = 5 * 60_000;
const MINUTE = 60_000;

const CLOSES: Readonly<Record<CutCause, boolean>> = { idle: true, 'max-duration': true, 'sign-in': false, credentials: false };

/** The cuts of one session at `now`, with warnings `warnMs` ahead. */
export function countdown(input: CountdownInput, now: number, warnMs: number = DEFAULT_WARN_MS): Countdown {
  const deadlines: { cause: CutCause; at: number }[] = [];
  const prefs = input.preferences;
  if (prefs && !input.keepalive) deadlines.push({ cause: 'idle', at: Math.max(input.startedAt, input.lastActivityAt) + prefs.idleSessionTimeout * MINUTE });
  if (prefs?.maxSessionDuration !== undefined) deadlines.push({ cause: 'max-duration', at: input.startedAt + prefs.maxSessionDuration * MINUTE });
  const signIn = input.signIn;
  const signInLasts = signIn?.state === 'signed-in' && signIn.refreshable;
  if (signIn && !signInLasts) {
    // Gone already (expired, signed out): reconnects need a sign-in from now on.
    const at = signIn.state === 'signed-in' && signIn.expiresAt !== undefined ? signIn.expiresAt : now;
    deadlines.push({ cause: 'sign-in', at });
    // The last credentials fetched outlive the token by a while; after that nothing reconnects.
    if (input.credentialsExpireAt !== undefined && input.credentialsExpireAt > at) deadlines.push({ cause: 'credentials', at: input.credentialsExpireAt });
  }
  const cuts = deadlines
    .map((d) => ({ ...d, warnAt: d.at - warnMs, closes: CLOSES[d.cause] }))
    .sort((a, b) => a.at - b.at || Number(b.closes) - Number(a.closes));
  const result: Countdown = { cuts };
  if (cuts[0]) result.next = cuts[0];
  const warning = cuts.find((c) => now >= c.warnAt);
  if (warning) result.warning = warning;
  return result;
}

/** The next moment the countdown's answer changes by itself (a warning starts, a cut passes). */
export function nextChangeAt(c: Countdown, now: number): number | undefined {
  let soonest: number | undefined;
  for (const cut of c.cuts) {
    for (const t of [cut.warnAt, cut.at]) if (t > now && (soonest === undefined || t < soonest)) soonest = t;
  }
  return soonest;
}
