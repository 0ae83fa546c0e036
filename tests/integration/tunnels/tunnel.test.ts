import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echo, listenLocal, roundTrip, sha256, startWorld, type World } from './world';

const MUX = 'i-0aaaaaaaaaaaaaaa1';
const OLD = 'i-0aaaaaaaaaaaaaaa2';

describe('tunnels against the emulator', () => {
  let world: World;
  let echoServer: Awaited<ReturnType<typeof listenLocal>>;
  let dbServer: Awaited<ReturnType<typeof listenLocal>>;
  beforeAll(async () => {
    echoServer = await listenLocal(echo);
    dbServer = await listenLocal((s) => {
      s.on('error', () => undefined);
      s.end('remote-host says hi');
    });
    world = await startWorld([
      { id: MUX, name: 'mux-host', ports: { '7000': echoServer.address }, remoteHosts: { 'db.internal:5432': dbServer.address } },
      { id: OLD, name: 'old-agent', agentVersion: '3.0.196.0', ports: { '7000': echoServer.address } },
    ]);
  });
  afterAll(async () => {
    await world?.close();
    echoServer?.server.close();
    dbServer?.server.close();
  });

  it('mux: 50 concurrent connections through one tunnel, spread over at most poolSize sessions', async () => {
    const tunnel = world.tunnel(MUX, { port: 7000 }, { poolSize: 3 });
    const port = await tunnel.start();
    expect(tunnel.snapshot().mode).toBe('mux');
    const payloads = Array.from({ length: 50 }, (_, i) => randomBytes(1000 + i * 997));
    const echoed = await Promise.all(payloads.map((p) => roundTrip(port, p)));
    echoed.forEach((e, i) => expect(sha256(e)).toBe(sha256(payloads[i] as Buffer)));
    await expect.poll(() => tunnel.snapshot().counters.connectionsActive).toBe(0);
    const snap = tunnel.snapshot();
    const total = payloads.reduce((n, p) => n + p.length, 0);
    expect(snap.counters.connectionsTotal).toBe(50);
    expect(snap.counters.bytesUp).toBe(total);
    expect(snap.counters.bytesDown).toBe(total);
    expect(snap.sessions).toBeGreaterThanOrEqual(2);
    expect(snap.sessions).toBeLessThanOrEqual(3);
    expect(snap.bindAddress).toBe('127.0.0.1');
    await tunnel.stop();
    expect(tunnel.snapshot().state).toBe('stopped');
    // The listener is gone once stopped.
    const refused = await new Promise<string>((resolve) => connect(port, '127.0.0.1').once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')).once('connect', () => resolve('connected')));
    expect(refused).toBe('ECONNREFUSED');
  });

  it('basic mode for old agents: parallel connections each get a session of their own', async () => {
    const tunnel = world.tunnel(OLD, { port: 7000 });
    const port = await tunnel.start();
    expect(tunnel.snapshot().mode).toBe('basic');
    const payloads = Array.from({ length: 4 }, (_, i) => randomBytes(20_000 + i));
    const echoed = await Promise.all(payloads.map((p) => roundTrip(port, p)));
    echoed.forEach((e, i) => expect(sha256(e)).toBe(sha256(payloads[i] as Buffer)));
    expect(tunnel.snapshot().counters.connectionsTotal).toBe(4);
    // A later connection reuses an idle session (DisconnectToPort, then re-dial on the agent).
    const again = randomBytes(5000);
    expect(sha256(await roundTrip(port, again))).toBe(sha256(again));
    await tunnel.stop();
  });

  it('forwards to a remote host through the instance (AWS-StartPortForwardingSessionToRemoteHost)', async () => {
    const tunnel = world.tunnel(MUX, { port: 5432, remoteHost: 'db.internal' });
    const port = await tunnel.start();
    const reply = await new Promise<string>((resolve, reject) => {
      const parts: Buffer[] = [];
      connect(port, '127.0.0.1')
        .on('data', (d: Buffer) => parts.push(d))
        .on('end', () => resolve(Buffer.concat(parts).toString()))
        .on('error', reject);
    });
    expect(reply).toBe('remote-host says hi');
    await tunnel.stop();
  });

  it('a destination that refuses counts as a failed connection with a readable last error; the tunnel stays up', async () => {
    const tunnel = world.tunnel(MUX, { port: 7999 });
    const port = await tunnel.start();
    await new Promise<void>((resolve) => connect(port, '127.0.0.1').on('close', () => resolve()).on('error', () => undefined));
    await expect.poll(() => tunnel.snapshot().counters.connectionsFailed).toBe(1);
    expect(tunnel.snapshot().lastError).toMatch(/could not connect to the destination port/);
    expect(tunnel.snapshot().state).toBe('listening');
    await tunnel.stop();
  });

  it('a port already in use is refused with a clear error before any session starts', async () => {
    const holder = await listenLocal(echo);
    const tunnel = world.tunnel(MUX, { port: 7000 }, { localPort: holder.port });
    await expect(tunnel.start()).rejects.toMatchObject({ code: 'port-in-use', message: expect.stringContaining(String(holder.port)) });
    holder.server.close();
  });
});
