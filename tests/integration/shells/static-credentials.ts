import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** A provider for credentials already in hand (the test signed in itself). */
export const fromStatic =
  (creds: AwsCredentialIdentity): AwsCredentialIdentityProvider =>
  () =>
    Promise.resolve(creds);
