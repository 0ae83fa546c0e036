import { z } from 'zod';
import { event, IpcErrorSchema, noArg, request } from './define';

/**
 * IPC channels and events of the inventory feature. Owned by that feature; assembled in preload/contract.ts.
 * No secrets here: instances, per-(account, region) scan rows and progress only.
 */

export const PlatformSchema = z.enum(['Linux', 'Windows', 'MacOS', 'Unknown']);
export const PingStatusSchema = z.enum(['Online', 'ConnectionLost', 'Inactive', 'Unknown']);

/** One managed instance, as discovery found it. `key` is stable across refreshes and restarts. */
export const InstanceSummarySchema = z.object({
  /** `${sourceId}/${accountId}/${region}/${instanceId}`; treat as opaque. */
  key: z.string().min(1).max(500),
  sourceId: z.string(),
  accountId: z.string(),
  accountName: z.string(),
  roleName: z.string(),
  region: z.string(),
  instanceId: z.string(),
  name: z.string().optional(),
  platform: PlatformSchema,
  platformName: z.string().optional(),
  pingStatus: PingStatusSchema,
  /** EC2 state (running, stopped…); absent for on-prem mi- nodes. */
  state: z.string().optional(),
  privateIp: z.string().optional(),
  agentVersion: z.string().optional(),
  tags: z.record(z.string(), z.string()),
  resourceType: z.enum(['EC2Instance', 'ManagedInstance', 'Unknown']),
  computerName: z.string().optional(),
});
export type InstanceSummary = z.infer<typeof InstanceSummarySchema>;

/**
 * One scanned (source, account, region). Failures before regions are known (no role, no
 * credentials, DescribeRegions refused) are reported on a row with region "*".
 */
export const ScanRowSchema = z.object({
  id: z.string(),
  sourceId: z.string(),
  accountId: z.string(),
  accountName: z.string(),
  region: z.string(),
  /** The role the account-region was scanned with (absent on "*" rows and older caches). */
  roleName: z.string().optional(),
  /** The account's other roles of yours, to offer instead when this one is refused. */
  otherRoles: z.array(z.string()).optional(),
  state: z.enum(['pending', 'loading', 'done', 'error']),
  instances: z.number().int().min(0),
  error: IpcErrorSchema.optional(),
});
export type ScanRow = z.infer<typeof ScanRowSchema>;

export const InventoryProgressSchema = z.object({
  /** Account-regions finished (including failed ones) out of those known so far. */
  done: z.number().int().min(0),
  total: z.number().int().min(0),
  running: z.boolean(),
  /** When the last complete scan finished (epoch ms); absent before the first one. */
  updatedAt: z.number().optional(),
  /** True while showing the on-disk cache of a previous run. */
  fromCache: z.boolean(),
});
export type InventoryProgress = z.infer<typeof InventoryProgressSchema>;

export const InventorySnapshotSchema = z.object({
  instances: z.array(InstanceSummarySchema),
  rows: z.array(ScanRowSchema),
  progress: InventoryProgressSchema,
});
export type InventorySnapshot = z.infer<typeof InventorySnapshotSchema>;

/** What changed since the last event: the renderer merges it into what it holds. */
export const InventoryDeltaSchema = z.object({
  /** A new scan started (or the cache was replaced): drop everything held first. */
  reset: z.boolean(),
  upsert: z.array(InstanceSummarySchema),
  /** Keys no longer present (instance gone since the last scan of its account-region). */
  remove: z.array(z.string()),
  rows: z.array(ScanRowSchema),
  progress: InventoryProgressSchema,
});
export type InventoryDelta = z.infer<typeof InventoryDeltaSchema>;

export const inventoryChannels = {
  /** Everything known now (cache or live), for a window that (re)loads. */
  'inventory.snapshot': request(noArg, InventorySnapshotSchema),
  /** Starts a scan of every signed-in source (no-op when one is running); progress arrives as events. */
  'inventory.refresh': request(noArg, z.object({ started: z.boolean() })),
  /** The instance behind a key (for details panels and other features). */
  'inventory.get': request(z.object({ key: z.string().min(1).max(500) }).strict(), InstanceSummarySchema),
} as const;

export const inventoryEvents = {
  'inventory.delta': event(InventoryDeltaSchema),
} as const;
