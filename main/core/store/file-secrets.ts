import { chmod, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors';
import { withFileLock, writeAtomic } from '../tunnels/atomic-file';
import type { SecretStore } from './secrets';

/**
 * The fallback for machines without an OS keychain (SSH sessions, containers, WSL, fresh servers):
 * the data key of the token file in `<dataDir>/keys.json`, mode 0600 in a 0700 folder. It protects
 * the tokens as well as the AWS CLI's ~/.aws/sso/cache does (file permissions), no better; the
 * user chooses it knowingly (preferences.keychain = 'file') and is told so at every sign-in.
 */

export const FILE_SECRETS_NAME = 'keys.json';

const FileSchema = z.object({ version: z.literal(1), secrets: z.record(z.string().min(1), z.string().min(1)) }).strict();
type SecretsFile = z.infer<typeof FileSchema>;

export class FileSecretStore implements SecretStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, FILE_SECRETS_NAME);
  }

  get description(): string {
    return `the file ${this.path} (readable only by you)`;
  }

  async get(account: string): Promise<string | undefined> {
    return (await this.read()).secrets[account];
  }

  async set(account: string, value: string): Promise<void> {
    await this.modify((secrets) => ({ ...secrets, [account]: value }));
  }

  async delete(account: string): Promise<void> {
    await this.modify(({ [account]: _gone, ...rest }) => rest);
  }

  private async modify(change: (secrets: SecretsFile['secrets']) => SecretsFile['secrets']): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await withFileLock(this.path, async () => {
      const next: SecretsFile = { version: 1, secrets: change((await this.read()).secrets) };
      // writeAtomic creates the file 0600; chmod again in case an older copy was looser.
      await writeAtomic(this.path, `${JSON.stringify(next, null, 2)}\n`);
      await chmod(this.path, 0o600);
    });
  }

  private async read(): Promise<SecretsFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, secrets: {} };
      throw new AppError('key-file-unreadable', `Cannot read ${this.path}: ${(err as Error).message}.`, 'Check that the file belongs to you (chmod 600).', { cause: err });
    }
    const parsed = FileSchema.safeParse(safeJson(text));
    if (!parsed.success) {
      // Never rewritten over: it may hold the only key to the token file.
      throw new AppError('key-file-invalid', `${this.path} is not a Bastionless key file.`, 'Restore it, or delete it and sign in again.');
    }
    return parsed.data;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
