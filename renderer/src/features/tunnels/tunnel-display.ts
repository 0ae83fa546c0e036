import type { TunnelStatusInfo } from '../../../../preload/contract';

/**
 * What a running tunnel's row says, derived from its status so the words never contradict each
 * other: "Connected" only while connections are open, a destination that refused the latest
 * attempt wins over "Listening", and an error that a later success superseded is history, not state.
 */

export type TunnelDisplayState = 'starting' | 'listening' | 'connected' | 'destination-refused' | 'reconnecting' | 'failed' | 'stopped';

export interface TunnelDisplay {
  state: TunnelDisplayState;
  label: string;
  /** 'ok' green, 'warn' amber, 'bad' red, 'idle' neutral. */
  tone: 'ok' | 'warn' | 'bad' | 'idle';
  /** The error worth showing now, and whether it is current or already recovered from. */
  error?: { message: string; current: boolean };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function tunnelDisplay(status: TunnelStatusInfo): TunnelDisplay {
  const { state, counters, lastError, lastErrorKind, lastErrorAt, lastConnectedAt } = status;
  // An error is current when nothing succeeded after it.
  const errorIsCurrent = lastError !== null && (lastErrorAt ?? 0) >= (lastConnectedAt ?? 0);
  const error = lastError ? { error: { message: lastError, current: errorIsCurrent } } : {};
  switch (state) {
    case 'starting':
      return { state, label: 'Starting…', tone: 'idle', ...error };
    case 'reconnecting':
      return { state, label: 'Reconnecting…', tone: 'warn', ...error };
    case 'failed':
      return { state, label: 'Failed', tone: 'bad', ...error };
    case 'stopped':
      return { state, label: 'Stopped', tone: 'idle', ...error };
    case 'listening':
      if (errorIsCurrent && lastErrorKind === 'destination' && counters.connectionsActive === 0) {
        return { state: 'destination-refused', label: 'Destination refused', tone: 'bad', ...error };
      }
      if (counters.connectionsActive > 0) return { state: 'connected', label: `Connected · ${plural(counters.connectionsActive, 'connection')}`, tone: 'ok', ...error };
      return { state: 'listening', label: 'Listening', tone: errorIsCurrent ? 'warn' : 'ok', ...error };
  }
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → "1.5 KiB"; whole bytes below 1 KiB; one decimal below 10 of a unit. */
export function formatBytes(n: number): string {
  let value = Math.max(0, n);
  let unit = 0;
  // Rounded as printed, so 1023.6 B or 1023.96 KiB carry into the next unit instead of "1024".
  const shown = (v: number, u: number) => Number(u === 0 ? Math.round(v) : v.toFixed(v < 10 ? 1 : 0));
  while (shown(value, unit) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

export const formatRate = (bytesPerSecond: number): string => `${formatBytes(bytesPerSecond)}/s`;

/** "just now", "12 s ago", "5 min ago", "3 h ago". */
export function ago(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}
