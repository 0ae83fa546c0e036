import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Caller } from './auth';
import { EmulatorApiError } from './errors';
import { parseInput as parse } from './http';
import type { JsonService } from './server';
import type { KmsDataKeys } from './sessions/hub';

/**
 * KMS GenerateDataKey/Decrypt for Session Manager encryption. Ciphertext blobs are really
 * AES-256-GCM under a per-run master key, bound to the key ARN and the encryption context, so a
 * wrong context fails as it does in KMS (InvalidCiphertextException).
 */

const MAGIC = Buffer.from('BLKMS1');
const Base64Blob = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const Context = z.record(z.string(), z.string()).optional();

const GenerateDataKeyInput = z.object({
  KeyId: z.string().min(1).max(2048),
  EncryptionContext: Context,
  NumberOfBytes: z.number().int().min(1).max(1024).optional(),
  KeySpec: z.enum(['AES_256', 'AES_128']).optional(),
  GrantTokens: z.array(z.string()).optional(),
  DryRun: z.boolean().optional(),
});

const DecryptInput = z.object({
  CiphertextBlob: Base64Blob,
  EncryptionContext: Context,
  KeyId: z.string().optional(),
  EncryptionAlgorithm: z.literal('SYMMETRIC_DEFAULT').optional(),
  GrantTokens: z.array(z.string()).optional(),
  DryRun: z.boolean().optional(),
});


function canonicalContext(ctx: Record<string, string> | undefined): string {
  return JSON.stringify(Object.entries(ctx ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Resolves any KeyId form (id, key ARN, alias name, alias ARN) to the key ARN in the caller's account and region. */
export function resolveKeyArn(keyId: string, account: string, region: string): string {
  const arn = /^arn:aws:kms:([^:]+):(\d{12}):(key|alias)\/(.+)$/.exec(keyId);
  if (arn) {
    if (arn[1] !== region || arn[2] !== account)
      throw new EmulatorApiError('NotFoundException', `Key '${keyId}' does not exist in account ${account} region ${region}`);
    return arn[3] === 'key' ? `arn:aws:kms:${region}:${account}:key/${arn[4]}` : `arn:aws:kms:${region}:${account}:key/${uuidFrom(`${account}/alias/${arn[4]}`)}`;
  }
  if (keyId.startsWith('alias/')) return `arn:aws:kms:${region}:${account}:key/${uuidFrom(`${account}/${keyId}`)}`;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(keyId)) return `arn:aws:kms:${region}:${account}:key/${keyId}`;
  throw new EmulatorApiError('NotFoundException', `Invalid keyId '${keyId}': use a key id, key ARN, alias/<name> or alias ARN`);
}

export class EmulatedKms implements KmsDataKeys {
  private readonly masterKey = randomBytes(32);

  encrypt(plaintext: Uint8Array, keyArn: string, context: Record<string, string> | undefined): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv);
    cipher.setAAD(Buffer.from(keyArn + canonicalContext(context)));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const arn = Buffer.from(keyArn);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(arn.length);
    return Buffer.concat([MAGIC, len, arn, iv, cipher.getAuthTag(), ct]);
  }

  /** Returns the plaintext and the key ARN; throws InvalidCiphertextException on any mismatch. */
  open(blob: Uint8Array, context: Record<string, string> | undefined): { plaintext: Buffer; keyArn: string } {
    const buf = Buffer.from(blob);
    const invalid = new EmulatorApiError('InvalidCiphertextException', 'The ciphertext is invalid, or the encryption context does not match the one used to encrypt it.');
    if (buf.length < MAGIC.length + 2 + 28 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw invalid;
    const arnLen = buf.readUInt16BE(MAGIC.length);
    let at = MAGIC.length + 2;
    const keyArn = buf.subarray(at, (at += arnLen)).toString();
    const iv = buf.subarray(at, (at += 12));
    const tag = buf.subarray(at, (at += 16));
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.masterKey, iv);
      decipher.setAAD(Buffer.from(keyArn + canonicalContext(context)));
      decipher.setAuthTag(tag);
      return { plaintext: Buffer.concat([decipher.update(buf.subarray(at)), decipher.final()]), keyArn };
    } catch {
      throw invalid;
    }
  }

  /** For the fake agent: KMS Decrypt as the instance role would call it. */
  decrypt(ciphertext: Uint8Array, encryptionContext: Record<string, string>): Uint8Array {
    return this.open(ciphertext, encryptionContext).plaintext;
  }

  service(): JsonService {
    return {
      family: 'kms',
      targetPrefix: 'TrentService',
      operations: {
        GenerateDataKey: {
          resource: (input, caller) => keyResource(input, caller),
          run: (input, caller) => {
            const req = parse(GenerateDataKeyInput, input);
            if (req.NumberOfBytes !== undefined && req.KeySpec !== undefined)
              throw new EmulatorApiError('ValidationException', 'Specify either KeySpec or NumberOfBytes, not both.');
            if (req.NumberOfBytes === undefined && req.KeySpec === undefined)
              throw new EmulatorApiError('ValidationException', 'Specify either KeySpec or NumberOfBytes.');
            const keyArn = resolveKeyArn(req.KeyId, caller.account, caller.region);
            const plaintext = randomBytes(req.NumberOfBytes ?? (req.KeySpec === 'AES_128' ? 16 : 32));
            if (req.DryRun) throw new EmulatorApiError('DryRunOperationException', 'The request would have succeeded, but the DryRun flag is set.');
            return {
              KeyId: keyArn,
              Plaintext: plaintext.toString('base64'),
              CiphertextBlob: this.encrypt(plaintext, keyArn, req.EncryptionContext).toString('base64'),
            };
          },
        },
        Decrypt: {
          run: (input, caller) => {
            const req = parse(DecryptInput, input);
            const { plaintext, keyArn } = this.open(Buffer.from(req.CiphertextBlob, 'base64'), req.EncryptionContext);
            if (!keyArn.includes(`:${caller.account}:`)) throw new EmulatorApiError('AccessDeniedException', `The ciphertext belongs to a key outside account ${caller.account}.`);
            if (req.KeyId && resolveKeyArn(req.KeyId, caller.account, caller.region) !== keyArn)
              throw new EmulatorApiError('IncorrectKeyException', 'The key ID in the request does not identify the key that encrypted the ciphertext.');
            return { KeyId: keyArn, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
          },
        },
      },
    };
  }
}

function keyResource(input: unknown, caller: Caller): string {
  const keyId = (input as { KeyId?: unknown } | null)?.KeyId;
  try {
    return typeof keyId === 'string' ? resolveKeyArn(keyId, caller.account, caller.region) : '*';
  } catch {
    return '*';
  }
}
