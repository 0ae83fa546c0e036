import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { profileSourceId } from '../../../preload/contract/auth';

/**
 * Reads the sign-in sources out of the shared AWS config files: `[sso-session X]` sections
 * (refreshable), legacy profiles that carry their own sso_start_url (8-hour tokens, no refresh),
 * and plain profiles (static keys, credential_process, role chains) whose credentials the SDK's
 * own providers resolve. Read-only: the user's files are never rewritten.
 */

export interface SsoSourceConfig {
  kind: 'sso';
  id: string;
  label: string;
  startUrl: string;
  region: string;
  /** Empty for legacy profiles: they register without scopes and get no refresh token. */
  scopes: string[];
  /** The sso-session name; absent for legacy profiles (their CLI cache key is the start URL). */
  sessionName?: string;
  origin: 'config' | 'app';
}

export interface ProfileSourceConfig {
  kind: 'profile';
  id: string;
  label: string;
  profileName: string;
  region?: string;
  /** From aws_account_id or a role_arn; the SDK resolves the rest. */
  accountId?: string;
  origin: 'config';
}

export type SourceConfig = SsoSourceConfig | ProfileSourceConfig;

export type IniSections = Map<string, Record<string, string>>;

/** A minimal INI reader for the AWS files: `[section]`, `key = value`, indented sub-keys skipped. */
export function parseIni(text: string): IniSections {
  const sections: IniSections = new Map();
  let current: Record<string, string> | undefined;
  let nested = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+[#;].*$/, '');
    if (!line.trim() || /^\s*[#;]/.test(line)) continue;
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      const name = header[1]!.trim().replace(/\s+/g, ' ');
      // Object.create(null): a section or key called __proto__ must stay plain data.
      current = sections.get(name) ?? (Object.create(null) as Record<string, string>);
      sections.set(name, current);
      nested = false;
      continue;
    }
    if (!current) continue;
    if (/^\s/.test(line)) {
      // `s3 =\n  max_concurrent_requests = 20`: sub-keys of a nested block, not profile keys.
      if (nested) continue;
    }
    const kv = /^\s*([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    const key = kv[1]!.toLowerCase();
    nested = kv[2] === '';
    if (!nested) current[key] = kv[2]!.trim();
  }
  return sections;
}

export interface AwsFiles {
  configFile?: string;
  credentialsFile?: string;
}

export function configFilePath(files: AwsFiles = {}, env: NodeJS.ProcessEnv = process.env): string {
  return files.configFile ?? env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config');
}

export function credentialsFilePath(files: AwsFiles = {}, env: NodeJS.ProcessEnv = process.env): string {
  return files.credentialsFile ?? env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials');
}

function readIfPresent(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

const accountFromArn = (arn: string | undefined) => (arn ? /^arn:aws[\w-]*:iam::(\d{12}):/.exec(arn)?.[1] : undefined);

/** Profiles that carry credentials of their own (not SSO, not just a region). */
function isCredentialProfile(keys: Record<string, string>): boolean {
  return Boolean(keys.aws_access_key_id || keys.credential_process || keys.role_arn || keys.web_identity_token_file);
}

export function sourcesFromIni(config: IniSections, credentials: IniSections): SourceConfig[] {
  const sources: SourceConfig[] = [];
  const legacyByStartUrl = new Map<string, SsoSourceConfig>();
  for (const [section, keys] of config) {
    const session = /^sso-session (.+)$/.exec(section);
    if (session) {
      const name = session[1]!.trim();
      if (!keys.sso_start_url || !keys.sso_region) continue;
      const scopes = (keys.sso_registration_scopes ?? 'sso:account:access').split(',').map((s) => s.trim()).filter(Boolean);
      sources.push({ kind: 'sso', id: name, label: name, startUrl: keys.sso_start_url, region: keys.sso_region, scopes, sessionName: name, origin: 'config' });
      continue;
    }
    const profile = section === 'default' ? 'default' : /^profile (.+)$/.exec(section)?.[1]?.trim();
    if (!profile) continue;
    if (keys.sso_start_url && !keys.sso_session && keys.sso_region) {
      if (!legacyByStartUrl.has(keys.sso_start_url)) {
        const source: SsoSourceConfig = { kind: 'sso', id: profile, label: `${profile} (legacy)`, startUrl: keys.sso_start_url, region: keys.sso_region, scopes: [], origin: 'config' };
        legacyByStartUrl.set(keys.sso_start_url, source);
        sources.push(source);
      }
      continue;
    }
    if (keys.sso_session || keys.sso_start_url) continue;
    const merged = { ...(credentials.get(profile) ?? {}), ...keys };
    if (!isCredentialProfile(merged)) continue;
    const accountId = merged.aws_account_id ?? accountFromArn(merged.role_arn);
    sources.push({ kind: 'profile', id: profileSourceId(profile), label: profile, profileName: profile, ...(merged.region ? { region: merged.region } : {}), ...(accountId ? { accountId } : {}), origin: 'config' });
  }
  // Profiles that exist only in the credentials file (static keys, the most common old setup).
  for (const [profile, keys] of credentials) {
    if (config.has(profile === 'default' ? 'default' : `profile ${profile}`) || !isCredentialProfile(keys)) continue;
    const accountId = keys.aws_account_id ?? accountFromArn(keys.role_arn);
    sources.push({ kind: 'profile', id: profileSourceId(profile), label: profile, profileName: profile, ...(keys.region ? { region: keys.region } : {}), ...(accountId ? { accountId } : {}), origin: 'config' });
  }
  return sources;
}

export function readConfiguredSources(files: AwsFiles = {}): SourceConfig[] {
  return sourcesFromIni(parseIni(readIfPresent(configFilePath(files))), parseIni(readIfPresent(credentialsFilePath(files))));
}
