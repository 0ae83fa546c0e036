/**
 * What each shell tab is called: the instance's name with where it lives
 * (`web-1 · staging/eu-west-1`), and a number when the same instance is open more than once
 * (`web-1 · staging/eu-west-1 (2)`), in the order the tabs were opened.
 */

export interface TabForLabel {
  tabId: string;
  /** InventoryService key: sourceId/accountId/region/instanceId (accountId/region/instanceId also read). */
  instanceKey: string;
  title: string;
}

export interface TabLabel {
  label: string;
  accountId: string;
}

export function parseInstanceKey(key: string): { sourceId: string; accountId: string; region: string; instanceId: string } | undefined {
  const parts = key.split('/');
  if (parts.length < 3 || !/^\d{12}$/.test(parts.at(-3)!)) return undefined;
  const [instanceId, region, accountId] = [parts.at(-1)!, parts.at(-2)!, parts.at(-3)!];
  return { sourceId: parts.slice(0, -3).join('/'), accountId, region, instanceId };
}

export function tabLabels(tabs: readonly TabForLabel[], accountName: (accountId: string) => string | undefined): Map<string, TabLabel> {
  const seen = new Map<string, number>();
  const labels = new Map<string, TabLabel>();
  for (const tab of tabs) {
    const where = parseInstanceKey(tab.instanceKey);
    const base = where ? `${tab.title} · ${accountName(where.accountId) ?? where.accountId}/${where.region}` : tab.title;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    labels.set(tab.tabId, { label: n === 1 ? base : `${base} (${n})`, accountId: where?.accountId ?? '' });
  }
  return labels;
}
