import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { AuthSettingsSchema, type AuthSettings } from '../../../preload/contract/auth';
import { AppError } from '../errors';
import { writeAtomic } from '../tunnels/atomic-file';

/** Sign-in preferences and start URLs added in the app (no secrets: those are in the token file). */

export const AddedSourceSchema = z.object({
  id: z.string().min(1),
  startUrl: z.string().url(),
  region: z.string().min(1),
});
export type AddedSource = z.infer<typeof AddedSourceSchema>;

const FileSchema = z.object({
  version: z.literal(1),
  settings: AuthSettingsSchema,
  addedSources: z.array(AddedSourceSchema),
});
export type AuthSettingsFile = z.infer<typeof FileSchema>;

export const DEFAULT_AUTH_SETTINGS: AuthSettings = { rolePreference: [], regions: [], shareCliCache: false };

export async function readAuthSettings(path: string): Promise<AuthSettingsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, settings: DEFAULT_AUTH_SETTINGS, addedSources: [] };
    throw err;
  }
  try {
    return FileSchema.parse(JSON.parse(text));
  } catch (err) {
    throw new AppError('settings-invalid', `${path} is not a valid Bastionless sign-in settings file.`, 'Fix or delete the file, then restart Bastionless.', { cause: err });
  }
}

export async function writeAuthSettings(path: string, value: AuthSettingsFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeAtomic(path, JSON.stringify(FileSchema.parse(value), null, 2));
}
