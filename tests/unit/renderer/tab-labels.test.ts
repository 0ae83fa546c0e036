import { describe, expect, it } from 'vitest';
import { accountColour, isProductionName } from '../../../renderer/src/features/accounts/account-colour';
import { parseInstanceKey, tabLabels } from '../../../renderer/src/features/terminals/tab-labels';

const names = new Map([['111122223333', 'staging']]);

describe('tab labels', () => {
  it('name · account/region, duplicates numbered in opening order, unknown accounts by id', () => {
    const labels = tabLabels(
      [
        { tabId: 'a', instanceKey: 'corp/111122223333/eu-west-1/i-1', title: 'staging-web-1' },
        { tabId: 'b', instanceKey: 'corp/111122223333/eu-west-1/i-1', title: 'staging-web-1' },
        { tabId: 'c', instanceKey: 'corp/999988887777/us-east-1/i-2', title: 'db-1' },
        { tabId: 'd', instanceKey: 'corp/111122223333/eu-west-1/i-1', title: 'staging-web-1' },
      ],
      (id) => names.get(id),
    );
    expect([...labels.values()].map((l) => l.label)).toEqual(['staging-web-1 · staging/eu-west-1', 'staging-web-1 · staging/eu-west-1 (2)', 'db-1 · 999988887777/us-east-1', 'staging-web-1 · staging/eu-west-1 (3)']);
    expect(labels.get('c')?.accountId).toBe('999988887777');
  });

  it('reads source ids that contain slashes', () => {
    expect(parseInstanceKey('profile/with/slash/111122223333/eu-west-1/i-1')).toEqual({ sourceId: 'profile/with/slash', accountId: '111122223333', region: 'eu-west-1', instanceId: 'i-1' });
    expect(parseInstanceKey('111122223333/eu-west-1/i-1')).toEqual({ sourceId: '', accountId: '111122223333', region: 'eu-west-1', instanceId: 'i-1' });
    expect(parseInstanceKey('nonsense')).toBeUndefined();
    expect(parseInstanceKey('a/b/c/d')).toBeUndefined();
  });
});

describe('account colours', () => {
  it('production names are red by default, look-alikes are not', () => {
    for (const name of ['prod', 'Production', 'acme-prod', 'prd-payments', 'PROD_EU']) expect(isProductionName(name), name).toBe(true);
    for (const name of ['preprod', 'non-prod', 'nonprod', 'product-team', 'staging', 'sandbox']) expect(isProductionName(name), name).toBe(false);
  });

  it('a chosen colour wins, and "none" turns the default off', () => {
    expect(accountColour('1', 'prod', {})).toBe('red');
    expect(accountColour('1', 'prod', { '1': 'none' })).toBeUndefined();
    expect(accountColour('2', 'staging', { '2': 'blue' })).toBe('blue');
    expect(accountColour('2', undefined, {})).toBeUndefined();
  });
});
