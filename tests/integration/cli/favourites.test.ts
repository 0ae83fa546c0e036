import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreferencesStore } from '../../../main/core/store/preferences';
import { startCliWorld, type CliWorld } from './world';

/** `bastionless ls --favourites` lists what the app starred: one preferences file for both. */

const PROD = '111122223333';
let world: CliWorld;

beforeAll(async () => {
  world = await startCliWorld({
    sso: { startUrl: 'https://d-1111111111.awsapps.com/start', region: 'eu-west-1' },
    accounts: [{ id: PROD, name: 'prod', roles: [{ name: 'Admin' }], regions: ['eu-west-1'] }],
    instances: [
      { id: 'i-0a1b2c3d4e5f60001', account: PROD, region: 'eu-west-1', name: 'web-1' },
      { id: 'i-0a1b2c3d4e5f60002', account: PROD, region: 'eu-west-1', name: 'web-2' },
      { id: 'i-0a1b2c3d4e5f60003', account: PROD, region: 'eu-west-1', name: 'db-1' },
    ],
  });
  const login = await world.run(['login', '--no-browser']);
  expect(login.code, login.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

describe('bastionless ls --favourites', () => {
  it('says there are none yet, then lists exactly the starred instances under either spelling', async () => {
    const none = await world.run(['ls', '--favourites']);
    expect(none.code).toBe(0);
    expect(none.stdout.length).toBe(0);
    expect(none.stderr).toContain('No favourites yet');

    const all = JSON.parse((await world.run(['ls', '--json'])).stdout.toString()) as Array<{ key: string; name: string }>;
    const store = new PreferencesStore(world.dataDir);
    for (const name of ['db-1', 'web-2']) await store.setFavourite(all.find((i) => i.name === name)!.key, true);

    const starred = await world.run(['ls', '--favourites', '--json']);
    expect(starred.code).toBe(0);
    expect((JSON.parse(starred.stdout.toString()) as Array<{ name: string }>).map((i) => i.name)).toEqual(['db-1', 'web-2']);
    const table = await world.run(['ls', '--favorites', '--filter', 'web']);
    expect(table.stdout.toString().trim().split('\n')).toHaveLength(2);
    expect(table.stdout.toString()).toMatch(/prod\s+eu-west-1\s+web-2\s+i-0a1b2c3d4e5f60002/);
  });
});
