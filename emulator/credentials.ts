import { randomBytes } from 'node:crypto';

/** Role credentials as GetRoleCredentials hands them out, with what they stand for. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  account: string;
  role: string;
  username: string;
  /** Epoch milliseconds on the emulator clock. */
  expiresAt: number;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function accessKeyId(): string {
  const bytes = randomBytes(16);
  // "ASIA" marks temporary (STS-issued) keys, as for real SSO role credentials.
  return 'ASIA' + Array.from(bytes, (b) => KEY_ALPHABET[b % 32]).join('');
}

/** Every signed request is checked against this store: the access key decides account and role. */
export class CredentialStore {
  private readonly byKey = new Map<string, IssuedCredentials>();

  issue(account: string, role: string, username: string, expiresAt: number): IssuedCredentials {
    const creds: IssuedCredentials = {
      accessKeyId: accessKeyId(),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: 'IQoJb3JpZ2luX2VtdWxhdG9y' + randomBytes(96).toString('base64'),
      account,
      role,
      username,
      expiresAt,
    };
    this.byKey.set(creds.accessKeyId, creds);
    return creds;
  }

  lookup(accessKeyId: string): IssuedCredentials | undefined {
    return this.byKey.get(accessKeyId);
  }

  /** Expires every credential at once (control API: simulate a revoked session). */
  expireAll(now: number): void {
    for (const creds of this.byKey.values()) creds.expiresAt = Math.min(creds.expiresAt, now);
  }
}
