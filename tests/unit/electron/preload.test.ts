import { createHash } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { STREAM_WINDOW_BYTES, type BastionlessApi } from '../../../preload/contract';
import { EVENT_CHANNEL, STREAM_ATTACH_CHANNEL, STREAM_PORT_CHANNEL } from '../../../preload/electron-wire';
import { bindStreamToPort, type MainPortLike } from '../../../main/electron/stream-port';
import { StreamRegistry, type MainStream } from '../../../main/ipc/streams';

type IpcListener = (event: { ports: readonly MessagePort[] }, ...args: unknown[]) => void;

const electron = vi.hoisted(() => ({
  exposed: [] as Array<[string, unknown]>,
  listeners: new Map<string, IpcListener>(),
  invoke: vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.push([key, api]) },
  ipcRenderer: {
    invoke: (channel: string, ...args: unknown[]) => electron.invoke(channel, ...args),
    on: (channel: string, listener: IpcListener) => electron.listeners.set(channel, listener),
  },
}));

let api: BastionlessApi;
const openPorts: MessagePort[] = [];

beforeAll(async () => {
  await import('../../../preload/index');
  expect(electron.exposed).toHaveLength(1);
  api = electron.exposed[0]?.[1] as BastionlessApi;
});

afterEach(() => {
  electron.invoke.mockReset();
  for (const port of openPorts.splice(0)) port.close();
});

/** Node's MessagePort as the slice of Electron's MessagePortMain that main/electron/stream-port uses. */
function asMainPort(port: MessagePort): MainPortLike {
  const node = port as unknown as NodeJS.EventEmitter & MessagePort;
  return {
    postMessage: (message) => port.postMessage(message),
    on: (event: 'message' | 'close', listener: ((e: { data: unknown }) => void) | (() => void)) =>
      event === 'message'
        ? node.on('message', (data: unknown) => (listener as (e: { data: unknown }) => void)({ data }))
        : node.on('close', listener as () => void),
    start: () => port.start(),
    close: () => port.close(),
  };
}

/** Plays main's part of an attach the way main/electron/ipc-bridge.ts does, over a real MessageChannel. */
function serveStreams(registry: StreamRegistry): void {
  electron.invoke.mockImplementation(async (channel, arg) => {
    if (channel !== STREAM_ATTACH_CHANNEL) throw new Error(`unexpected invoke ${channel}`);
    const { streamId } = arg as { streamId: string };
    // Electron delivers the port after the invoke was sent: never synchronously.
    await Promise.resolve();
    const stream = registry.get(streamId);
    if (!stream) return { ok: false, error: { code: 'stream-not-found', message: `Stream ${streamId} does not exist.` } };
    const { port1, port2 } = new MessageChannel();
    openPorts.push(port1, port2);
    bindStreamToPort(stream, asMainPort(port1));
    electron.listeners.get(STREAM_PORT_CHANNEL)?.({ ports: [port2] }, { streamId });
    return { ok: true, value: null };
  });
}

describe('preload exposure', () => {
  it('exposes exactly call/on/openStream as window.bastionless', () => {
    const [key, exposed] = electron.exposed[0] ?? [];
    expect(key).toBe('bastionless');
    expect(Object.keys(exposed as object).sort()).toEqual(['call', 'on', 'openStream']);
    for (const value of Object.values(exposed as object)) expect(typeof value).toBe('function');
    expect([...electron.listeners.keys()].sort()).toEqual([EVENT_CHANNEL, STREAM_PORT_CHANNEL].sort());
  });

  it('invokes contract channels and returns the value', async () => {
    const info = { name: 'Bastionless', version: '0.1.0', platform: 'linux', transport: 'electron', emulator: true };
    electron.invoke.mockResolvedValueOnce({ ok: true, value: info });
    await expect(api.call('app.info', undefined)).resolves.toEqual(info);
    expect(electron.invoke).toHaveBeenCalledWith('app.info', undefined);
  });

  it('rejects with the error as data (contextBridge would strip an Error subclass)', async () => {
    const error = { code: 'not-signed-in', message: 'Sign in first.', hint: 'Use the tray’s Sign in….' };
    electron.invoke.mockResolvedValueOnce({ ok: false, error });
    await expect(api.call('tray.activate', { id: 'x' })).rejects.toEqual({
      name: 'BastionlessCallError',
      message: 'Sign in first.',
      code: 'not-signed-in',
      hint: 'Use the tray’s Sign in….',
      channel: 'tray.activate',
      error,
    });
  });

  it('refuses channels outside the contract without reaching main, and malformed replies', async () => {
    const bogus = api.call as (channel: string, arg: unknown) => Promise<unknown>;
    await expect(bogus('fs.readFile', { path: '/etc/shadow' })).rejects.toMatchObject({ code: 'unknown-channel' });
    await expect(bogus('__proto__', {})).rejects.toMatchObject({ code: 'unknown-channel' });
    expect(electron.invoke).not.toHaveBeenCalled();
    electron.invoke.mockResolvedValueOnce({ value: 1 });
    await expect(api.call('app.info', undefined)).rejects.toMatchObject({ code: 'internal', channel: 'app.info' });
  });

  it('delivers contract events to their subscribers until they unsubscribe', () => {
    const seen: unknown[] = [];
    const off = api.on('app.navigate', (payload) => seen.push(payload));
    const emit = (raw: unknown) => electron.listeners.get(EVENT_CHANNEL)?.({ ports: [] }, raw);
    emit({ event: 'app.navigate', payload: { view: 'tunnels' } });
    emit({ event: 'tray.changed', payload: { tooltip: 't', items: [] } });
    emit('garbage');
    off();
    emit({ event: 'app.navigate', payload: { view: 'login' } });
    expect(seen).toEqual([{ view: 'tunnels' }]);
    expect(() => api.on('ipc.raw' as 'app.navigate', () => {})).toThrow(/no such event/);
  });

  it('refuses stream ids that are not stream ids', () => {
    expect(() => api.openStream('../../etc')).toThrow(/not a stream id/);
  });
});

