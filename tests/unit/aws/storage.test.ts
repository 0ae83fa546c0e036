import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cliCacheFile, readCliToken, writeCliToken } from '../../../main/core/aws/cli-cache';
import { parseIni, sourcesFromIni } from '../../../main/core/aws/aws-config';
import { dataKeyAccount, EncryptedJsonFile } from '../../../main/core/store/encrypted-file';
import { MemorySecretStore } from '../../../main/core/store/secrets';

const Doc = z.object({ accessToken: z.string(), n: z.number() });

describe('encrypted token file', () => {
  it('round-trips, keeps only the data key in the secret store and nothing readable on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-enc-'));
    const path = join(dir, 'tokens.enc');
    const secrets = new MemorySecretStore();
    const file = new EncryptedJsonFile(path, secrets, Doc);
    await file.write({ accessToken: 'aoa-SECRET-TOKEN', n: 1 });
    expect(await file.read()).toEqual({ accessToken: 'aoa-SECRET-TOKEN', n: 1 });
    const key = (await secrets.get(dataKeyAccount(path)))!;
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    for (const name of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, name), 'utf8');
      expect(bytes).not.toContain('SECRET');
      expect(bytes).not.toContain(key);
    }
  });

  it('reads nothing when the key is gone or the file was tampered with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-enc-'));
    const path = join(dir, 'tokens.enc');
    const secrets = new MemorySecretStore();
    const file = new EncryptedJsonFile(path, secrets, Doc);
    await file.write({ accessToken: 't', n: 2 });
    const envelope = JSON.parse(readFileSync(path, 'utf8')) as { data: string };
    const flipped = Buffer.from(envelope.data, 'base64');
    flipped[0]! ^= 1;
    writeFileSync(path, JSON.stringify({ ...envelope, data: flipped.toString('base64') }));
    expect(await file.read()).toBeUndefined();
    await file.write({ accessToken: 't', n: 3 });
    await secrets.delete(dataKeyAccount(path));
    expect(await file.read()).toBeUndefined();
  });
});

describe('AWS CLI token cache', () => {
  it('writes the CLI format under sha1(session name) and reads it back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-cli-'));
    const expiresAt = Date.UTC(2030, 0, 2, 3, 4, 5);
    await writeCliToken(dir, 'my-sso', {
      startUrl: 'https://d-1.awsapps.com/start',
      region: 'eu-west-1',
      tokens: { accessToken: 'at', expiresAt, refreshToken: 'rt' },
      registration: { clientId: 'cid', clientSecret: 'cs', expiresAt: Date.UTC(2030, 3, 1), scopes: [], grantTypes: [] },
    });
    // sha1("my-sso"), as the CLI names it.
    const file = cliCacheFile(dir, 'my-sso');
    expect(file).toBe(join(dir, '0ad374308c5a4e22f723adf10145eafad7c4031c.json'));
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(raw).toEqual({ startUrl: 'https://d-1.awsapps.com/start', region: 'eu-west-1', accessToken: 'at', expiresAt: '2030-01-02T03:04:05Z', clientId: 'cid', clientSecret: 'cs', registrationExpiresAt: '2030-04-01T00:00:00Z', refreshToken: 'rt' });
    const back = await readCliToken(dir, 'my-sso', { startUrl: 'https://d-1.awsapps.com/start/' });
    expect(back?.tokens).toEqual({ accessToken: 'at', expiresAt, refreshToken: 'rt' });
    expect(await readCliToken(dir, 'my-sso', { startUrl: 'https://other.awsapps.com/start' })).toBeUndefined();
  });

  it('reads the JS SDK variant (millis in the date) and ignores broken files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-cli-'));
    writeFileSync(cliCacheFile(dir, 'https://x/start'), JSON.stringify({ startUrl: 'https://x/start', region: 'us-east-1', accessToken: 'a', expiresAt: '2031-05-06T07:08:09.123Z' }));
    expect((await readCliToken(dir, 'https://x/start', { startUrl: 'https://x/start' }))?.tokens.expiresAt).toBe(Date.UTC(2031, 4, 6, 7, 8, 9, 123));
    writeFileSync(cliCacheFile(dir, 'broken'), '{"startUrl":');
    expect(await readCliToken(dir, 'broken', { startUrl: 'https://x/start' })).toBeUndefined();
  });
});

describe('~/.aws/config sources', () => {
  it('finds sso-sessions, one legacy source per start URL, and credential profiles', () => {
    const config = parseIni(`
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Dev

[profile old1]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 1
sso_role_name = R
[profile old2]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1

[profile ops]
role_arn = arn:aws:iam::444455556666:role/Ops
source_profile = default
region = us-west-2
s3 =
  max_concurrent_requests = 20

[profile only-region]
region = eu-north-1
`);
    const credentials = parseIni('[default]\naws_access_key_id = AKIA\naws_secret_access_key = x # comment\n');
    const sources = sourcesFromIni(config, credentials);
    expect(sources.map((s) => [s.kind, s.id])).toEqual([
      ['sso', 'corp'],
      ['sso', 'old1'],
      ['profile', 'profile:ops'],
      ['profile', 'profile:default'],
    ]);
    expect(sources[0]).toMatchObject({ startUrl: 'https://corp.awsapps.com/start', region: 'eu-west-1', scopes: ['sso:account:access'], sessionName: 'corp' });
    expect(sources[1]).toMatchObject({ scopes: [], label: 'old1 (legacy)' });
    expect(sources[2]).toMatchObject({ accountId: '444455556666', region: 'us-west-2' });
  });
});
