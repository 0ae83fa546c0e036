/**
 * SSM protocol figures: codec encode/decode throughput against a raw SHA-256 baseline, and
 * data-channel throughput (client -> agent-profile peer over loopback WebSocket) for several
 * payload sizes against raw `ws` sends of the same sizes measured in the same process.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { WebSocket, WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { encodeMessage, parseMessage, MessageType, PayloadType } from '../../main/core/ssm/message';
import { DataChannel } from '../../main/core/ssm/datachannel';
import { ShellSession } from '../../main/core/ssm/shell';
import { TestPeer } from '../integration/ssm/peer';
import type { BenchResult } from './types';

const MB = 1024 * 1024;

function timeLoop(fn: () => void, minMs = 400): { ops: number; ms: number } {
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    for (let i = 0; i < 200; i++) fn();
    ops += 200;
    now = performance.now();
  }
  return { ops, ms: now - start };
}

function codec(size: number): BenchResult[] {
  const payload = randomBytes(size);
  const enc = timeLoop(() => encodeMessage({ messageType: MessageType.InputStreamData, sequenceNumber: 1, payloadType: 1, payload }));
  const frame = encodeMessage({ messageType: MessageType.InputStreamData, sequenceNumber: 1, payloadType: 1, payload });
  const dec = timeLoop(() => parseMessage(frame));
  const sha = timeLoop(() => createHash('sha256').update(payload).digest());
  const mbps = (r: { ops: number; ms: number }) => (r.ops * size) / MB / (r.ms / 1000);
  const baseline = { name: 'sha256 of the payload alone', value: mbps(sha), unit: 'MiB/s' };
  return [
    { name: `codec encode ${size} B payload`, value: mbps(enc), unit: 'MiB/s', baseline, ratio: mbps(enc) / baseline.value },
    { name: `codec decode+validate ${size} B payload`, value: mbps(dec), unit: 'MiB/s', baseline, ratio: mbps(dec) / baseline.value },
  ];
}

/** Raw ws: client sends `total` bytes in `size`-byte binary messages; server counts them. */
async function rawWs(size: number, total: number): Promise<number> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  let got = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  wss.on('connection', (s) =>
    s.on('message', (d: Buffer) => {
      got += d.length;
      if (got >= total) done();
    }),
  );
  const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate: false });
  await once(ws, 'open');
  const chunk = randomBytes(size);
  const start = performance.now();
  for (let sent = 0; sent < total; sent += size) {
    ws.send(chunk);
    if (ws.bufferedAmount > 8 * MB) await new Promise((r) => setImmediate(r));
  }
  await finished;
  const ms = performance.now() - start;
  ws.close();
  await new Promise<void>((r) => wss.close(() => r()));
  return total / MB / (ms / 1000);
}

/** DataChannel -> agent-profile peer: `total` bytes as Output in `size`-byte payloads, until all delivered to the agent. */
async function channel(size: number, total: number): Promise<{ mbps: number; stats: ReturnType<DataChannel['stats']> }> {
  const peer = new TestPeer({ kind: 'shell', echo: false });
  const url = await peer.listen();
  const ch = new DataChannel({ credentials: { SessionId: 's', TokenValue: peer.token, StreamUrl: url }, allowInsecure: true, maxPayloadSize: size });
  const shell = new ShellSession(ch, { size: { cols: 80, rows: 24 } });
  const prompt = once(shell, 'output');
  await shell.start();
  await prompt;
  const data = randomBytes(total);
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let off = 0;
    const block = Math.max(size, 64 * 1024);
    const pump = () => {
      while (off < total) {
        const ok = ch.send(PayloadType.Output, data.subarray(off, off + block));
        off += block;
        if (!ok) return;
      }
    };
    ch.on('drain', pump);
    const poll = () => (peer.engine.stats().bytesReceived >= total ? resolve() : setTimeout(poll, 1));
    pump();
    poll();
  });
  const ms = performance.now() - start;
  const stats = ch.stats();
  ch.close();
  await peer.close();
  return { mbps: total / MB / (ms / 1000), stats };
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [...codec(1024), ...codec(16 * 1024)];
  for (const size of [1024, 4096, 16 * 1024]) {
    const total = size === 1024 ? 16 * MB : 32 * MB;
    const raw = await rawWs(size, total);
    const { mbps, stats } = await channel(size, total);
    results.push({
      name: `data channel client->agent, ${size} B payloads`,
      value: mbps,
      unit: 'MiB/s',
      baseline: { name: `raw ws sends of ${size} B`, value: raw, unit: 'MiB/s' },
      ratio: mbps / raw,
      notes: `${stats.messagesSent} msgs, ${stats.retransmits} retransmits, srtt ${stats.srttMs.toFixed(1)} ms; official client ~1 MiB/s (1 KiB + 1 ms sleep per send)`,
    });
  }
  return results;
}
