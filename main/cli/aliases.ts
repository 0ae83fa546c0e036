import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../core/errors';
import { withFileLock, writeAtomic } from '../core/tunnels/atomic-file';

/** TARGET aliases (`bastionless alias set db prod/eu-west-1/db-1`), one small JSON file in the data folder. */

export const ALIASES_FILE = 'aliases.json';
const AliasesFileSchema = z.object({ version: z.literal(1), aliases: z.record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/), z.string().min(1).max(500)) }).strict();
export type Aliases = Record<string, string>;

export async function readAliases(dir: string): Promise<Aliases> {
  const path = join(dir, ALIASES_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AppError('aliases-invalid', `${path} is not valid JSON: ${(err as Error).message}`, 'Fix or delete the file; `bastionless alias set` writes a new one.');
  }
  const parsed = AliasesFileSchema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AppError('aliases-invalid', `${path} is not an aliases file: ${detail}`, 'Fix or delete the file; `bastionless alias set` writes a new one.');
  }
  return parsed.data.aliases;
}

/** Read-modify-write under the store's cross-process lock, so two shells setting aliases both win. */
export async function updateAliases(dir: string, change: (aliases: Aliases) => Aliases): Promise<Aliases> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, ALIASES_FILE);
  return withFileLock(path, async () => {
    const next = change({ ...(await readAliases(dir)) });
    await writeAtomic(path, `${JSON.stringify({ version: 1, aliases: next }, null, 2)}\n`);
    return next;
  });
}
