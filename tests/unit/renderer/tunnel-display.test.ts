import { describe, expect, it } from 'vitest';
import type { TunnelStatusInfo } from '../../../preload/contract';
import { ago, formatBytes, formatRate, tunnelDisplay } from '../../../renderer/src/features/tunnels/tunnel-display';

const base: TunnelStatusInfo = {
  id: 't',
  name: 'db',
  kind: 'postgres',
  destination: 'i-1:5432',
  state: 'listening',
  bindAddress: '127.0.0.1',
  localPort: 5432,
  mode: 'mux',
  sessions: 1,
  counters: { connectionsActive: 0, connectionsTotal: 0, connectionsFailed: 0, bytesUp: 0, bytesDown: 0, throughputUp: 0, throughputDown: 0, reconnects: 0 },
  lastError: null,
  lastErrorKind: null,
  lastErrorAt: null,
  lastConnectedAt: null,
  startedAt: 0,
};
const refused = { lastError: 'The agent could not connect to the destination port', lastErrorKind: 'destination', lastErrorAt: 2_000 } as const;

describe('tunnelDisplay', () => {
  it('listening, then connected while connections are open', () => {
    expect(tunnelDisplay(base)).toMatchObject({ state: 'listening', label: 'Listening', tone: 'ok' });
    expect(tunnelDisplay({ ...base, counters: { ...base.counters, connectionsActive: 2 } })).toMatchObject({ state: 'connected', label: 'Connected · 2 connections' });
  });

  it('a refused destination with nothing newer is the state, in red, with the error current', () => {
    const d = tunnelDisplay({ ...base, ...refused, lastConnectedAt: 1_000 });
    expect(d).toMatchObject({ state: 'destination-refused', label: 'Destination refused', tone: 'bad', error: { current: true } });
  });

  it('a connection after the refusal makes it history: listening, the error marked as earlier', () => {
    const d = tunnelDisplay({ ...base, ...refused, lastConnectedAt: 3_000 });
    expect(d).toMatchObject({ state: 'listening', tone: 'ok', error: { current: false } });
  });

  it('a dropped session with no connection since is a warning on the listening state', () => {
    expect(tunnelDisplay({ ...base, lastError: 'session ended', lastErrorKind: 'session', lastErrorAt: 5 })).toMatchObject({ state: 'listening', tone: 'warn' });
    expect(tunnelDisplay({ ...base, state: 'reconnecting' })).toMatchObject({ label: 'Reconnecting…', tone: 'warn' });
    expect(tunnelDisplay({ ...base, state: 'failed', lastError: 'x', lastErrorAt: 1 })).toMatchObject({ label: 'Failed', tone: 'bad' });
  });
});

describe('figures', () => {
  it('formats bytes and rates in binary units, never raw floats', () => {
    expect(formatRate(1.9995001249687576)).toBe('2 B/s');
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023.6)).toBe('1.0 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.0 MiB');
    expect(formatRate(63.4 * 1024 * 1024)).toBe('63 MiB/s');
    expect(formatBytes(5 * 1024 ** 4 * 1024)).toBe('5120 TiB');
  });

  it('says how long ago', () => {
    expect(ago(0, 2_000)).toBe('just now');
    expect(ago(0, 42_000)).toBe('42 s ago');
    expect(ago(0, 5 * 60_000)).toBe('5 min ago');
    expect(ago(0, 3 * 3_600_000)).toBe('3 h ago');
  });
});
