import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { writeAtomic } from '../tunnels/atomic-file';
import type { SecretStore } from './secrets';

/**
 * A JSON document encrypted with AES-256-GCM under a random data key that lives only in the
 * SecretStore (the OS keychain). The keychain holds 44 bytes, whatever the file holds: Windows
 * Credential Manager refuses blobs over 2.5 KB, and SSO client secrets alone come close.
 */

const ENVELOPE_VERSION = 1;
const EnvelopeSchema = z.object({
  v: z.literal(ENVELOPE_VERSION),
  iv: z.string().min(1),
  tag: z.string().min(1),
  data: z.string(),
});

/** The keychain account of a file's data key; per file path so two data folders never share one. */
export function dataKeyAccount(path: string): string {
  return `data-key:${createHash('sha256').update(path).digest('hex').slice(0, 16)}`;
}

export class EncryptedJsonFile<T> {
  constructor(
    private readonly path: string,
    private readonly secrets: SecretStore,
    private readonly schema: z.ZodType<T>,
  ) {}

  private get account(): string {
    return dataKeyAccount(this.path);
  }

  private aad(): Buffer {
    return Buffer.from(`bastionless:${ENVELOPE_VERSION}`);
  }

  /**
   * The stored document, or undefined when there is none or it cannot be read back (no key in the
   * keychain, tampered or corrupt file): the caller then treats the user as signed out.
   */
  async read(): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const keyText = await this.secrets.get(this.account);
    if (!keyText) return undefined;
    try {
      const envelope = EnvelopeSchema.parse(JSON.parse(text));
      const decipher = createDecipheriv('aes-256-gcm', Buffer.from(keyText, 'base64'), Buffer.from(envelope.iv, 'base64'));
      decipher.setAAD(this.aad());
      decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]);
      return this.schema.parse(JSON.parse(plain.toString('utf8')));
    } catch {
      return undefined;
    }
  }

  async write(value: T): Promise<void> {
    const key = await this.dataKey();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(this.aad());
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    const envelope = { v: ENVELOPE_VERSION, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await writeAtomic(this.path, JSON.stringify(envelope));
  }

  /** Forgets the key too, so a copy of the file made earlier stays unreadable. */
  async destroy(): Promise<void> {
    await this.secrets.delete(this.account);
    await writeAtomic(this.path, '{}').catch(() => undefined);
  }

  private async dataKey(): Promise<Buffer> {
    const existing = await this.secrets.get(this.account);
    if (existing) return Buffer.from(existing, 'base64');
    const key = randomBytes(32);
    await this.secrets.set(this.account, key.toString('base64'));
    return key;
  }
}
