import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echo, listenLocal, roundTrip, sha256, startWorld, type World } from './world';

const HOST = 'i-0bbbbbbbbbbbbbbb1';
const TOTAL = 100 * 1024 * 1024;
const CHUNK = 1024 * 1024;

/** Writes TOTAL random bytes to each connection (respecting backpressure) and reports their sha256. */
function sourceServer() {
  const sent: string[] = [];
  const handler = (socket: Socket) => {
    socket.on('error', () => undefined);
    const hash = createHash('sha256');
    let written = 0;
    const pump = () => {
      while (written < TOTAL) {
        const chunk = randomBytes(Math.min(CHUNK, TOTAL - written));
        hash.update(chunk);
        written += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
      sent.push(hash.digest('hex'));
      socket.end();
    };
    pump();
  };
  return { handler, sent };
}

describe('tunnels under emulator faults', () => {
  let world: World;
  const source = sourceServer();
  let sourceAddr: Awaited<ReturnType<typeof listenLocal>>;
  let echoAddr: Awaited<ReturnType<typeof listenLocal>>;
  beforeAll(async () => {
    sourceAddr = await listenLocal(source.handler);
    echoAddr = await listenLocal(echo);
    world = await startWorld([{ id: HOST, ports: { '9000': sourceAddr.address, '7000': echoAddr.address } }], 'none');
  });
  afterAll(async () => {
    world.emu.control.resetFaults();
    await world?.close();
    sourceAddr?.server.close();
    echoAddr?.server.close();
  });

  it('100 MB download survives 10+ socket drops and 1 % reordered/duplicated frames byte-exact', async () => {
    world.emu.control.setFaults({ dropSocketAfterBytes: 9 * 1024 * 1024, reorderRate: 0.01, duplicateRate: 0.01 });
    const tunnel = world.tunnel(HOST, { port: 9000 }, { poolSize: 1 });
    const port = await tunnel.start();
    const received = await new Promise<{ sha: string; bytes: number }>((resolve, reject) => {
      const hash = createHash('sha256');
      let bytes = 0;
      const sock = connect(port, '127.0.0.1');
      sock.on('data', (d: Buffer) => {
        hash.update(d);
        bytes += d.length;
      });
      sock.on('end', () => resolve({ sha: hash.digest('hex'), bytes }));
      sock.on('error', reject);
    });
    world.emu.control.resetFaults();
    expect(received.bytes).toBe(TOTAL);
    expect(source.sent).toHaveLength(1);
    expect(received.sha).toBe(source.sent[0]);
    const snap = tunnel.snapshot();
    expect(snap.counters.reconnects).toBeGreaterThanOrEqual(10);
    expect(snap.counters.bytesDown).toBe(TOTAL);
    expect(snap.state).toBe('listening');
    await tunnel.stop();
  });

  it('the compressed 60-minute recycle: sessions are replaced, the listener never closes', async () => {
    world.emu.control.setFaults({ recycleAfterSeconds: 0.4 });
    const tunnel = world.tunnel(HOST, { port: 7000 });
    const port = await tunnel.start();
    let refused = 0;
    let ok = 0;
    let cutByRecycle = 0;
    // Keep using the tunnel until the service has recycled its session at least three times.
    while (tunnel.snapshot().counters.reconnects < 3 || ok < 10) {
      const data = randomBytes(2000);
      try {
        const back = await roundTrip(port, data);
        expect(sha256(back)).toBe(sha256(data));
        ok++;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') refused++;
        else cutByRecycle++; // a connection in flight when its session is recycled ends; the next one works
      }
    }
    world.emu.control.resetFaults();
    expect(refused).toBe(0);
    expect(ok).toBeGreaterThanOrEqual(10);
    expect(cutByRecycle).toBeLessThan(ok);
    expect(tunnel.snapshot().counters.reconnects).toBeGreaterThanOrEqual(3);
    expect(tunnel.snapshot().localPort).toBe(port);
    // After the recycles stop, the tunnel keeps serving on the same port (a session armed before the
    // reset may still be recycled once, so the first attempt may be cut).
    const last = randomBytes(50_000);
    let back: Buffer | undefined;
    for (let attempt = 0; attempt < 3 && !back; attempt++) back = await roundTrip(port, last).catch(() => undefined);
    expect(sha256(back ?? Buffer.alloc(0))).toBe(sha256(last));
    await tunnel.stop();
  });
});
