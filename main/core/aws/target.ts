import type { AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * Where a session goes and as whom: the instance plus the (source, account, role, region) whose
 * credentials reach it. The inventory resolves an instance key to one of these.
 */
export interface SessionTarget {
  /** The sign-in source (an sso-session name, or a profile name) whose credentials are used. */
  sourceId: string;
  accountId: string;
  /** Role (permission set) name; for plain profiles, the profile's own identity. */
  roleName: string;
  region: string;
  instanceId: string;
  name?: string;
  platform: 'Linux' | 'Windows' | 'MacOS' | 'Unknown';
  agentVersion?: string;
}

/** Credentials for a target's (source, account, role); refreshed by the provider as they expire. */
export type CredentialsForTarget = (target: Pick<SessionTarget, 'sourceId' | 'accountId' | 'roleName'>) => AwsCredentialIdentityProvider;
