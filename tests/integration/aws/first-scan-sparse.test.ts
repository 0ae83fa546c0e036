import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureInput } from '../../../emulator/fixture';
import type { InstanceSummary } from '../../../preload/contract/inventory';
import { startSignedInCore, type SignedInCore } from '../../support/signed-in-core';
import { SPARSE_ACCOUNT, SPARSE_ORGANISATION } from './sparse-organisation';

/**
 * A first scan knows nothing about the organisation, and most of its regions hold no managed
 * nodes: EC2 (names, tags, state) is asked only where Session Manager listed EC2 nodes, and the
 * nodes show from Session Manager's page at once, without waiting for EC2.
 */
const FIXTURE: FixtureInput = {
  ...SPARSE_ORGANISATION,
  // An on-premises node: Session Manager knows it, EC2 does not.
  instances: [...(SPARSE_ORGANISATION.instances ?? []), { id: 'mi-0bbbbbbbbbbbbbbb1', account: SPARSE_ACCOUNT, region: 'eu-central-1', name: 'rack-7' }],
  // EC2 answers late: rows that waited for it would show only after this.
  faults: { latencyMs: { DescribeInstances: 400 } },
};

describe('first scan of a sparse organisation', () => {
  let world: SignedInCore;
  /** Each delta's upserts, with how many DescribeInstances calls had been answered when it came. */
  const deltas: Array<{ upsert: InstanceSummary[]; ec2Answered: number }> = [];
  beforeAll(async () => {
    world = await startSignedInCore({
      fixture: FIXTURE,
      beforeSignIn: (core, emulator) =>
        core.inventory.onDelta((d) => {
          if (d.upsert.length) deltas.push({ upsert: d.upsert, ec2Answered: emulator.control.calls().filter((c) => c.api === 'DescribeInstances').length });
        }),
    });
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('asks EC2 only where Session Manager listed EC2 nodes, and shows the nodes before EC2 answers', async () => {
    const { core, emulator } = world;
    const ec2Calls = emulator.control.calls().filter((c) => c.api === 'DescribeInstances');
    expect(ec2Calls.map((c) => [c.region, c.outcome])).toEqual([['eu-west-1', 'OK']]);
    const ssmRegions = new Set(emulator.control.calls().filter((c) => c.api === 'DescribeInstanceInformation' && c.outcome === 'OK').map((c) => c.region));
    expect(ssmRegions).toEqual(new Set(['eu-west-1', 'us-east-1', 'eu-central-1']));

    // The first rows came from Session Manager alone: no EC2 answer yet, so no EC2 state or tags.
    const first = deltas[0]!;
    expect(first.ec2Answered).toBe(0);
    expect(first.upsert.length).toBeGreaterThan(0);
    for (const row of first.upsert) expect(row).not.toHaveProperty('state');
    // Then EC2's names and tags completed them.
    const byId = new Map(core.inventory.list().map((i) => [i.instanceId, i]));
    expect(byId.get('i-0aaaaaaaaaaaaaaa1')).toMatchObject({ name: 'web-1', state: 'running', tags: { Team: 'web' } });
    expect(byId.get('mi-0bbbbbbbbbbbbbbb1')).toMatchObject({ region: 'eu-central-1', resourceType: 'ManagedInstance' });
    expect(core.inventory.snapshot().rows.every((r) => !r.error)).toBe(true);
  });
});
