import { z } from 'zod';

/**
 * Saved tunnel profiles, as stored on disk (tunnel-profiles.json) and as crossing IPC.
 * The file carries a version; older versions are migrated on load (profile-migrations.ts).
 */

export const PROFILES_FILE_VERSION = 1;

const accountId = z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits');
const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'a region looks like "eu-west-1"');
const port = z.number().int().min(1).max(65535);

export const ProfileSourceSchema = z.discriminatedUnion('type', [
  /** IAM Identity Center: an sso-session, one of its accounts, a role (permission set). */
  z.object({ type: z.literal('sso'), ssoSession: z.string().min(1), accountId, roleName: z.string().min(1) }).strict(),
  /** A ~/.aws/config profile; the account is kept so the tray and lists can show it. */
  z.object({ type: z.literal('profile'), profile: z.string().min(1), accountId }).strict(),
]);

export const ProfileTargetSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('instance'), instanceId: z.string().regex(/^(i-[0-9a-f]{8,17}|mi-[0-9a-f]{17})$/, 'an instance id looks like "i-0123456789abcdef0"') }).strict(),
  /** Resolved at start: the one online managed instance carrying every tag (autoscaled hosts). */
  z.object({ type: z.literal('tags'), tags: z.record(z.string().min(1), z.string()).refine((t) => Object.keys(t).length > 0, 'give at least one tag') }).strict(),
]);

export const TunnelKindSchema = z.enum(['rdp', 'postgres', 'mysql', 'custom']);
export type TunnelKind = z.infer<typeof TunnelKindSchema>;

export const LauncherClientSchema = z.enum(['auto', 'none', 'mstsc', 'windows-app', 'xfreerdp', 'remmina', 'psql', 'mysql', 'dbeaver', 'tableplus', 'custom']);
export type LauncherClient = z.infer<typeof LauncherClientSchema>;

export const LauncherSettingsSchema = z
  .object({
    client: LauncherClientSchema.default('auto'),
    username: z.string().max(256).optional(),
    database: z.string().max(256).optional(),
    /** For kind custom/client custom: e.g. "mycli -h {host} -P {port} -u {user} {db}". */
    commandTemplate: z.string().max(2000).optional(),
    fullscreen: z.boolean().default(false),
    /** libpq sslmode verify-full against the real endpoint name while connecting to 127.0.0.1. */
    tlsServerName: z.string().max(253).optional(),
  })
  .strict();
export type LauncherSettings = z.infer<typeof LauncherSettingsSchema>;

export const ProfileSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{6,64}$/),
    name: z.string().trim().min(1, 'a profile needs a name').max(120),
    source: ProfileSourceSchema,
    region,
    target: ProfileTargetSchema,
    /** Omitted: the port on the instance itself; set: a host reached through it (RDS endpoint, …). */
    remoteHost: z.string().min(1).max(253).optional(),
    remotePort: port,
    /** 0: pick a free port at start. */
    localPort: z.number().int().min(0).max(65535).default(0),
    /** 127.0.0.1 unless the user deliberately exposes the tunnel to other machines. */
    bindAddress: z.union([z.ipv4(), z.ipv6()]).default('127.0.0.1'),
    poolSize: z.number().int().min(1).max(8).default(2),
    kind: TunnelKindSchema,
    launcher: LauncherSettingsSchema.default({ client: 'auto', fullscreen: false }),
    autoStart: z.boolean().default(false),
    pinned: z.boolean().default(false),
    createdAt: z.string().datetime(),
    lastUsedAt: z.string().datetime().optional(),
  })
  .strict();
export type TunnelProfile = z.infer<typeof ProfileSchema>;

/** What a caller provides to create or edit a profile; the store fills id and dates. */
export const ProfileInputSchema = ProfileSchema.omit({ id: true, createdAt: true, lastUsedAt: true }).extend({ id: ProfileSchema.shape.id.optional() });
export type TunnelProfileInput = z.input<typeof ProfileInputSchema>;

export const ProfilesFileSchema = z
  .object({
    version: z.literal(PROFILES_FILE_VERSION),
    profiles: z.array(ProfileSchema),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.profiles.forEach((p, i) => {
      if (seen.has(p.id)) ctx.addIssue({ code: 'custom', path: ['profiles', i, 'id'], message: `duplicate profile id ${p.id}` });
      seen.add(p.id);
    });
  });
export type ProfilesFile = z.infer<typeof ProfilesFileSchema>;

/** True when the bind address lets other machines reach the tunnel (the UI warns). */
export function isExposedBindAddress(address: string): boolean {
  return !(address === '::1' || address.startsWith('127.'));
}

export const DEFAULT_REMOTE_PORTS: Record<TunnelKind, number> = { rdp: 3389, postgres: 5432, mysql: 3306, custom: 80 };
