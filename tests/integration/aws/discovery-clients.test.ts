import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureInput } from '../../../emulator/fixture';
import { startSignedInCore, type SignedInCore } from '../../support/signed-in-core';

/**
 * Discovery keeps its SDK clients from one scan to the next (one per credentials and region),
 * each holding resolved credentials: renewed credentials must reach the next scan, and signing
 * out must let every client of the source go.
 */
const ACCOUNT = '111122223333';
const FIXTURE: FixtureInput = {
  sso: { startUrl: 'https://d-1111111111.awsapps.com/start', region: 'eu-west-1' },
  accounts: [{ id: ACCOUNT, name: 'pooled', roles: [{ name: 'Operator' }], regions: ['eu-west-1', 'us-east-1'] }],
  instances: [
    { id: 'i-0aaaaaaaaaaaaaaa1', account: ACCOUNT, region: 'eu-west-1', name: 'web-1' },
    { id: 'i-0aaaaaaaaaaaaaaa2', account: ACCOUNT, region: 'us-east-1', name: 'batch-1' },
  ],
  // Shorter than the renewal margin: every scan works with freshly fetched role credentials.
  faults: { roleCredentialsTtlSeconds: 120 },
};

describe('discovery clients', () => {
  let world: SignedInCore;
  beforeAll(async () => {
    world = await startSignedInCore({ fixture: FIXTURE });
  });
  afterAll(async () => {
    await world?.stop();
  });

  const names = () => world.core.inventory.list().map((i) => i.name).sort();

  it('scans with renewed credentials once the old ones are revoked', async () => {
    const { core, emulator } = world;
    expect(names()).toEqual(['batch-1', 'web-1']);
    expect(core.inventory.heldClients).toBeGreaterThan(0);
    // Every credential issued so far stops working; clients still holding them would fail.
    emulator.control.expireCredentials();
    const from = emulator.control.calls().length;
    await core.inventory.scan();
    const rows = core.inventory.snapshot().rows;
    expect(rows.filter((r) => r.state === 'error')).toEqual([]);
    expect(rows.filter((r) => r.region === 'eu-west-1' || r.region === 'us-east-1').map((r) => [r.region, r.state, r.instances]).sort()).toEqual([
      ['eu-west-1', 'done', 1],
      ['us-east-1', 'done', 1],
    ]);
    expect(names()).toEqual(['batch-1', 'web-1']);
    const since = emulator.control.calls().slice(from);
    expect(since.some((c) => c.api === 'GetRoleCredentials' && c.outcome === 'OK')).toBe(true);
    expect(since.filter((c) => c.outcome !== 'OK' && c.api !== 'DescribeInstanceInformation' && c.api !== 'DescribeInstances')).toEqual([]);
  });

  it('lets every client of a source go when it signs out', async () => {
    const { core, sourceId } = world;
    expect(core.inventory.heldClients).toBeGreaterThan(0);
    await core.auth.signOut(sourceId);
    expect(core.inventory.heldClients).toBe(0);
  });
});

describe('signing out', () => {
  let world: SignedInCore;
  beforeAll(async () => {
    // Role credentials that outlive the renewal margin, so they are served from memory.
    world = await startSignedInCore({ fixture: { ...FIXTURE, faults: {} } });
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('drops the role credentials kept in memory: a shell, tunnel or doctor run started later must not ride on them', async () => {
    const { core, emulator, sourceId } = world;
    const forOperator = core.credentials({ sourceId, accountId: ACCOUNT, roleName: 'Operator' });
    const first = await forOperator();
    const fetched = () => emulator.control.calls().filter((c) => c.api === 'GetRoleCredentials').length;
    const fetchedBefore = fetched();
    expect((await forOperator()).accessKeyId).toBe(first.accessKeyId);
    expect(fetched(), 'still signed in: served from memory').toBe(fetchedBefore);
    await core.auth.signOut(sourceId);
    await expect(forOperator()).rejects.toMatchObject({ name: 'AppError' });
  });
});
