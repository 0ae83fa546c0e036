import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ShellStartOptionsSchema } from '../../../preload/contract/shells';
import type { StartSessionOptions } from '../aws/sessions';
import type { SessionTarget } from '../aws/target';
import { AppError } from '../errors';
import { writeAtomic } from '../tunnels/atomic-file';

/**
 * Which session document a shell starts with, chosen per instance or per sign-in source (e.g. a
 * document of your own that sets Run As, or AWS-StartInteractiveCommand with a login command).
 * The instance's choice wins over its source's; none = the default shell document.
 * Kept in `shell-preferences.json` in the data folder, validated on every read and write.
 */

const FileSchema = z.object({
  version: z.literal(1),
  instances: z.record(z.string().min(1).max(500), ShellStartOptionsSchema),
  sources: z.record(z.string().min(1).max(200), ShellStartOptionsSchema),
});
type PreferencesFile = z.infer<typeof FileSchema>;

export type StartScope = 'instance' | 'source';

export interface StartChoices {
  instance?: StartSessionOptions;
  source?: StartSessionOptions;
}

const instanceKeyOf = (t: SessionTarget) => `${t.sourceId}/${t.accountId}/${t.region}/${t.instanceId}`;

export class StartPreferences {
  private cached: PreferencesFile | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  /** The choices that apply to a target: its own and its source's. */
  async choicesFor(target: SessionTarget): Promise<StartChoices> {
    const file = await this.read();
    const instance = file.instances[instanceKeyOf(target)];
    const source = file.sources[target.sourceId];
    return { ...(instance ? { instance } : {}), ...(source ? { source } : {}) };
  }

  /** What a new shell on the target starts with: the instance's choice, else its source's. */
  async startOptionsFor(target: SessionTarget): Promise<StartSessionOptions | undefined> {
    const { instance, source } = await this.choicesFor(target);
    return instance ?? source;
  }

  /** Sets (or with null, clears) the choice for the target itself or for its whole source. */
  async set(target: SessionTarget, scope: StartScope, options: StartSessionOptions | null): Promise<StartChoices> {
    const file = structuredClone(await this.read());
    const table = scope === 'instance' ? file.instances : file.sources;
    const key = scope === 'instance' ? instanceKeyOf(target) : target.sourceId;
    if (options && options.documentName) table[key] = ShellStartOptionsSchema.parse(options);
    else delete table[key];
    const body = JSON.stringify(FileSchema.parse(file), null, 2);
    const write = this.writing.then(async () => {
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      await writeAtomic(this.file, body);
    });
    this.writing = write.catch(() => undefined);
    await write;
    this.cached = file;
    return this.choicesFor(target);
  }

  private async read(): Promise<PreferencesFile> {
    if (this.cached) return this.cached;
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return (this.cached = { version: 1, instances: {}, sources: {} });
      throw err;
    }
    const parsed = FileSchema.safeParse(safeJson(text));
    // A broken file is never overwritten: shells refuse to guess until it is fixed.
    if (!parsed.success) throw new AppError('shell-preferences-invalid', `${this.file} is not a valid shell preferences file.`, 'Fix or delete the file, then try again.');
    return (this.cached = parsed.data);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
