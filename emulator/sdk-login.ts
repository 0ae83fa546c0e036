import { GetRoleCredentialsCommand, SSOClient } from '@aws-sdk/client-sso';
import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import type { RunningEmulator } from './index';

/**
 * Signs in to a running emulator with the real SDK clients (device flow, approved through the
 * control API) and fetches role credentials. For tests and demos that need SigV4 credentials
 * without exercising the login UI.
 */

export interface EmulatorLogin {
  accessToken: string;
  refreshToken?: string;
  clientId: string;
  clientSecret: string;
}

/** What signing in needs: the emulator's address, its SSO settings, and (without auto-approve) its control API. */
export interface SignInTarget {
  url: string;
  fixture(): { sso: { startUrl: string; region: string } };
  control?: Pick<RunningEmulator['control'], 'pendingUserCodes' | 'approveDevice'>;
}

export async function signInToEmulator(emu: SignInTarget, username?: string): Promise<EmulatorLogin> {
  const region = emu.fixture().sso.region;
  const oidc = new SSOOIDCClient({ region, endpoint: emu.url });
  try {
    const client = await oidc.send(new RegisterClientCommand({ clientName: 'bastionless-test', clientType: 'public', scopes: ['sso:account:access'] }));
    const device = await oidc.send(
      new StartDeviceAuthorizationCommand({ clientId: client.clientId!, clientSecret: client.clientSecret!, startUrl: emu.fixture().sso.startUrl }),
    );
    if (emu.control?.pendingUserCodes().includes(device.userCode!)) emu.control.approveDevice(device.userCode!, username);
    const token = await oidc.send(
      new CreateTokenCommand({
        clientId: client.clientId!,
        clientSecret: client.clientSecret!,
        grantType: 'urn:ietf:params:oauth:grant-type:device_code',
        deviceCode: device.deviceCode!,
      }),
    );
    return {
      accessToken: token.accessToken!,
      ...(token.refreshToken ? { refreshToken: token.refreshToken } : {}),
      clientId: client.clientId!,
      clientSecret: client.clientSecret!,
    };
  } finally {
    oidc.destroy();
  }
}

export interface EmulatorRoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export async function emulatorRoleCredentials(emu: SignInTarget, accessToken: string, accountId: string, roleName: string): Promise<EmulatorRoleCredentials> {
  const sso = new SSOClient({ region: emu.fixture().sso.region, endpoint: emu.url });
  try {
    const out = await sso.send(new GetRoleCredentialsCommand({ accessToken, accountId, roleName }));
    const c = out.roleCredentials!;
    return { accessKeyId: c.accessKeyId!, secretAccessKey: c.secretAccessKey!, sessionToken: c.sessionToken!, expiration: new Date(c.expiration!) };
  } finally {
    sso.destroy();
  }
}
