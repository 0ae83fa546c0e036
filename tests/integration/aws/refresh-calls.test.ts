import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignedInCore, type SignedInCore } from '../../support/signed-in-core';
import { SPARSE_ACCOUNT, SPARSE_ORGANISATION } from './sparse-organisation';

/**
 * Most of an organisation's regions hold no managed nodes. A scan asks EC2 (for names and tags)
 * only where the last scan found EC2 nodes, and where nodes turn up; the first scan, knowing
 * nothing, only where Session Manager lists some (see first-scan-sparse.test.ts).
 */
const ACCOUNT = SPARSE_ACCOUNT;
const FIXTURE = SPARSE_ORGANISATION;

describe('inventory refresh', () => {
  let world: SignedInCore;
  beforeAll(async () => {
    world = await startSignedInCore({ fixture: FIXTURE });
  });
  afterAll(async () => {
    await world?.stop();
  });

  /** The regions DescribeInstances answered in since call number `from` (the first scan also tries regions the account lacks). */
  const ec2RegionsSince = (from: number) =>
    new Set(
      world.emulator.control
        .calls()
        .slice(from)
        .filter((c) => c.api === 'DescribeInstances' && c.outcome === 'OK')
        .map((c) => c.region),
    );

  it('asks EC2 only where managed nodes were or turn up, and still names the new ones', async () => {
    const { core, emulator } = world;
    expect(core.inventory.list().map((i) => i.name).sort()).toEqual(['web-1', 'web-2']);
    expect(ec2RegionsSince(0)).toEqual(new Set(['eu-west-1']));

    let from = emulator.control.calls().length;
    await core.inventory.scan();
    expect(ec2RegionsSince(from)).toEqual(new Set(['eu-west-1']));

    // A node turns up in a region that was empty: EC2 is asked there after all, for its name.
    emulator.control.launchInstance({ id: 'i-0bbbbbbbbbbbbbbb1', account: ACCOUNT, region: 'us-east-1', name: 'late-arrival', tags: { Team: 'batch' } });
    from = emulator.control.calls().length;
    await core.inventory.scan();
    expect(ec2RegionsSince(from)).toEqual(new Set(['eu-west-1', 'us-east-1']));
    expect(core.inventory.list().find((i) => i.instanceId === 'i-0bbbbbbbbbbbbbbb1')).toMatchObject({ name: 'late-arrival', region: 'us-east-1', tags: { Team: 'batch' } });
    const rows = core.inventory.snapshot().rows;
    expect(rows.find((r) => r.region === 'us-east-1')).toMatchObject({ state: 'done', instances: 1 });
    expect(rows.find((r) => r.region === 'eu-central-1')).toMatchObject({ state: 'done', instances: 0 });
    expect(rows.every((r) => !r.error)).toBe(true);
  });

  it('refuses to launch an instance where the fixture has no such account or region', () => {
    expect(() => world.emulator.control.launchInstance({ id: 'i-0ccccccccccccccc1', account: ACCOUNT, region: 'ap-south-1' })).toThrow(/not enabled/);
    expect(() => world.emulator.control.launchInstance({ id: 'i-0aaaaaaaaaaaaaaa1', account: ACCOUNT, region: 'eu-west-1' })).toThrow(/already exists/);
  });
});
