import { createHash } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { startEmulator, type FixtureInput, type RunningEmulator } from '../../../emulator/index';
import type { Pace } from '../../../emulator/context';
import { emulatorRoleCredentials, signInToEmulator, type SignInTarget } from '../../../emulator/sdk-login';
import { createSessionService, type SessionService } from '../../../main/core/aws/sessions';
import type { SessionTarget } from '../../../main/core/aws/target';
import { createPortSessionOpener, type PortDestination, type PortSessionOpenerDeps } from '../../../main/core/tunnels/port-session-opener';
import { Tunnel, type TunnelSettings } from '../../../main/core/tunnels/tunnel';

/**
 * An emulator with one account and the instances a test describes, signed in with the real SDK,
 * and a SessionService on its credentials: what the tunnel manager gets from the app's core.
 */

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const ROLE = 'Admin';

export interface World<E extends WorldEmulator = RunningEmulator> {
  emu: E;
  sessions: SessionService;
  target(instanceId: string): SessionTarget;
  /** `deps` overrides the opener's (e.g. maxPayloadSize for the bench). */
  tunnel(instanceId: string, dest: PortDestination, settings?: TunnelSettings, deps?: Partial<PortSessionOpenerDeps>): Tunnel;
  close(): Promise<void>;
}

export type WorldInstance = NonNullable<FixtureInput['instances']>[number];

/** What a world needs of its emulator: one here, or one in its own process (the benches). */
export type WorldEmulator = SignInTarget & { stop(): Promise<void> };

/** The fixture a world's emulator starts with. */
export function worldFixture(instances: Array<Omit<WorldInstance, 'account' | 'region'>>): FixtureInput {
  return {
    sso: { startUrl: 'https://example.awsapps.com/start', region: REGION },
    accounts: [{ id: ACCOUNT, name: 'test', roles: [{ name: ROLE }], regions: [REGION] }],
    instances: instances.map((i) => ({ account: ACCOUNT, region: REGION, ...i })),
  };
}

export async function startWorld(instances: Array<Omit<WorldInstance, 'account' | 'region'>>, pace: Pace = 'none'): Promise<World> {
  return worldOn(await startEmulator({ fixture: worldFixture(instances), pace }));
}

/** Signs in to `emu` with the real SDK and builds the SessionService the tunnel manager gets. */
export async function worldOn<E extends WorldEmulator>(emu: E): Promise<World<E>> {
  const { accessToken } = await signInToEmulator(emu);
  const creds = await emulatorRoleCredentials(emu, accessToken, ACCOUNT, ROLE);
  const sessions = createSessionService({
    credentials: () => async () => creds,
    clientConfig: { endpoint: emu.url, maxAttempts: 1 },
  });
  const tunnels: Tunnel[] = [];
  const target = (instanceId: string): SessionTarget => ({ sourceId: 'test', accountId: ACCOUNT, roleName: ROLE, region: REGION, instanceId, platform: 'Linux' });
  return {
    emu,
    sessions,
    target,
    tunnel(instanceId, dest, settings, deps) {
      const t = new Tunnel(createPortSessionOpener({ sessions, allowInsecure: true, retry: { initialDelayMs: 20, maxDelayMs: 200 }, ...deps }, target(instanceId), dest), settings);
      tunnels.push(t);
      return t;
    },
    async close() {
      await Promise.all(tunnels.map((t) => t.stop()));
      await emu.stop();
    },
  };
}

/** A TCP server on 127.0.0.1:0; returns its "host:port" for fixtures. */
export async function listenLocal(handler: (socket: Socket) => void): Promise<{ server: Server; address: string; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, address: `127.0.0.1:${port}`, port };
}

export const echo = (socket: Socket): void => {
  socket.on('error', () => undefined);
  socket.pipe(socket);
};

export const sha256 = (data: Buffer | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Connects, writes `data`, half-closes, and collects everything until the peer closes. */
export function roundTrip(port: number, data: Buffer, expectBytes = data.length): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    const parts: Buffer[] = [];
    let got = 0;
    sock.on('data', (d: Buffer) => {
      parts.push(d);
      got += d.length;
      if (got >= expectBytes) {
        sock.end();
        resolve(Buffer.concat(parts));
      }
    });
    sock.on('error', reject);
    sock.on('close', () => (got < expectBytes ? reject(new Error(`connection closed after ${got} of ${expectBytes} bytes`)) : undefined));
    sock.write(data);
  });
}
