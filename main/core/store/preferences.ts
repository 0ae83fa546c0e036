import { EventEmitter } from 'node:events';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  PREFERENCE_DEFAULTS,
  preferenceShape,
  PreferencesSchema,
  type Preferences,
  type PreferencesState,
} from '../../../preload/contract/preferences';
import { AppError } from '../errors';
import { writeAtomic, withFileLock } from '../tunnels/atomic-file';
import { describeIssues, syntaxErrorPosition } from '../tunnels/json-locate';

/**
 * The one preferences store: `<dataDir>/preferences.json`, shared by the desktop app, the web host
 * and the CLI. The schema (and how to add a key) is in preload/contract/preferences.ts.
 *
 *  - The file keeps only the keys the user set; the rest read as PREFERENCE_DEFAULTS, so a default
 *    can improve later without rewriting anyone's file, and keys written by a newer build are kept.
 *  - Every key is validated on its own: a bad value makes that one key read as its default, the
 *    problem is reported (file, line, key), and nothing is written until the file reads cleanly —
 *    the store never replaces a file it could not understand.
 *  - Writes are read-modify-write under the cross-process file lock, atomic, with a `.bak` copy:
 *    the CLI setting the keychain and the app starring an instance never undo each other.
 */

export const PREFERENCES_FILE_NAME = 'preferences.json';
const FILE_VERSION = 1;

type PreferenceKey = keyof Preferences;
const KEYS = Object.keys(preferenceShape) as PreferenceKey[];

interface ParsedFile {
  /** Valid values of the keys present in the file. */
  values: Partial<Preferences>;
  /** Keys this build does not know (from a newer build): written back untouched. */
  unknown: Record<string, unknown>;
  problem?: AppError;
}

const FIX_HINT = 'Fix the file by hand (or restore the .bak next to it) or delete it; Bastionless will not overwrite it until it reads cleanly.';

function invalid(path: string, detail: string): AppError {
  return new AppError('preferences-invalid', `${path} ${detail}.`, FIX_HINT);
}

/** Parses the file's text; never throws for bad content (that is `problem`). */
export function parsePreferencesFile(text: string, path: string): ParsedFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const at = syntaxErrorPosition(text, err as Error);
    return { values: {}, unknown: {}, problem: invalid(path, `is not valid JSON at line ${at.line}, column ${at.column}`) };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { values: {}, unknown: {}, problem: invalid(path, 'must hold a JSON object with "version" and "preferences"') };
  }
  const doc = json as Record<string, unknown>;
  if (typeof doc.version === 'number' && doc.version > FILE_VERSION) {
    return {
      values: {},
      unknown: {},
      problem: new AppError('preferences-newer', `${path} was written by a newer Bastionless (file version ${doc.version}; this build reads ${FILE_VERSION}).`, 'Update Bastionless. The file was left untouched.'),
    };
  }
  const stored = doc.preferences;
  if (doc.version !== FILE_VERSION || typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    return { values: {}, unknown: {}, problem: invalid(path, `must look like {"version": ${FILE_VERSION}, "preferences": {…}}`) };
  }
  const values: Record<string, unknown> = {};
  const unknown: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(stored)) {
    const schema = preferenceShape[key as PreferenceKey];
    if (!schema) {
      unknown[key] = value;
      continue;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) values[key] = parsed.data;
    else problems.push(describeIssues(text, parsed.error.issues, ['preferences', key]));
  }
  return {
    values: values as Partial<Preferences>,
    unknown,
    ...(problems.length ? { problem: invalid(path, `has invalid values (${problems.join('; ')}); those read as their defaults`) } : {}),
  };
}

const toState = (file: ParsedFile): PreferencesState => ({
  preferences: PreferencesSchema.parse({ ...PREFERENCE_DEFAULTS, ...file.values }),
  ...(file.problem ? { problem: { code: file.problem.code, message: file.problem.message, ...(file.problem.hint ? { hint: file.problem.hint } : {}) } } : {}),
});

export class PreferencesStore {
  readonly path: string;
  private state: PreferencesState = { preferences: PREFERENCE_DEFAULTS };
  private loaded: Promise<PreferencesState> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly emitter = new EventEmitter();

  constructor(dir: string) {
    this.path = join(dir, PREFERENCES_FILE_NAME);
  }

  /** Reads the file once; later calls return the state as this process last saw it. */
  load(): Promise<PreferencesState> {
    return (this.loaded ??= this.readFile().then((file) => (this.state = toState(file))));
  }

  /** Re-reads the file (another process may have written it) and tells listeners if it changed. */
  async reload(): Promise<PreferencesState> {
    const next = toState(await this.readFile());
    this.loaded = Promise.resolve(next);
    this.publish(next);
    return next;
  }

  /** The last state read or written (defaults until load() finished). */
  current(): PreferencesState {
    return this.state;
  }

  async get<K extends PreferenceKey>(key: K): Promise<Preferences[K]> {
    return (await this.load()).preferences[key];
  }

  onChange(listener: (state: PreferencesState) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }

  /** Sets the given keys; the others keep what the file holds now. */
  update(patch: Partial<Preferences>): Promise<PreferencesState> {
    return this.modify(() => patch);
  }

  /** Stars or unstars one instance, against the file's current list. */
  setFavourite(key: string, favourite: boolean): Promise<PreferencesState> {
    return this.modify((current) => {
      // Starring a starred instance keeps its place in the list.
      if (favourite && current.favourites.includes(key)) return {};
      const without = current.favourites.filter((k) => k !== key);
      return { favourites: favourite ? [...without, key] : without };
    });
  }

  private modify(change: (current: Preferences) => Partial<Preferences>): Promise<PreferencesState> {
    const run = async () => {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      const next = await withFileLock(this.path, async () => {
        const file = await this.readFile();
        // A file we could not fully understand is never replaced: the user's values are in it.
        if (file.problem) throw file.problem;
        const current = toState(file).preferences;
        const patch = change(current);
        const values: Partial<Preferences> = { ...file.values };
        for (const key of KEYS) {
          if (!(key in patch)) continue;
          // Each key through its own schema: a bad value from any caller never reaches the disk.
          (values as Record<string, unknown>)[key] = preferenceShape[key].parse(patch[key]);
        }
        const written = { values, unknown: file.unknown };
        await writeAtomic(this.path, `${JSON.stringify({ version: FILE_VERSION, preferences: { ...file.unknown, ...values } }, null, 2)}\n`, { backup: true });
        return toState(written);
      });
      this.loaded = Promise.resolve(next);
      this.publish(next);
      return next;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private publish(next: PreferencesState): void {
    const same = JSON.stringify(next) === JSON.stringify(this.state);
    this.state = next;
    if (!same) this.emitter.emit('change', next);
  }

  private async readFile(): Promise<ParsedFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { values: {}, unknown: {} };
      return { values: {}, unknown: {}, problem: new AppError('preferences-unreadable', `Cannot read ${this.path}: ${(err as Error).message}.`, 'Check the file permissions.') };
    }
    return parsePreferencesFile(text, this.path);
  }
}
