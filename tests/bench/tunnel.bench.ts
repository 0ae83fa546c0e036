import { connect, type Socket } from 'node:net';
import { UNPACED_READ_SIZE, type Pace } from '../../emulator/agent/output-pump';
import { listenLocal, worldFixture, worldOn, type World } from '../integration/tunnels/world';
import { startRemoteEmulator, type RemoteEmulator } from './support/remote-emulator';
import type { BenchResult } from './types';

/**
 * Tunnel throughput against the emulator (pace none, and faithful = the real agent's 1 KiB reads
 * with a 1 ms pause), one stream and 8 parallel connections, pooled (8 sessions) and not (1),
 * upload and download, each as a ratio to a raw loopback TCP copy of the same shape measured
 * in this run. Then upload against download through the same emulator in the same run: with the
 * 1 KiB input messages the official plugin sends (and AWS is known to take), and at the agent's
 * unpaced message size (64 KiB), which shows what the 1 KiB messages themselves cost; and against
 * a download in 1 KiB messages (the agent's read size set by a fault), the same size both ways.
 *
 * The emulator runs in its own process: the agent and the service do their work on other machines,
 * so their CPU must not share our event loop (in one process, the emulator's per-message work on
 * each 1 KiB upload message was timed as ours).
 */

const MiB = 1024 * 1024;
const HOST = 'i-0fffffffffffffff1';

/** Port 1: sends `n` bytes to each connection (n in its first 4 bytes). Port 2: counts what arrives, then acks one byte. */
async function servers() {
  const source = await listenLocal((s: Socket) => {
    s.on('error', () => undefined);
    s.once('data', (d: Buffer) => {
      let left = d.readUInt32BE(0);
      const block = Buffer.alloc(64 * 1024, 0x5a);
      const pump = () => {
        while (left > 0) {
          const chunk = block.subarray(0, Math.min(block.length, left));
          left -= chunk.length;
          if (!s.write(chunk)) return void s.once('drain', pump);
        }
        s.end();
      };
      pump();
    });
  });
  const sink = await listenLocal((s: Socket) => {
    s.on('error', () => undefined);
    let expected = -1;
    let got = 0;
    s.on('data', (d: Buffer) => {
      if (expected < 0) {
        expected = d.readUInt32BE(0);
        got = d.length - 4;
      } else got += d.length;
      if (got >= expected) s.end('k');
    });
  });
  return { source, sink, close: () => (source.server.close(), sink.server.close()) };
}

function download(port: number, bytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let got = 0;
    s.on('data', (d: Buffer) => (got += d.length));
    s.on('end', () => (got === bytes ? resolve() : reject(new Error(`download got ${got} of ${bytes}`))));
    s.on('error', reject);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(bytes);
    s.write(header);
  });
}

function upload(port: number, bytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.on('data', () => (s.end(), resolve()));
    s.on('error', reject);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(bytes);
    s.write(header);
    const block = Buffer.alloc(64 * 1024, 0xa5);
    let left = bytes;
    const pump = () => {
      while (left > 0) {
        const chunk = block.subarray(0, Math.min(block.length, left));
        left -= chunk.length;
        if (!s.write(chunk)) return void s.once('drain', pump);
      }
    };
    pump();
  });
}

async function mibPerSecond(parallel: number, bytesEach: number, once: (bytes: number) => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: parallel }, () => once(bytesEach)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return (parallel * bytesEach) / MiB / seconds;
}

/** One stream's MiB/s through a fresh tunnel (pool of 1), warmed first so start-up is not timed. */
async function throughOneStream(world: World<RemoteEmulator>, direction: 'download' | 'upload', bytes: number, maxPayloadSize?: number): Promise<number> {
  const op = direction === 'download' ? download : upload;
  const tunnel = world.tunnel(HOST, { port: direction === 'download' ? 1 : 2 }, { poolSize: 1 }, maxPayloadSize ? { maxPayloadSize } : undefined);
  const port = await tunnel.start();
  await op(port, 1024);
  const value = await mibPerSecond(1, bytes, (b) => op(port, b));
  await tunnel.stop();
  return value;
}

