import type { AccountColour } from '../../../../preload/contract';

/**
 * The colour an account's tabs and rows carry: what the user chose, else red for an account whose
 * name says production ("prod", "production", "prd"), so a shell there never looks like staging.
 */

// "preprod", "non-prod" and "nonprod" are exactly the accounts that must not look like production.
const NOT_PRODUCTION = /(pre|non)[-_ ]?prod/i;
const PRODUCTION = /(^|[^a-z])(prod|production|prd)([^a-z]|$)/i;

export function isProductionName(accountName: string): boolean {
  return PRODUCTION.test(accountName) && !NOT_PRODUCTION.test(accountName);
}

export function accountColour(accountId: string, accountName: string | undefined, chosen: Readonly<Record<string, AccountColour>>): Exclude<AccountColour, 'none'> | undefined {
  const explicit = chosen[accountId];
  if (explicit) return explicit === 'none' ? undefined : explicit;
  return accountName && isProductionName(accountName) ? 'red' : undefined;
}
