import type { Fixture } from './fixture';

export const SSO_SESSION_NAME = 'bastionless-emulator';

/** The standard per-service endpoint variables the AWS SDKs and CLI read, all pointing at the emulator. */
export function endpointEnv(url: string, ssoRegion: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_SSO_OIDC: url,
    AWS_ENDPOINT_URL_SSO: url,
    AWS_ENDPOINT_URL_SSM: url,
    AWS_ENDPOINT_URL_EC2: url,
    AWS_ENDPOINT_URL_KMS: url,
    AWS_ENDPOINT_URL_STS: url,
    AWS_REGION: ssoRegion,
  };
}

function profileName(accountName: string, role: string): string {
  return `${accountName}-${role}`.toLowerCase().replace(/[^a-z0-9_-]+/g, '-');
}

/**
 * A ~/.aws/config fragment for the fixture: the sso-session, a profile per (account, role), and a
 * services section so SDKs reach the emulator even without the environment variables.
 */
export function awsConfigSnippet(fixture: Fixture, url: string): string {
  const lines = [
    `[sso-session ${SSO_SESSION_NAME}]`,
    `sso_start_url = ${fixture.sso.startUrl}`,
    `sso_region = ${fixture.sso.region}`,
    'sso_registration_scopes = sso:account:access',
    '',
    `[services ${SSO_SESSION_NAME}]`,
    ...['sso-oidc', 'sso', 'ssm', 'ec2', 'kms'].flatMap((s) => [`${s} =`, `  endpoint_url = ${url}`]),
    '',
  ];
  for (const account of fixture.accounts) {
    for (const role of account.roles) {
      lines.push(
        `[profile ${profileName(account.name, role.name)}]`,
        `sso_session = ${SSO_SESSION_NAME}`,
        `sso_account_id = ${account.id}`,
        `sso_role_name = ${role.name}`,
        `region = ${account.regions[0]}`,
        `services = ${SSO_SESSION_NAME}`,
        '',
      );
    }
  }
  return lines.join('\n');
}
