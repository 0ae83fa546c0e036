import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { encodeSmuxFrame, SmuxCmd, SmuxSession, type SmuxStream } from '../../../main/core/ssm/smux';

const vectors = JSON.parse(readFileSync(fileURLToPath(new URL('./message-vectors.json', import.meta.url)), 'utf8')) as { name: string; hex: string }[];
const vec = (name: string) => (vectors.find((v) => v.name === name) as { hex: string }).hex;

/** A client and a server session wired back to back; `split` re-chunks the byte stream arbitrarily. */
function pair(opts: { split?: (b: Buffer) => Buffer[]; maxReceiveBuffer?: number } = {}) {
  const wireToServer: Buffer[] = [];
  const wireToClient: Buffer[] = [];
  const split = opts.split ?? ((b: Buffer) => [b]);
  const client: SmuxSession = new SmuxSession({
    role: 'client',
    write: (f) => {
      wireToServer.push(f);
      for (const part of split(f)) server.input(part);
    },
  });
  const server: SmuxSession = new SmuxSession({
    role: 'server',
    maxReceiveBuffer: opts.maxReceiveBuffer,
    write: (f) => {
      wireToClient.push(f);
      for (const part of split(f)) client.input(part);
    },
  });
  const accepted: SmuxStream[] = [];
  server.on('stream', (s: SmuxStream) => accepted.push(s));
  return { client, server, accepted, wireToServer, wireToClient };
}

/** Reads to EOF without destroying the stream (for-await would destroy it and send FIN). */
function readAll(s: SmuxStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  return new Promise((resolve, reject) => {
    s.on('data', (c: Buffer) => parts.push(c));
    s.once('end', () => resolve(Buffer.concat(parts)));
    s.once('error', reject);
  });
}

const endStream = (s: SmuxStream) => new Promise<void>((resolve) => s.end(resolve));

describe('smux v1 wire format (spec §9.6, §12.3)', () => {
  it('open, write "hi", close, open another matches the captured bytes', async () => {
    const { client, wireToServer } = pair();
    const s3 = client.openStream();
    await new Promise<void>((r) => s3.write(Buffer.from('hi'), () => r()));
    await endStream(s3);
    client.openStream();
    expect(Buffer.concat(wireToServer).toString('hex')).toBe(vec('smux_v1_client_open_write_close_open'));
  });

  it('encodes NOP keepalive frames', () => {
    expect(Buffer.concat([encodeSmuxFrame(SmuxCmd.NOP, 0), encodeSmuxFrame(SmuxCmd.NOP, 0)]).toString('hex')).toBe(vec('smux_v1_keepalive_nop_x2'));
  });

  it('client stream ids are odd from 3; exhaustion is a typed error', () => {
    const c = new SmuxSession({ role: 'client', write: () => true });
    expect([c.openStream().id, c.openStream().id, c.openStream().id]).toEqual([3, 5, 7]);
    const near = new SmuxSession({ role: 'client', write: () => true, initialStreamId: 0xfffffffb });
    expect([near.openStream().id, near.openStream().id]).toEqual([0xfffffffd, 0xffffffff]);
    expect(() => near.openStream()).toThrow(/exhausted/);
  });

  it('splits writes larger than MaxFrameSize into several PSH frames', async () => {
    const { client, wireToServer, accepted } = pair();
    const s = client.openStream();
    const data = Buffer.alloc(70_000, 7);
    s.write(data);
    await endStream(s);
    const psh = wireToServer.filter((f) => f[1] === SmuxCmd.PSH).map((f) => f.readUInt16LE(2));
    expect(psh).toEqual([32768, 32768, 70_000 - 65536]);
    expect((await readAll(accepted[0] as SmuxStream)).equals(data)).toBe(true);
  });
});

describe('smux sessions', () => {
  it('interleaves many streams both ways, whatever the byte-stream split', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 0, maxLength: 5000 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 50 }), async (payloads, cut) => {
        const { client, accepted } = pair({ split: (b) => Array.from({ length: Math.ceil(b.length / cut) }, (_, i) => b.subarray(i * cut, (i + 1) * cut)) });
        const streams = payloads.map(() => client.openStream());
        // interleave: write a slice to each stream in turn
        for (let off = 0; off < 5000; off += 700) payloads.forEach((p, i) => off < p.length && streams[i]?.write(Buffer.from(p.subarray(off, off + 700))));
        expect(accepted.map((s) => s.id)).toEqual(streams.map((s) => s.id));
        // server echoes back reversed bytes on each stream, then closes
        const echoes = accepted.map(async (s) => {
          const got = await readAll(s);
          s.end(Buffer.from(got).reverse());
          return got;
        });
        await Promise.all(streams.map(endStream));
        const got = await Promise.all(echoes);
        got.forEach((g, i) => expect(g.equals(Buffer.from(payloads[i] as Uint8Array))).toBe(true));
        const back = await Promise.all(streams.map(readAll));
        back.forEach((g, i) => expect(g.equals(Buffer.from(payloads[i] as Uint8Array).reverse())).toBe(true));
        expect(client.streamCount).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it('FIN half-closes: the peer reads EOF and can still write back', async () => {
    const { client, accepted } = pair();
    const s = client.openStream();
    await endStream(s);
    const srv = accepted[0] as SmuxStream;
    expect((await readAll(srv)).length).toBe(0);
    srv.end('late reply');
    expect((await readAll(s)).toString()).toBe('late reply');
  });

  it('data for an unknown stream is discarded; a bad version or command closes the session with a typed error', () => {
    const server = new SmuxSession({ role: 'server', write: () => true });
    server.input(encodeSmuxFrame(SmuxCmd.PSH, 99, Buffer.from('zzz')));
    expect(server.isClosed).toBe(false);
    const errors: string[] = [];
    server.on('error', (e: Error & { code?: string }) => errors.push(e.code ?? ''));
    const bad = encodeSmuxFrame(SmuxCmd.SYN, 3);
    bad[0] = 2;
    server.input(bad);
    expect(errors).toEqual(['SMUX_PROTOCOL']);
    expect(server.isClosed).toBe(true);
    const other = new SmuxSession({ role: 'server', write: () => true });
    other.input(encodeSmuxFrame(4, 3, Buffer.alloc(8)));
    expect(other.isClosed).toBe(true);
  });

  it('write backpressure: stream writes wait until the transport says writable()', async () => {
    let open = false;
    const frames: Buffer[] = [];
    const mux = new SmuxSession({ role: 'client', write: (f) => (frames.push(f), open) });
    const s = mux.openStream();
    let done = false;
    s.write(Buffer.from('a'), () => (done = true));
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    open = true;
    mux.writable();
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(true);
  });

  it('receive budget: canAccept turns false at maxReceiveBuffer and receive-ready fires once a reader drains', async () => {
    const { client, server, accepted } = pair({ maxReceiveBuffer: 64 * 1024 });
    const s = client.openStream();
    s.write(Buffer.alloc(100 * 1024, 1));
    await new Promise((r) => setImmediate(r));
    expect(server.canAccept()).toBe(false);
    const ready = once(server, 'receive-ready');
    const reader = accepted[0] as SmuxStream;
    const hash = createHash('sha256');
    reader.on('data', (c: Buffer) => hash.update(c));
    await ready;
    expect(server.canAccept()).toBe(true);
  });
});