function uploadVsDownload(name: string, up: number, down: number, notes: string): BenchResult {
  return { name, value: up, unit: 'MiB/s', baseline: { name: 'tunnel download, 1 stream, same run', value: down, unit: 'MiB/s' }, ratio: up / down, notes };
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const srv = await servers();
  try {
    // BENCH_TUNNEL_PACES=none skips the slow faithful pass (repeated runs of the unpaced figures).
    const paces = (process.env.BENCH_TUNNEL_PACES ?? 'none,faithful').split(',') as Pace[];
    for (const pace of paces) {
      // Faithful pacing is ~1 MiB/s per session by design: smaller transfers keep the bench short.
      const single = pace === 'none' ? 32 * MiB : 2 * MiB;
      const each = pace === 'none' ? 8 * MiB : 512 * 1024;
      const fixture = worldFixture([{ id: HOST, ports: { '1': srv.source.address, '2': srv.sink.address } }]);
      const world = await worldOn(await startRemoteEmulator({ fixture, pace, autoApprove: true }, 'process'));
      try {
        const shapes = [
          { label: '1 stream', parallel: 1, bytes: single, pool: 1 },
          { label: '8 parallel, 1 session', parallel: 8, bytes: each, pool: 1 },
          { label: '8 parallel, pooled (8 sessions)', parallel: 8, bytes: each, pool: 8 },
        ];
        const oneStream: Partial<Record<'download' | 'upload', number>> = {};
        for (const direction of ['download', 'upload'] as const) {
          const rawPort = direction === 'download' ? srv.source.port : srv.sink.port;
          const op = direction === 'download' ? download : upload;
          for (const shape of shapes) {
            const raw = await mibPerSecond(shape.parallel, shape.bytes, (b) => op(rawPort, b));
            const tunnel = world.tunnel(HOST, { port: direction === 'download' ? 1 : 2 }, { poolSize: shape.pool });
            const port = await tunnel.start();
            // Warm the pool so session start-up is not part of the figure.
            await Promise.all(Array.from({ length: shape.parallel }, () => op(port, 1024)));
            const value = await mibPerSecond(shape.parallel, shape.bytes, (b) => op(port, b));
            const sessions = tunnel.snapshot().sessions;
            await tunnel.stop();
            if (shape.parallel === 1) oneStream[direction] = value;
            results.push({
              name: `tunnel ${direction}, ${shape.label}, pace ${pace}`,
              value,
              unit: 'MiB/s',
              baseline: { name: `raw loopback TCP, ${shape.label}`, value: raw, unit: 'MiB/s' },
              ratio: value / raw,
              notes: `${(shape.parallel * shape.bytes) / MiB} MiB total, ${sessions} session(s)`,
            });
          }
        }
        if (pace === 'faithful' && oneStream.upload !== undefined && oneStream.download !== undefined) {
          // What a user sees against AWS: the real agent sends 1 KiB and sleeps 1 ms per message.
          results.push(uploadVsDownload('tunnel: upload vs download (pace faithful)', oneStream.upload, oneStream.download, `1 stream, ${single / MiB} MiB each way; the agent paced as the real one (1 KiB reads, 1 ms pause)`));
        }
        if (pace === 'none') {
          const down = await throughOneStream(world, 'download', single);
          const up = await throughOneStream(world, 'upload', single);
          results.push(uploadVsDownload('tunnel: upload vs download (pace none)', up, down, `1 stream, ${single / MiB} MiB each way; upload in 1 KiB messages (the plugin's size), download in the agent's; goal ratio ≥ 0.7`));
          const upWide = await throughOneStream(world, 'upload', single, UNPACED_READ_SIZE);
          results.push(
            uploadVsDownload('tunnel: upload vs download at equal message size (pace none)', upWide, down, `upload in ${UNPACED_READ_SIZE / 1024} KiB messages like the download: not what we send AWS, the cost of the 1 KiB messages`),
          );
          // The other equal-size pairing: the agent sends 1 KiB messages too (as the real one does), unpaced.
          await world.emu.setFaults({ agentReadBytes: 1024 });
          const downNarrow = await throughOneStream(world, 'download', single);
          await world.emu.setFaults({ agentReadBytes: null });
          results.push({
            ...uploadVsDownload('tunnel: upload vs download at 1 KiB messages both ways (pace none)', up, downNarrow, 'the upload above against a download whose agent also sends 1 KiB messages, unpaced (one event-loop turn and write per message in the emulator)'),
            baseline: { name: 'tunnel download in 1 KiB messages, 1 stream, same run', value: downNarrow, unit: 'MiB/s' },
          });
        }
      } finally {
        await world.close();
      }
    }
  } finally {
    srv.close();
  }
  return results;
}
