import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * Which tabs were open, so they come back after a restart. Only what is needed to reconnect is
 * kept (instance and session options, and the id of a session left running at quit), never a
 * token, a command line or screen contents: a restored tab reconnects to its session when it still
 * runs, else starts a new one on the same instance; nothing is re-run.
 */
const StoredTabSchema = z.object({
  instanceKey: z.string().min(1).max(500),
  start: z
    .object({
      documentName: z.string().max(200).optional(),
      parameters: z.record(z.string(), z.array(z.string())).optional(),
    })
    .optional(),
  exitCodeProbe: z.boolean().optional(),
  /** The session left running at quit, to reconnect to (an id and counters: no token, no screen). */
  resume: z
    .object({
      sessionId: z.string().min(1).max(200),
      nextOutgoingSeq: z.number().int().nonnegative(),
      expectedIncomingSeq: z.number().int().nonnegative(),
      /** Epoch ms the session started: its maximum duration counts from there, not from the reconnect. */
      startedAt: z.number().int().positive().optional(),
    })
    .optional(),
});
const StoredTabsSchema = z.object({ version: z.literal(1), tabs: z.array(StoredTabSchema).max(100) });
export type StoredTab = z.infer<typeof StoredTabSchema>;

export class TabStore {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  /** The saved tabs; a missing or unreadable file means none (a broken file is not fatal). */
  async load(): Promise<StoredTab[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return [];
    }
    try {
      const parsed = StoredTabsSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data.tabs : [];
    } catch {
      return [];
    }
  }

  /** Writes atomically (temp file + rename), one write at a time, last call wins. */
  save(tabs: StoredTab[]): Promise<void> {
    const body = JSON.stringify({ version: 1, tabs }, null, 2);
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      await writeFile(temp, body, { mode: 0o600 });
      await rename(temp, this.file);
    });
    return this.writing;
  }
}
