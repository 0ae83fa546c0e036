import { connect, type Socket } from 'node:net';
import type { FixtureInstance } from '../fixture';

/**
 * Where the instance's "localhost:<port>" or "<remote host>:<port>" leads on this machine
 * (fixture `ports` / `remoteHosts`), and dialing it like the agent does (spec §9.1, §9.7).
 */

/** Addresses the agent refuses to forward to (instance metadata, DNS, time sync endpoints). */
const DENY_LIST = new Set([
  '169.254.169.254',
  'fd00:ec2::254',
  '169.254.169.253',
  'fd00:ec2::253',
  '169.254.169.123',
  'fd00:ec2::123',
  '169.254.169.250',
  '169.254.169.251',
  'fd00:ec2::240',
]);

const LOCAL_NAMES = new Set(['', 'localhost', '127.0.0.1', '::1']);

export type Destination = { ok: true; host: string; port: number; label: string } | { ok: false; error: string };

export function resolveDestination(instance: FixtureInstance, host: string | undefined, portNumber: string): Destination {
  const wanted = host ?? 'localhost';
  const label = `${wanted}:${portNumber}`;
  if (DENY_LIST.has(wanted)) return { ok: false, error: `connection to ${label} is not allowed: the address is on the agent's deny list` };
  const mapped = LOCAL_NAMES.has(wanted) ? instance.ports[portNumber] : instance.remoteHosts[label];
  // Nothing listens there on the "instance": the dial fails as a refused connection would.
  if (mapped === undefined) return { ok: false, error: `dial tcp ${label}: connect: connection refused` };
  const idx = mapped.lastIndexOf(':');
  return { ok: true, host: mapped.slice(0, idx), port: Number(mapped.slice(idx + 1)), label };
}

/** Connects to a resolved destination; rejects with the agent-style error text. */
export function dial(instance: FixtureInstance, host: string | undefined, portNumber: string): Promise<Socket> {
  const dest = resolveDestination(instance, host, portNumber);
  if (!dest.ok) return Promise.reject(new Error(dest.error));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: dest.host, port: dest.port });
    socket.setNoDelay(true);
    const onError = (err: Error): void => {
      socket.destroy();
      reject(new Error(`dial tcp ${dest.label}: ${err.message}`));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}
