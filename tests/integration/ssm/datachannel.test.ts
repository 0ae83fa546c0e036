import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { PassThrough } from 'node:stream';
import { DataChannel, type DataChannelOptions } from '../../../main/core/ssm/datachannel';
import { ShellSession } from '../../../main/core/ssm/shell';
import { PortForwarder, PortSession } from '../../../main/core/ssm/port';
import { TestPeer, type PeerScript } from './peer';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function startPeer(script: PeerScript): Promise<{ peer: TestPeer; url: string }> {
  const peer = new TestPeer(script);
  const url = await peer.listen();
  cleanups.push(() => peer.close());
  return { peer, url };
}

function channelFor(peer: TestPeer, url: string, extra: Partial<DataChannelOptions> = {}): DataChannel {
  const ch = new DataChannel({
    credentials: { SessionId: 'sess-1', TokenValue: peer.token, StreamUrl: url },
    allowInsecure: true,
    resume: peer.resume,
    retry: { initialDelayMs: 5, maxDelayMs: 50, maxAttempts: 6 },
    ...extra,
  });
  cleanups.push(() => ch.close());
  return ch;
}

/** A started 80×24 shell session whose first prompt has arrived. */
async function shellAtPrompt(peer: TestPeer, url: string): Promise<ShellSession> {
  const shell = new ShellSession(channelFor(peer, url), { size: { cols: 80, rows: 24 } });
  const prompt = collect(shell, (s) => s.includes('$ '));
  await shell.start();
  await prompt;
  return shell;
}

/** Collects shell output until `predicate` holds. */
function collect(shell: ShellSession, predicate: (s: string) => boolean): Promise<string> {
  let acc = '';
  return new Promise((resolve) => {
    const on = (t: string) => {
      acc += t;
      if (predicate(acc)) {
        shell.off('output', on);
        resolve(acc);
      }
    };
    shell.on('output', on);
  });
}

async function echoServer(): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.pipe(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return (server.address() as AddressInfo).port;
}

