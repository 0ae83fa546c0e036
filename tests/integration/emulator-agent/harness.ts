import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { parseFixture, type Fixture, type FixtureInput, type FixtureInstance } from '../../../emulator/fixture';
import { createEmulatorSessionHub, type EmulatorSessionHub } from '../../../emulator/sessions';
import type { SessionCredentials } from '../../../emulator/sessions/hub';
import type { Pace } from '../../../emulator/agent/output-pump';
import { PayloadType } from '../../../main/core/ssm/constants';
import { SmuxSession } from '../../../main/core/ssm/smux';
import type { RawDataChannel } from '../../support/raw-data-channel';

/** Mounts the session hub on its own HTTP server (no AWS API half needed) with a fixture built in the test. */

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const OWNER = 'arn:aws:sts::111122223333:assumed-role/Admin/tester';

export function baseFixture(instances: Array<Partial<FixtureInstance> & { id: string }>, extra: Partial<FixtureInput> = {}): FixtureInput {
  return {
    sso: { startUrl: 'https://example.awsapps.com/start', region: REGION },
    accounts: [{ id: ACCOUNT, name: 'test', roles: [{ name: 'Admin' }], regions: [REGION] }],
    instances: instances.map((i) => ({ account: ACCOUNT, region: REGION, ...i })),
    ...extra,
  };
}

/** A KMS stand-in: GenerateDataKey remembers (ciphertext → key, context); the hub's decrypt checks both. */
export class FakeKms {
  private readonly keys = new Map<string, { plaintext: Buffer; context: Record<string, string> }>();
  decrypts = 0;
  generateDataKey = (_keyId: string, context: Record<string, string>): { ciphertext: Uint8Array; plaintext: Uint8Array } => {
    const ciphertext = randomBytes(48);
    const plaintext = randomBytes(64);
    this.keys.set(ciphertext.toString('hex'), { plaintext, context });
    return { ciphertext, plaintext };
  };
  decrypt = (ciphertext: Uint8Array, context: Record<string, string>): Uint8Array => {
    const entry = this.keys.get(Buffer.from(ciphertext).toString('hex'));
    if (!entry) throw new Error('InvalidCiphertextException');
    for (const [k, v] of Object.entries(entry.context)) if (context[k] !== v) throw new Error(`encryption context mismatch on ${k}`);
    this.decrypts++;
    return entry.plaintext;
  };
}

export interface Harness {
  hub: EmulatorSessionHub;
  fixture: Fixture;
  kms: FakeKms;
  url: string;
  start(instanceId: string, documentName?: string, parameters?: Record<string, string[]>): SessionCredentials;
  close(): Promise<void>;
}

export async function startHarness(input: FixtureInput, pace: Pace = 'faithful', extra: { random?: () => number; handshakeTimeoutMs?: number } = {}): Promise<Harness> {
  const holder = { fixture: parseFixture(input) };
  const kms = new FakeKms();
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  let url = '';
  const hub = createEmulatorSessionHub({ fixture: () => holder.fixture, baseUrl: () => url, pace, kms, ...extra });
  server.on('upgrade', (req, socket, head) => {
    if (!hub.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    hub,
    get fixture() {
      return holder.fixture;
    },
    set fixture(f: Fixture) {
      holder.fixture = f;
    },
    kms,
    url,
    start(instanceId, documentName = 'SSM-SessionManagerRunShell', parameters = {}) {
      const instance = holder.fixture.instances.find((i) => i.id === instanceId);
      if (!instance) throw new Error(`no instance ${instanceId} in the test fixture`);
      return hub.start({ account: instance.account, region: instance.region, instance, documentName, parameters, owner: OWNER });
    },
    async close() {
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  } as Harness;
}

/** TCP echo server on 127.0.0.1:0; returns "127.0.0.1:<port>". */
export async function startEchoServer(): Promise<{ address: string; server: TcpServer; connections: () => number }> {
  let count = 0;
  const server = createTcpServer((socket) => {
    count++;
    socket.on('error', () => socket.destroy());
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, server, connections: () => count };
}

/** Polls a condition every 10 ms (for state with no event to wait on); rejects after timeoutMs. */
export async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Writes `data` into a stream and resolves with the first data.length bytes echoed back. */
export function echoThrough(stream: Duplex, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    stream.on('data', (d: Buffer) => {
      parts.push(d);
      got += d.length;
      if (got >= data.length) resolve(Buffer.concat(parts));
    });
    stream.on('error', reject);
    stream.write(data);
  });
}

/** An smux client (the plugin's role) riding on a raw data channel: Output payloads carry the byte stream. */
export function attachSmuxClient(dc: RawDataChannel): SmuxSession {
  const mux = new SmuxSession({ role: 'client', write: (frame) => void dc.send(PayloadType.Output, frame) });
  dc.onPayload((pt, payload) => {
    if (pt === PayloadType.Output) mux.input(payload);
  });
  return mux;
}

export const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Seeded PRNG shared with the unit simulations, so fault tests inject the same pattern every run. */
export { prng as seededRandom } from '../../unit/ssm/sim';
