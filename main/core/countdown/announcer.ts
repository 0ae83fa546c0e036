import { describeCut, warningKey, type CountdownsInfo } from '../../../preload/contract';

/**
 * Which warnings deserve a desktop notification now: each item's warning once (per cause and
 * minute, as the window's own notice), however often the countdowns are recomputed. Pure, so the
 * Electron shell only shows what this returns.
 */

export interface Announcement {
  key: string;
  title: string;
  body: string;
}

export function createAnnouncer(): (info: CountdownsInfo) => Announcement[] {
  const announced = new Set<string>();
  return (info) => {
    const out: Announcement[] = [];
    const current = new Set<string>();
    for (const item of info.items) {
      if (!item.warning) continue;
      const key = warningKey(item);
      current.add(key);
      if (announced.has(key)) continue;
      announced.add(key);
      out.push({ key, title: item.kind === 'tunnel' ? `${item.label} (tunnel)` : item.label, body: describeCut(item.warning, info.now, item.kind) });
    }
    // Forget warnings that went away (traffic, a new sign-in): the next one is news again.
    for (const key of announced) if (!current.has(key)) announced.delete(key);
    return out;
  };
}
