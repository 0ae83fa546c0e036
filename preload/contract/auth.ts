import { z } from 'zod';
import { event, IpcErrorSchema, noArg, request } from './define';
import { KeychainChoiceSchema } from './preferences';

/**
 * IPC channels and events of the auth feature. Owned by that feature; assembled in preload/contract.ts.
 * Tokens and credentials never cross this boundary: only source states and the device user code
 * (which the person must see to type it in the browser).
 */

export const SourceStateSchema = z.enum(['signed-out', 'signing-in', 'signed-in', 'expired', 'error']);

/** A device code waiting for the person to approve it in the browser. */
export const PendingSignInSchema = z.object({
  method: z.enum(['device', 'pkce']),
  userCode: z.string().optional(),
  /** The page to open (with the code filled in for the device flow). */
  verificationUrl: z.string(),
  expiresAt: z.number(),
});
export type PendingSignIn = z.infer<typeof PendingSignInSchema>;

/** Plain ~/.aws/config profiles are sources with this id (sso-sessions use their own name). */
export const profileSourceId = (profileName: string): string => `profile:${profileName}`;
export const isProfileSourceId = (sourceId: string): boolean => sourceId.startsWith('profile:');

export const SourceInfoSchema = z.object({
  id: z.string(),
  kind: z.enum(['sso', 'profile']),
  label: z.string(),
  /** Where it came from: ~/.aws/config, added in the app, or the AWS CLI's token cache. */
  origin: z.enum(['config', 'app']),
  startUrl: z.string().optional(),
  region: z.string().optional(),
  state: SourceStateSchema,
  /** Access token expiry (epoch ms) when signed in. */
  expiresAt: z.number().optional(),
  /** True when a refresh token lets the app renew the sign-in without the browser. */
  refreshable: z.boolean(),
  pending: PendingSignInSchema.optional(),
  error: IpcErrorSchema.optional(),
});
export type SourceInfo = z.infer<typeof SourceInfoSchema>;

export const AuthSettingsSchema = z.object({
  /** Roles to use per account, most preferred first; otherwise the account's first role. */
  rolePreference: z.array(z.string().min(1).max(128)).max(50),
  /** A role picked for one account ("Use ReadOnly instead"); beats rolePreference there. */
  accountRoles: z.record(z.string().regex(/^\d{12}$/, 'a 12-digit account id'), z.string().min(1).max(128)).optional(),
  /** Regions to scan; empty = every enabled region. */
  regions: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a region name like eu-west-1')).max(40),
  /** Also write the AWS CLI token cache so `aws` and Bastionless share one sign-in. */
  shareCliCache: z.boolean(),
});
export type AuthSettings = z.infer<typeof AuthSettingsSchema>;

/**
 * Where the token file's data key is kept. 'memory' is the demo's throwaway store (not a choice).
 * `problem` is set when that place cannot be used now (no D-Bus session, a locked keychain).
 */
export const KeychainStateSchema = z.object({
  choice: z.enum(['os', 'file', 'memory']),
  where: z.string(),
  problem: IpcErrorSchema.optional(),
});
export type KeychainState = z.infer<typeof KeychainStateSchema>;

const sourceId = z.string().min(1).max(200);

export const authChannels = {
  'auth.sources': request(noArg, z.array(SourceInfoSchema)),
  /** Starts sign-in in the background; the code (and URL) arrive in auth.changed and in the result. */
  'auth.signIn': request(
    z.object({ sourceId, method: z.enum(['device', 'pkce']).optional() }).strict(),
    SourceInfoSchema,
  ),
  'auth.cancel': request(z.object({ sourceId }).strict(), z.object({ cancelled: z.boolean() })),
  'auth.signOut': request(z.object({ sourceId }).strict(), z.object({ signedOut: z.boolean() })),
  /** Adds an IAM Identity Center start URL that is not in ~/.aws/config. */
  'auth.addSource': request(
    z
      .object({
        startUrl: z.string().url().max(500).refine((u) => u.startsWith('https://') || u.startsWith('http://127.0.0.1'), 'an https:// start URL'),
        region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'the Identity Center region, like eu-west-1'),
        name: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-"').optional(),
      })
      .strict(),
    SourceInfoSchema,
  ),
  /** Forgets a start URL added in the app (its sign-in too); config-file sources are refused. */
  'auth.removeSource': request(z.object({ sourceId }).strict(), z.object({ removed: z.literal(true) })),
  'auth.settings': request(noArg, AuthSettingsSchema),
  'auth.updateSettings': request(AuthSettingsSchema.partial().strict(), AuthSettingsSchema),
  /** Where the sign-in key is kept, checked now (answers within the keychain timeout). */
  'auth.keychain': request(noArg, KeychainStateSchema),
  /** Moves the sign-in key to the OS keychain or the 0600 key file; the choice holds for the CLI too. */
  'auth.setKeychain': request(z.object({ choice: KeychainChoiceSchema }).strict(), KeychainStateSchema),
} as const;

export const authEvents = {
  /** Any source changed state (sign-in started, code approved, token refreshed or expired). */
  'auth.changed': event(z.object({ sources: z.array(SourceInfoSchema) })),
  /** Main asks the window to open a sign-in page (the web host cannot open the system browser). */
  'auth.openUrl': event(z.object({ url: z.string().url() })),
} as const;