describe('preload streams over a real MessageChannel', () => {
  const collect = (handle: ReturnType<BastionlessApi['openStream']>) => {
    const chunks: Uint8Array[] = [];
    let ended: string | null | undefined;
    handle.onData((chunk, done) => {
      chunks.push(chunk);
      done();
    });
    handle.onEnd((reason) => (ended = reason));
    return {
      chunks,
      bytes: () => chunks.reduce((n, c) => n + c.byteLength, 0),
      ended: () => ended,
    };
  };

  it('carries output both ways, including output written before the window attached', async () => {
    const registry = new StreamRegistry();
    serveStreams(registry);
    const stream = registry.create();
    await stream.write(new TextEncoder().encode('early '));
    const input: string[] = [];
    stream.onInput((chunk) => input.push(new TextDecoder().decode(chunk)));

    const handle = api.openStream(stream.id);
    const reader = collect(handle);
    handle.write(new TextEncoder().encode('ls -la\n'));
    await stream.write(new TextEncoder().encode('late'));
    await vi.waitFor(() => expect(reader.bytes()).toBe(10));
    expect(new TextDecoder().decode(Buffer.concat(reader.chunks))).toBe('early late');
    await vi.waitFor(() => expect(input).toEqual(['ls -la\n']));

    stream.end('shell exited with 0');
    await vi.waitFor(() => expect(reader.ended()).toBe('shell exited with 0'));
  });

  it('holds the writer at the credit window until the reader consumes, then delivers every byte', async () => {
    const registry = new StreamRegistry();
    serveStreams(registry);
    const stream = registry.create();
    const handle = api.openStream(stream.id);
    const held: Array<() => void> = [];
    let holding = true;
    let received = 0;
    const hash = createHash('sha256');
    handle.onData((chunk, done) => {
      received += chunk.byteLength;
      hash.update(chunk);
      if (holding) held.push(done);
      else done();
    });

    const chunkSize = 16 * 1024;
    const total = 4 * STREAM_WINDOW_BYTES;
    const sent = createHash('sha256');
    let written = 0;
    const writer = (async () => {
      for (let offset = 0; offset < total; offset += chunkSize) {
        const chunk = new Uint8Array(chunkSize).map((_, i) => (offset + i) % 251);
        sent.update(chunk);
        await stream.write(chunk);
        written += chunkSize;
      }
    })();

    await vi.waitFor(() => expect(received).toBeGreaterThanOrEqual(STREAM_WINDOW_BYTES));
    expect(stream.writable).toBe(false);
    expect(received).toBeLessThanOrEqual(STREAM_WINDOW_BYTES);
    expect(written).toBeLessThan(total);

    // The reader catches up: it consumes what it held, and everything after at once.
    holding = false;
    held.splice(0).forEach((done) => done());
    await writer;
    await vi.waitFor(() => expect(received).toBe(total));
    expect(hash.digest('hex')).toBe(sent.digest('hex'));
  });

  it('closing the handle ends the stream in main', async () => {
    const registry = new StreamRegistry();
    serveStreams(registry);
    const stream: MainStream = registry.create();
    const closed = new Promise<string | null>((resolve) => stream.onClose(resolve));
    const handle = api.openStream(stream.id);
    handle.close();
    await expect(closed).resolves.toBe('closed by the window');
    expect(registry.get(stream.id)).toBeUndefined();
  });

  it('ends the handle with main’s reason when the stream does not exist', async () => {
    serveStreams(new StreamRegistry());
    const reader = collect(api.openStream('s0123456789abcdef'));
    await vi.waitFor(() => expect(reader.ended()).toBe('Stream s0123456789abcdef does not exist.'));
  });
});
