import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignedInCore, type SignedInCore } from '../../support/signed-in-core';

describe('startSignedInCore (demo fleet)', () => {
  let world: SignedInCore;
  beforeAll(async () => {
    world = await startSignedInCore();
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('signs in through the device flow and discovers the fleet, AccessDenied on its row only', () => {
    const { core } = world;
    expect(core.auth.sources().find((s) => s.id === world.sourceId)?.state).toBe('signed-in');
    const fixture = world.emulator.fixture();
    const deniedPairs = fixture.faults.accessDenied;
    // Session Manager lists running managed nodes only (a stopped instance has no agent to answer).
    const expected = fixture.instances.filter((i) => i.state === 'running' && !deniedPairs.some((d) => d.account === i.account && (!d.region || d.region === i.region)));
    const found = core.inventory.list();
    expect(found.map((i) => i.instanceId).sort()).toEqual(expected.map((i) => i.id).sort());
    const web = found.find((i) => i.name === 'prod-web-1')!;
    expect(web).toMatchObject({ accountName: 'prod', region: 'eu-west-1', platform: 'Linux', tags: { Environment: 'prod', Team: 'web' } });
    const rows = core.inventory.snapshot().rows;
    const denied = rows.find((r) => r.accountId === '210987654321' && r.region === 'ap-southeast-2')!;
    expect(denied.state).toBe('error');
    expect(denied.error?.code).toBe('access-denied');
    expect(rows.filter((r) => r.state === 'error').map((r) => `${r.id}: ${r.error?.message}`)).toEqual([`${denied.id}: ${denied.error?.message}`]);
    expect(core.inventory.snapshot().progress).toMatchObject({ running: false, fromCache: false });
    // Default regions are scanned before DescribeRegions answers; the ones this (emulated)
    // account does not have leave no row behind, and its opt-in region is scanned after.
    const optInAccount = rows.filter((r) => r.accountId === '456789012345').map((r) => r.region);
    expect(optInAccount.sort()).toEqual(['af-south-1', 'eu-west-1']);
    expect(found.some((i) => i.accountId === '456789012345' && i.region === 'af-south-1')).toBe(true);
    const enabledPairs = fixture.accounts.reduce((n, a) => n + a.regions.length, 0);
    expect(rows).toHaveLength(enabledPairs);
    expect(core.inventory.snapshot().progress).toMatchObject({ done: enabledPairs, total: enabledPairs });
  });

  it('resolves a key to a target whose credentials start a session', async () => {
    const { core } = world;
    const web = core.inventory.list().find((i) => i.name === 'prod-web-1')!;
    const target = core.inventory.resolve(web.key);
    expect(target).toMatchObject({ instanceId: web.instanceId, accountId: '210987654321', region: 'eu-west-1', sourceId: world.sourceId });
    const creds = await core.credentials(target)();
    expect(creds.accessKeyId).toMatch(/\S/);
    const session = await core.sessions.start(target);
    expect(session.streamUrl).toContain(world.emulator.url.replace('http', 'ws'));
    await core.sessions.terminate(target, session.sessionId);
    expect(core.appState.get().recentInstances[0]).toMatchObject({ key: web.key, label: 'prod-web-1' });
    expect(core.appState.get().signIn.state).toBe('signed-in');
  });

  it('says what to do for an unknown key', () => {
    expect(() => world.core.inventory.resolve('nope/1/2/i-0')).toThrow(expect.objectContaining({ code: 'unknown-instance', hint: expect.stringMatching(/Refresh/) }));
  });
});
