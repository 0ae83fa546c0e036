import { createServer, type AddressInfo } from 'node:net';

/**
 * A port free on 127.0.0.1 right now, for real servers that cannot bind port 0 themselves
 * (PostgreSQL, sshd, FreeRDP's shadow server). Our own servers always bind 0 instead.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
