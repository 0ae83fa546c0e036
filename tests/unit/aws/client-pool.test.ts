import type { AwsCredentialIdentity } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { ClientPool, type PooledClientConfig } from '../../../main/core/aws/client-pool';

/** A stand-in SDK client: what it was built with, and a serial number to tell builds apart. */
let built = 0;
const build = (config: PooledClientConfig) => ({ config, n: ++built });

const creds = (id: string, expiresAt?: number): AwsCredentialIdentity => ({ accessKeyId: id, secretAccessKey: 's', ...(expiresAt ? { expiration: new Date(expiresAt) } : {}) });

describe('ClientPool', () => {
  it('gives the same client for the same service, scope and region, and a new one for another', async () => {
    const pool = new ClientPool();
    const identity = creds('A');
    const provider = async () => identity;
    const a = await pool.get('ssm', build, 'src|111|Admin', 'eu-west-1', provider);
    expect(await pool.get('ssm', build, 'src|111|Admin', 'eu-west-1', provider)).toBe(a);
    expect(a.config).toEqual({ region: 'eu-west-1', credentials: identity });
    const others = [
      await pool.get('ec2', build, 'src|111|Admin', 'eu-west-1', provider),
      await pool.get('ssm', build, 'src|111|Admin', 'us-east-1', provider),
      await pool.get('ssm', build, 'src|222|Admin', 'eu-west-1', provider),
    ];
    expect(new Set([a.n, ...others.map((o) => o.n)]).size).toBe(4);
    expect(pool.size).toBe(4);
  });

  it('rebuilds a client with renewed credentials and lets the old one go', async () => {
    const pool = new ClientPool();
    let identity = creds('old');
    const provider = async () => identity;
    const first = await pool.get('ssm', build, 'src|111|Admin', 'eu-west-1', provider);
    identity = creds('new');
    const second = await pool.get('ssm', build, 'src|111|Admin', 'eu-west-1', provider);
    expect(second).not.toBe(first);
    expect(second.config.credentials.accessKeyId).toBe('new');
    expect(pool.size).toBe(1);
  });

  it('forgets a signed-out source, keeps only the scopes a scan used, and drops expired credentials', async () => {
    const pool = new ClientPool();
    const get = (scope: string, c: AwsCredentialIdentity) => pool.get('ssm', build, scope, 'eu-west-1', async () => c);
    await get('a|111|Admin', creds('1'));
    await get('a|222|Admin', creds('2', 1_000));
    await get('ab|333|Admin', creds('3'));
    await get('b|444|Admin', creds('4', 5_000));
    pool.dropExpired(1_000);
    expect(pool.size).toBe(3);
    // "a|" is source a only, not source ab.
    pool.forget('a|');
    expect(pool.size).toBe(2);
    pool.retain(new Set(['b|444|Admin']));
    expect(pool.size).toBe(1);
    pool.clear();
    expect(pool.size).toBe(0);
  });
});
