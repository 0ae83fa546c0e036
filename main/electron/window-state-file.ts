import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WindowStateSchema, type WindowState } from './window-state';

/**
 * Window state on disk (userData/window-state.json). A missing, unreadable or malformed file
 * means "no saved state": the window opens centred rather than the app refusing to start.
 */
export async function loadWindowState(filePath: string): Promise<WindowState | null> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = WindowStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Written to a temporary file and renamed, so a crash mid-write never leaves half a file. */
export async function saveWindowState(filePath: string, state: WindowState): Promise<void> {
  const checked = WindowStateSchema.parse(state);
  await mkdir(dirname(filePath), { recursive: true });
  const temporary = `${filePath}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(checked, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, filePath);
}
