import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * Discovery's SDK clients, one per (service, credentials scope, region), kept from one scan to the
 * next: building a client (its resolved config and middleware stack) cost more CPU than the call
 * it made when every scan built its own. Each client gets the credentials as a resolved object,
 * so it never asks a provider per call; when the scope's credentials are renewed (a new object)
 * its clients are rebuilt with them, and the old ones let go. Clients share the app's request
 * handler, so letting go is dropping the reference: `destroy()` would close the shared sockets.
 */

export interface PooledClientConfig {
  region: string;
  credentials: AwsCredentialIdentity;
}

/** What the pool builds: an SDK client constructor and the settings every client of it gets. */
export type ClientFactory<C> = (config: PooledClientConfig) => C;

interface Entry {
  client: unknown;
  identity: AwsCredentialIdentity;
}

export class ClientPool {
  private readonly entries = new Map<string, Entry>();

  /** Clients held now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The client of `service` for `scope` (e.g. "source|account|role") in `region`. `credentials`
   * is the scope's provider: it answers the same object while the credentials are valid.
   */
  async get<C>(service: string, build: ClientFactory<C>, scope: string, region: string, credentials: AwsCredentialIdentityProvider): Promise<C> {
    const identity = await credentials();
    const key = `${scope}\n${region}\n${service}`;
    const held = this.entries.get(key);
    if (held?.identity === identity) return held.client as C;
    const client = build({ region, credentials: identity });
    this.entries.set(key, { client, identity });
    return client;
  }

  /** Lets go of every client whose scope starts with `prefix` (a source signed out or removed). */
  forget(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  /** Lets go of the clients of scopes not in `scopes` (accounts or roles a scan no longer used). */
  retain(scopes: ReadonlySet<string>): void {
    for (const key of this.entries.keys()) if (!scopes.has(key.slice(0, key.indexOf('\n')))) this.entries.delete(key);
  }

  /** Lets go of the clients whose credentials have expired by `now` (epoch ms): they cannot sign anything. */
  dropExpired(now: number): void {
    for (const [key, entry] of this.entries) if (entry.identity.expiration && entry.identity.expiration.getTime() <= now) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
