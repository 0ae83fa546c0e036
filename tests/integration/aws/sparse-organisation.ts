import type { FixtureInput } from '../../../emulator/fixture';

/** One account, three regions, managed nodes in one of them (as in most of an organisation's regions: none). */
export const SPARSE_ACCOUNT = '111122223333';
export const SPARSE_ORGANISATION: FixtureInput = {
  sso: { startUrl: 'https://d-1111111111.awsapps.com/start', region: 'eu-west-1' },
  accounts: [{ id: SPARSE_ACCOUNT, name: 'sparse', roles: [{ name: 'Operator' }], regions: ['eu-west-1', 'us-east-1', 'eu-central-1'] }],
  instances: [
    { id: 'i-0aaaaaaaaaaaaaaa1', account: SPARSE_ACCOUNT, region: 'eu-west-1', name: 'web-1', tags: { Team: 'web' } },
    { id: 'i-0aaaaaaaaaaaaaaa2', account: SPARSE_ACCOUNT, region: 'eu-west-1', name: 'web-2' },
  ],
};
