import { z } from 'zod';
import { ProfileInputSchema, ProfileSchema, TunnelKindSchema } from '../../main/core/tunnels/profile-schema';
import { event, noArg, request } from './define';

/**
 * IPC channels and events of the tunnels feature. Owned by that feature; assembled in preload/contract.ts.
 * Profile schemas live with the store (main/core/tunnels/profile-schema.ts, zod only) so the file
 * format and the contract cannot drift apart.
 */
export { ProfileSchema as TunnelProfileSchema, ProfileInputSchema as TunnelProfileInputSchema, isExposedBindAddress, DEFAULT_REMOTE_PORTS } from '../../main/core/tunnels/profile-schema';
export type { TunnelProfile, TunnelProfileInput, TunnelKind, LauncherClient } from '../../main/core/tunnels/profile-schema';

export const TunnelStatusSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: TunnelKindSchema,
  destination: z.string(),
  state: z.enum(['starting', 'listening', 'reconnecting', 'failed', 'stopped']),
  bindAddress: z.string(),
  localPort: z.number().int(),
  mode: z.enum(['stdio', 'basic', 'mux']).nullable(),
  sessions: z.number().int(),
  counters: z.object({
    connectionsActive: z.number().int(),
    connectionsTotal: z.number().int(),
    connectionsFailed: z.number().int(),
    bytesUp: z.number(),
    bytesDown: z.number(),
    throughputUp: z.number(),
    throughputDown: z.number(),
    reconnects: z.number().int(),
  }),
  lastError: z.string().nullable(),
  lastErrorKind: z.enum(['destination', 'session', 'open']).nullable(),
  lastErrorAt: z.number().nullable(),
  lastConnectedAt: z.number().nullable(),
  startedAt: z.number(),
  /** Connect once: the profile it runs, in memory only until saved with tunnels.saveOnce. */
  unsaved: ProfileSchema.optional(),
});
export type TunnelStatusInfo = z.infer<typeof TunnelStatusSchema>;

export const LaunchResultSchema = z.object({
  launched: z.boolean(),
  client: z.string().optional(),
  message: z.string(),
  /** What to do instead, when the client could not be started. */
  hint: z.string().optional(),
  details: z.string().optional(),
  /** Ready-made text to connect by hand (command line, URI, details), each behind a Copy button. */
  copies: z.array(z.object({ label: z.enum(['Command', 'URI', 'Details']), text: z.string().max(8000) })).max(3).optional(),
});

export type LaunchResult = z.infer<typeof LaunchResultSchema>;

const id = z.string().min(1).max(64);

export const tunnelsChannels = {
  'tunnels.profiles.list': request(noArg, z.object({ profiles: z.array(ProfileSchema) })),
  'tunnels.profiles.save': request(ProfileInputSchema, ProfileSchema),
  'tunnels.profiles.delete': request(z.object({ id }).strict(), z.object({ deleted: z.boolean() })),
  'tunnels.profiles.export': request(z.object({ ids: z.array(id).max(1000).optional() }).strict(), z.object({ json: z.string() })),
  'tunnels.profiles.import': request(z.object({ json: z.string().max(5_000_000) }).strict(), z.object({ imported: z.number().int() })),
  'tunnels.list': request(noArg, z.object({ tunnels: z.array(TunnelStatusSchema) })),
  'tunnels.start': request(z.object({ profileId: id }).strict(), TunnelStatusSchema),
  'tunnels.stop': request(z.object({ id }).strict(), z.object({ stopped: z.boolean() })),
  /** Connect once: starts a tunnel from a profile that is not saved (gone when it stops). */
  'tunnels.startOnce': request(ProfileInputSchema, TunnelStatusSchema),
  /** Saves a Connect-once tunnel's profile; the tunnel keeps running under the saved id. */
  'tunnels.saveOnce': request(z.object({ id }).strict(), ProfileSchema),
  /** Starts the tunnel if needed, then the profile's client (RDP / DB / custom). */
  'tunnels.launch': request(z.object({ id }).strict(), LaunchResultSchema),
} as const;

export const tunnelsEvents = {
  /** Status and counters of every running tunnel (a few times a second at most). */
  'tunnels.changed': event(z.object({ tunnels: z.array(TunnelStatusSchema) })),
  'tunnels.profilesChanged': event(z.object({ profiles: z.array(ProfileSchema) })),
} as const;
