import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { writeAtomic } from '../tunnels/atomic-file';
import type { Registration, TokenSet } from './sso';

/**
 * The AWS CLI v2 token cache (~/.aws/sso/cache/<sha1(key)>.json). Read when present so a fresh
 * `aws sso login` signs Bastionless in too; written only when the user opts in, so both tools share
 * one sign-in. The key is the sso-session name, or the start URL for legacy profiles.
 */

export const cliCacheDir = (home: string = homedir()) => join(home, '.aws', 'sso', 'cache');

export const cliCacheFile = (dir: string, key: string) => join(dir, `${createHash('sha1').update(key, 'utf8').digest('hex')}.json`);

const CliTokenSchema = z.object({
  startUrl: z.string(),
  region: z.string(),
  accessToken: z.string().min(1),
  expiresAt: z.string(),
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
  registrationExpiresAt: z.string().optional(),
  refreshToken: z.string().optional(),
});
export type CliToken = z.infer<typeof CliTokenSchema>;

/** The CLI writes `2026-01-01T10:00:00Z`, the JS SDK adds millis; both must parse. */
function parseTime(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text.endsWith('Z') || /[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** CLI format: UTC, no milliseconds. */
export const cliTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface CachedSignIn {
  tokens: TokenSet;
  registration?: Registration;
}

export async function readCliToken(dir: string, key: string, expect: { startUrl: string }): Promise<CachedSignIn | undefined> {
  let text: string;
  try {
    text = await readFile(cliCacheFile(dir, key), 'utf8');
  } catch {
    return undefined;
  }
  let parsed: CliToken;
  try {
    parsed = CliTokenSchema.parse(JSON.parse(text));
  } catch {
    return undefined; // a half-written or foreign file is not a sign-in
  }
  if (parsed.startUrl.replace(/\/+$/, '') !== expect.startUrl.replace(/\/+$/, '')) return undefined;
  const expiresAt = parseTime(parsed.expiresAt);
  if (expiresAt === undefined) return undefined;
  const regExpires = parseTime(parsed.registrationExpiresAt);
  return {
    tokens: { accessToken: parsed.accessToken, expiresAt, ...(parsed.refreshToken ? { refreshToken: parsed.refreshToken } : {}) },
    ...(parsed.clientId && parsed.clientSecret && regExpires
      ? { registration: { clientId: parsed.clientId, clientSecret: parsed.clientSecret, expiresAt: regExpires, scopes: [], grantTypes: [] } }
      : {}),
  };
}

export async function writeCliToken(dir: string, key: string, value: { startUrl: string; region: string; tokens: TokenSet; registration: Registration }): Promise<void> {
  const body: CliToken = {
    startUrl: value.startUrl,
    region: value.region,
    accessToken: value.tokens.accessToken,
    expiresAt: cliTime(value.tokens.expiresAt),
    clientId: value.registration.clientId,
    clientSecret: value.registration.clientSecret,
    registrationExpiresAt: cliTime(value.registration.expiresAt),
    ...(value.tokens.refreshToken ? { refreshToken: value.tokens.refreshToken } : {}),
  };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeAtomic(cliCacheFile(dir, key), JSON.stringify(body, null, 2));
}