describe('shell session over a data channel', () => {
  it('sends the OpenDataChannel frame, the size after the first output and on resize, echoes input', async () => {
    const { peer, url } = await startPeer({ kind: 'shell' });
    const shell = await shellAtPrompt(peer, url);
    const echoed = collect(shell, (s) => s.includes('héllo 日本'));
    shell.write('héllo 日本');
    await echoed;
    shell.resize({ cols: 100, rows: 30 });
    shell.resize({ cols: 100, rows: 30 });
    await new Promise<void>((r) => {
      const poll = () => (peer.sizes.length >= 2 ? r() : setTimeout(poll, 5));
      poll();
    });
    expect(peer.openFrames).toBe(1);
    expect(peer.sizes).toEqual([
      { cols: 80, rows: 24 },
      { cols: 100, rows: 30 },
    ]);
  });

  it('answers a burst of output with its acks in one socket write, not one write per message', async () => {
    const { peer, url } = await startPeer({ kind: 'shell' });
    const shell = await shellAtPrompt(peer, url);
    // Socket writes made by the client's end of the connection (the one whose peer is the test peer).
    let clientWrites = 0;
    const proto = Socket.prototype as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
    const originals = { _write: proto._write, _writev: proto._writev };
    for (const name of ['_write', '_writev'] as const) {
      proto[name] = function (this: Socket, ...args: unknown[]) {
        if (this.remotePort === peer.port) clientWrites++;
        return originals[name].apply(this, args);
      };
    }
    cleanups.push(() => void Object.assign(proto, originals));
    const BURST = 64;
    const ackedBefore = peer.engine.stats().acksReceived;
    const all = collect(shell, (s) => s.includes('burst-end'));
    for (let i = 0; i < BURST; i++) peer.output(Buffer.from(i === BURST - 1 ? 'burst-end' : `line ${i}\r\n`));
    await all;
    await vi.waitFor(() => expect(peer.engine.stats().acksReceived - ackedBefore).toBeGreaterThanOrEqual(BURST));
    expect(clientWrites).toBeLessThan(BURST / 4);
  });

  it('never splits a multibyte character across output events; reports exit code and channel_closed', async () => {
    const { peer, url } = await startPeer({ kind: 'shell' });
    const shell = new ShellSession(channelFor(peer, url), { size: { cols: 80, rows: 24 } });
    const texts: string[] = [];
    shell.on('output', (t) => texts.push(t));
    const prompt = collect(shell, (s) => s.includes('$ '));
    await shell.start();
    await prompt;
    const euro = Buffer.from('€', 'utf8');
    peer.output(euro.subarray(0, 1));
    peer.output(euro.subarray(1));
    peer.sendExitCode(3);
    const end = once(shell, 'end');
    await new Promise<void>((r) => {
      const poll = () => (peer.engine.allAcknowledged ? r() : setTimeout(poll, 5));
      poll();
    });
    peer.closeChannel('bye');
    const [ended] = (await end) as [{ exitCode: number; reason: string; message: string }];
    expect(texts.join('')).toBe('$ €');
    expect(texts.every((t) => !t.includes('\uFFFD'))).toBe(true);
    expect(ended).toEqual({ exitCode: 3, reason: 'channel-closed', message: 'bye' });
  });

  it('delivers 256 KiB exactly once both ways through drops, duplicates, reordering and a socket drop', async () => {
    const { peer, url } = await startPeer({ kind: 'shell' });
    const channel = channelFor(peer, url);
    const shell = new ShellSession(channel, { size: { cols: 80, rows: 24 } });
    const chunks: Buffer[] = [];
    shell.on('data', (d) => chunks.push(Buffer.from(d)));
    const prompt = collect(shell, (s) => s.includes('$ '));
    await shell.start();
    await prompt;
    peer.faults = { drop: 0.1, duplicate: 0.1, maxDelayMs: 10 };
    const data = randomBytes(256 * 1024);
    let off = 0;
    const total = 2 + data.length;
    await new Promise<void>((resolve) => {
      const pump = () => {
        while (off < data.length) {
          const ok = shell.write(data.subarray(off, off + 4096));
          off += 4096;
          if (off === 128 * 1024) peer.dropSocket();
          if (!ok) return;
        }
      };
      channel.on('drain', pump);
      const poll = () => (chunks.reduce((n, c) => n + c.length, 0) >= total ? resolve() : setTimeout(poll, 10));
      pump();
      poll();
    });
    const got = Buffer.concat(chunks);
    expect(got.length).toBe(total);
    expect(sha(got.subarray(2))).toBe(sha(data));
    expect(sha(Buffer.concat(peer.receivedFromClient))).toBe(sha(data));
    const stats = channel.stats();
    expect(stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(stats.retransmits).toBeGreaterThan(0);
    expect(peer.openFrames).toBeGreaterThanOrEqual(2);
  });

  it('KMS-encrypted shell: handshake, challenge, encrypted data both ways', async () => {
    const dataKey = randomBytes(64);
    const { peer, url } = await startPeer({ kind: 'shell', kms: { dataKey, keyId: 'alias/test' } });
    const requests: Record<string, string>[] = [];
    const channel = channelFor(peer, url, {
      targetId: 'i-1',
      generateDataKey: async (req) => {
        requests.push({ kmsKeyId: req.kmsKeyId, sessionId: req.sessionId, targetId: req.targetId });
        return { ciphertextBlob: dataKey, plaintext: dataKey };
      },
    });
    const shell = new ShellSession(channel, { size: { cols: 80, rows: 24 } });
    const msg = once(shell, 'customerMessage');
    const out = collect(shell, (s) => s.includes('secret'));
    await shell.start();
    expect(await msg).toEqual(['This session is encrypted using AWS KMS.']);
    shell.write('secret');
    await out;
    expect(channel.stats().encrypted).toBe(true);
    expect(requests).toEqual([{ kmsKeyId: 'alias/test', sessionId: 'sess-1', targetId: 'i-1' }]);
    expect(Buffer.concat(peer.receivedFromClient).toString()).toBe('secret');
  });
});

describe('port sessions', () => {
  it('mux: concurrent local connections through one session reach the destination', async () => {
    const destPort = await echoServer();
    const { peer, url } = await startPeer({ kind: 'port', properties: { portNumber: '80', type: 'LocalPortForwarding' }, destPort });
    const forwarder = new PortForwarder({ open: async () => new PortSession(channelFor(peer, url)) });
    cleanups.push(() => forwarder.close());
    const localPort = await forwarder.listen();
    expect(forwarder.currentSession?.mode).toBe('mux');
    const payloads = [randomBytes(100_000), randomBytes(50_000), randomBytes(1)];
    const results = await Promise.all(
      payloads.map(
        (p) =>
          new Promise<Buffer>((resolve, reject) => {
            const sock = connect(localPort, '127.0.0.1');
            const parts: Buffer[] = [];
            sock.on('data', (d: Buffer) => {
              parts.push(d);
              if (parts.reduce((n, c) => n + c.length, 0) >= p.length) {
                sock.end();
                resolve(Buffer.concat(parts));
              }
            });
            sock.on('error', reject);
            sock.write(p);
          }),
      ),
    );
    results.forEach((r, i) => expect(sha(r)).toBe(sha(payloads[i] as Buffer)));
  });

  it('stdio: bytes to and from the destination; basic mode selected for old agents', async () => {
    const destPort = await echoServer();
    const { peer, url } = await startPeer({ kind: 'port', properties: { portNumber: '22' }, destPort });
    const port = new PortSession(channelFor(peer, url));
    await port.start();
    expect(port.mode).toBe('stdio');
    const input = new PassThrough();
    const output = new PassThrough();
    port.pipeStdio(input, output);
    const data = randomBytes(20_000);
    const parts: Buffer[] = [];
    const done = new Promise<void>((r) => output.on('data', (d: Buffer) => (parts.push(d), parts.reduce((n, c) => n + c.length, 0) >= data.length && r())));
    input.write(data);
    await done;
    expect(sha(Buffer.concat(parts))).toBe(sha(data));

    const old = await startPeer({ kind: 'port', properties: { portNumber: '80', type: 'LocalPortForwarding' }, agentVersion: '3.0.196.0', destPort });
    const basic = new PortSession(channelFor(old.peer, old.url));
    await basic.start();
    expect(basic.mode).toBe('basic');
  });

  it('renews the session when resume is refused, keeping the listener', async () => {
    const destPort = await echoServer();
    const peers: TestPeer[] = [];
    const forwarder = new PortForwarder({
      open: async () => {
        const { peer, url } = await startPeer({ kind: 'port', properties: { portNumber: '80', type: 'LocalPortForwarding' }, destPort });
        peers.push(peer);
        return new PortSession(channelFor(peer, url));
      },
    });
    cleanups.push(() => forwarder.close());
    const localPort = await forwarder.listen();
    const renewed = once(forwarder, 'session');
    (peers[0] as TestPeer).refuseResume = true;
    (peers[0] as TestPeer).dropSocket();
    await renewed;
    expect(peers).toHaveLength(2);
    const sock = connect(localPort, '127.0.0.1');
    sock.write('ping');
    const [reply] = (await once(sock, 'data')) as [Buffer];
    sock.destroy();
    expect(reply.toString()).toBe('ping');
  });
});
