import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '../errors';
import { writeAtomic, withFileLock } from './atomic-file';
import { describeIssues, syntaxErrorPosition } from './json-locate';
import {
  PROFILES_FILE_VERSION,
  ProfileInputSchema,
  ProfileSchema,
  ProfilesFileSchema,
  type ProfilesFile,
  type TunnelProfile,
  type TunnelProfileInput,
} from './profile-schema';

/**
 * Saved tunnel profiles in `<dataDir>/tunnel-profiles.json`: versioned, validated with zod,
 * written atomically under a cross-process lock, previous file kept as `.bak`. A file that
 * cannot be read (bad JSON, wrong schema, a version from a newer build) raises an error naming
 * the file and line, and every write is refused until it is fixed: the store never replaces a
 * file it could not understand.
 */

export const PROFILES_FILE_NAME = 'tunnel-profiles.json';

/** Version n → n+1 upgrades, applied in order on load. Add one whenever PROFILES_FILE_VERSION moves. */
export type Migrations = Record<number, (doc: Record<string, unknown>) => Record<string, unknown>>;
export const PROFILE_MIGRATIONS: Migrations = {};

export interface ProfileStoreOptions {
  /** Folder holding the file (dataDir()). */
  dir: string;
  migrations?: Migrations;
  currentVersion?: number;
  now?: () => Date;
}

const emptyFile = (): ProfilesFile => ({ version: PROFILES_FILE_VERSION, profiles: [] });

/** Parses a profiles document (the file, or an import), migrating older versions. */
export function parseProfilesDocument(text: string, source: string, options: { migrations?: Migrations; currentVersion?: number } = {}): ProfilesFile {
  const current = options.currentVersion ?? PROFILES_FILE_VERSION;
  const migrations = options.migrations ?? PROFILE_MIGRATIONS;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const at = syntaxErrorPosition(text, err as Error);
    throw new AppError('profiles-invalid', `${source} is not valid JSON at line ${at.line}, column ${at.column}: ${(err as Error).message}.`, `Fix the file by hand (or restore ${source}.bak); Bastionless will not overwrite it until it reads cleanly.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new AppError('profiles-invalid', `${source} must hold a JSON object with "version" and "profiles".`, 'Fix the file by hand; Bastionless will not overwrite it.');
  }
  let doc = json as Record<string, unknown>;
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new AppError('profiles-invalid', `${source} has no valid "version" (found ${JSON.stringify(version)}).`, `Add "version": ${current} if the profiles are in the current format.`);
  }
  if (version > current) {
    throw new AppError('profiles-newer', `${source} was written by a newer Bastionless (file version ${version}; this build reads up to ${current}).`, 'Update Bastionless. The file was left untouched.');
  }
  for (let v = version; v < current; v++) {
    const migrate = migrations[v];
    if (!migrate) throw new AppError('profiles-invalid', `${source} is version ${v}, and this build has no migration from it.`, 'Export the profiles from the Bastionless that wrote them.');
    doc = { ...migrate(doc), version: v + 1 };
  }
  const parsed = ProfilesFileSchema.safeParse(doc);
  if (!parsed.success) {
    // Positions are only meaningful in the text as written, i.e. when nothing was migrated.
    const detail = version === current ? describeIssues(text, parsed.error.issues) : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new AppError('profiles-invalid', `${source} does not match the profile format: ${detail}.`, 'Fix the file by hand (or restore the .bak next to it); Bastionless will not overwrite it until it reads cleanly.');
  }
  return parsed.data;
}

export class ProfileStore {
  readonly path: string;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;

  constructor(private readonly options: ProfileStoreOptions) {
    this.path = join(options.dir, PROFILES_FILE_NAME);
    this.now = options.now ?? (() => new Date());
  }

  async list(): Promise<TunnelProfile[]> {
    return (await this.read()).profiles;
  }

  async get(id: string): Promise<TunnelProfile> {
    const profile = (await this.list()).find((p) => p.id === id);
    if (!profile) throw new AppError('profile-not-found', `No tunnel profile with id ${id}.`, 'It may have been deleted in another window; reload the list.');
    return profile;
  }

  /** Creates (no id) or replaces (id) a profile. */
  async save(input: TunnelProfileInput): Promise<TunnelProfile> {
    const fields = ProfileInputSchema.parse(input);
    let saved: TunnelProfile | undefined;
    await this.update((file) => {
      const existing = fields.id ? file.profiles.find((p) => p.id === fields.id) : undefined;
      if (fields.id && !existing) throw new AppError('profile-not-found', `No tunnel profile with id ${fields.id}.`, 'It may have been deleted in another window.');
      saved = ProfileSchema.parse({
        ...fields,
        id: existing?.id ?? randomUUID(),
        createdAt: existing?.createdAt ?? this.now().toISOString(),
        ...(existing?.lastUsedAt ? { lastUsedAt: existing.lastUsedAt } : {}),
      });
      const profile = saved;
      return { ...file, profiles: existing ? file.profiles.map((p) => (p.id === profile.id ? profile : p)) : [...file.profiles, profile] };
    });
    return saved as TunnelProfile;
  }

  async remove(id: string): Promise<void> {
    await this.update((file) => ({ ...file, profiles: file.profiles.filter((p) => p.id !== id) }));
  }

  async touch(id: string): Promise<void> {
    const at = this.now().toISOString();
    await this.update((file) => ({ ...file, profiles: file.profiles.map((p) => (p.id === id ? { ...p, lastUsedAt: at } : p)) }));
  }

  /** The chosen profiles (default: all) as a document another Bastionless can import. */
  async exportJson(ids?: string[]): Promise<string> {
    const profiles = (await this.list()).filter((p) => !ids || ids.includes(p.id));
    return `${JSON.stringify({ version: PROFILES_FILE_VERSION, profiles }, null, 2)}\n`;
  }

  /** Adds the profiles of an exported document; ids already present get new ids (no silent overwrite). */
  async importJson(text: string): Promise<{ imported: number }> {
    const incoming = parseProfilesDocument(text, 'The imported document', this.options);
    await this.update((file) => {
      const ids = new Set(file.profiles.map((p) => p.id));
      const added = incoming.profiles.map((p) => (ids.has(p.id) ? { ...p, id: randomUUID() } : p));
      return { ...file, profiles: [...file.profiles, ...added] };
    });
    return { imported: incoming.profiles.length };
  }

  private async read(): Promise<ProfilesFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyFile();
      throw new AppError('profiles-unreadable', `Cannot read ${this.path}: ${(err as Error).message}.`, 'Check the file permissions.');
    }
    return parseProfilesDocument(text, this.path, this.options);
  }

  /** Read-modify-write under the file lock; calls from this process run one at a time. */
  private update(change: (file: ProfilesFile) => ProfilesFile): Promise<ProfilesFile> {
    const run = async () => {
      await mkdir(dirname(this.path), { recursive: true });
      return withFileLock(this.path, async () => {
        const before = await this.read(); // throws on a broken file: nothing is written
        const after = ProfilesFileSchema.parse(change(before));
        await writeAtomic(this.path, `${JSON.stringify(after, null, 2)}\n`, { backup: true });
        return after;
      });
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
