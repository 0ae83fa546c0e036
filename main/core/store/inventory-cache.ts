import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { InstanceSummarySchema, ScanRowSchema } from '../../../preload/contract/inventory';
import { writeAtomic } from '../tunnels/atomic-file';

/**
 * The last inventory on disk (instances and scan rows; never a token or a credential), so the app
 * opens with the fleet on screen and refreshes behind it.
 */

const CacheSchema = z.object({
  version: z.literal(1),
  savedAt: z.number(),
  instances: z.array(InstanceSummarySchema),
  rows: z.array(ScanRowSchema),
});
export type InventoryCache = z.infer<typeof CacheSchema>;

/** Undefined when absent or unreadable: a bad cache only costs one scan, never the start. */
export async function readInventoryCache(path: string): Promise<InventoryCache | undefined> {
  try {
    return CacheSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    return undefined;
  }
}

export async function writeInventoryCache(path: string, cache: Omit<InventoryCache, 'version'>): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeAtomic(path, JSON.stringify({ version: 1, ...cache }));
}
