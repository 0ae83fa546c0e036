import { randomBytes } from 'node:crypto';
import { copyFile, link, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '../errors';

/**
 * Crash-safe file replacement and a cross-process lock, for small JSON files that the app, the
 * CLI and a second window may all write.
 *  - writeAtomic: write a temp file in the same folder, fsync, keep the old file as `.bak`, rename
 *    over. A kill at any point leaves either the old or the new file, never half of one.
 *  - withFileLock: `<file>.lock` created exclusively, holding the owner's pid; a lock whose owner
 *    is dead (or that is older than staleMs) is taken over, so a crash never wedges the store.
 *    The lock is a hard link to a file already holding the pid, so no reader ever sees an empty
 *    lock (a writer killed between create and write would otherwise wedge others for staleMs).
 */

export async function writeAtomic(path: string, text: string, options: { backup?: boolean } = {}): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (options.backup) await copyFile(path, `${path}.bak`).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function lockIsStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    const pid = Number.parseInt(text, 10);
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) return true;
    return Date.now() - info.mtimeMs > staleMs;
  } catch {
    return false; // vanished or half-written by its owner this instant: just retry
  }
}

export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: { timeoutMs?: number; staleMs?: number } = {}): Promise<T> {
  const lockPath = `${path}.lock`;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const claim = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(claim, String(process.pid), { mode: 0o600 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(claim, lockPath);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        if (await lockIsStale(lockPath, options.staleMs ?? 30_000)) {
          await unlink(lockPath).catch(() => undefined);
          continue;
        }
        if (Date.now() > deadline)
          throw new AppError('file-locked', `${path} is locked by another Bastionless process (${lockPath}).`, `If no other Bastionless is running, delete ${lockPath}.`);
        await delay(Math.min(50, 2 + attempt * 2));
      }
    }
  } finally {
    await unlink(claim).catch(() => undefined);
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}
