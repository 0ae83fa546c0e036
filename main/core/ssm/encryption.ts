/**
 * KMS session encryption (spec §7): GenerateDataKey (64 bytes, both encryption-context keys),
 * the key split, and AES-256-GCM with nonce‖ciphertext‖tag framing. Shared with the emulator's
 * fake agent, which encrypts with key bytes 0–31 and a counter nonce.
 *
 * How to use:
 *   const key = await generateSessionDataKey({ kmsKeyId, sessionId, targetId, clientConfig });
 *   const cipher = new PayloadCipher(key.plaintext, 'client');   // or 'agent'
 *   cipher.encrypt(bytes) / cipher.decrypt(bytes)                   // throws ProtocolError on bad data
 * The KMS endpoint follows clientConfig.endpoint, else AWS_ENDPOINT_URL_KMS, else AWS_ENDPOINT_URL.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { GenerateDataKeyCommand, KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import { ProtocolError } from './errors';

export const DATA_KEY_BYTES = 64;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const CHALLENGE_CONTEXT_KEY = 'aws:ssm:RandomChallenge';

export type CipherRole = 'client' | 'agent';

/** Agent encrypts with bytes 0–31 and decrypts with 32–63; the client the other way round (§7.4). */
export function splitDataKey(dataKey: Uint8Array, role: CipherRole): { encryptKey: Buffer; decryptKey: Buffer } {
  if (dataKey.length !== DATA_KEY_BYTES) throw new RangeError(`KMS data key must be ${DATA_KEY_BYTES} bytes, got ${dataKey.length}`);
  const agentToClient = Buffer.from(dataKey.subarray(0, 32));
  const clientToAgent = Buffer.from(dataKey.subarray(32, 64));
  return role === 'agent' ? { encryptKey: agentToClient, decryptKey: clientToAgent } : { encryptKey: clientToAgent, decryptKey: agentToClient };
}

export function aesGcmEncrypt(key: Uint8Array, plaintext: Uint8Array, nonce: Uint8Array = randomBytes(NONCE_BYTES)): Buffer {
  const c = createCipheriv('aes-256-gcm', key, nonce);
  const out = Buffer.allocUnsafe(NONCE_BYTES + plaintext.length + TAG_BYTES);
  out.set(nonce, 0);
  const body = c.update(plaintext);
  body.copy(out, NONCE_BYTES);
  const fin = c.final();
  fin.copy(out, NONCE_BYTES + body.length);
  c.getAuthTag().copy(out, NONCE_BYTES + body.length + fin.length);
  return out;
}

export function aesGcmDecrypt(key: Uint8Array, data: Uint8Array): Buffer {
  if (data.length < NONCE_BYTES + TAG_BYTES) throw new ProtocolError('DECRYPT_FAILED', `encrypted payload of ${data.length} bytes is shorter than nonce + tag`);
  try {
    const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE_BYTES));
    d.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([d.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)), d.final()]);
  } catch {
    throw new ProtocolError('DECRYPT_FAILED', 'payload failed AES-GCM authentication; the session key does not match or the data was altered');
  }
}

/** The agent's nonce: a 96-bit counter with random start, three 32-bit little-endian words, carry from word 0. */
export class CounterNonce {
  private readonly words: Uint32Array;
  constructor(start: Uint8Array = randomBytes(NONCE_BYTES)) {
    const b = Buffer.from(start);
    this.words = new Uint32Array([b.readUInt32LE(0), b.readUInt32LE(4), b.readUInt32LE(8)]);
  }
  next(): Buffer {
    const out = Buffer.allocUnsafe(NONCE_BYTES);
    for (let i = 0; i < 3; i++) out.writeUInt32LE(this.words[i] as number, i * 4);
    for (let i = 0; i < 3; i++) {
      this.words[i] = ((this.words[i] as number) + 1) >>> 0;
      if (this.words[i] !== 0) break;
    }
    return out;
  }
}

/** Encrypts/decrypts payloads for one side of a session. */
export class PayloadCipher {
  private readonly encryptKey: Buffer;
  private readonly decryptKey: Buffer;
  private readonly counter: CounterNonce | undefined;
  constructor(dataKey: Uint8Array, role: CipherRole, counterStart?: Uint8Array) {
    ({ encryptKey: this.encryptKey, decryptKey: this.decryptKey } = splitDataKey(dataKey, role));
    this.counter = role === 'agent' ? new CounterNonce(counterStart) : undefined;
  }
  encrypt(plaintext: Uint8Array): Buffer {
    return aesGcmEncrypt(this.encryptKey, plaintext, this.counter ? this.counter.next() : randomBytes(NONCE_BYTES));
  }
  decrypt(data: Uint8Array): Buffer {
    return aesGcmDecrypt(this.decryptKey, data);
  }
}

export interface DataKeyRequest {
  kmsKeyId: string;
  sessionId: string;
  /** Target from the StartSession request. */
  targetId: string;
  /** Base64 challenge from the KMSEncryption action; adds aws:ssm:RandomChallenge (§7.2). */
  challenge?: string;
  clientConfig?: KMSClientConfig;
}
export interface DataKey {
  ciphertextBlob: Uint8Array;
  plaintext: Uint8Array;
}
export type GenerateDataKeyFn = (req: DataKeyRequest) => Promise<DataKey>;

/** KMS client config with the endpoint override the spec requires (AWS_ENDPOINT_URL_KMS). */
export function kmsClientConfig(base: KMSClientConfig = {}, env: NodeJS.ProcessEnv = process.env): KMSClientConfig {
  const endpoint = base.endpoint ?? env.AWS_ENDPOINT_URL_KMS ?? env.AWS_ENDPOINT_URL;
  return endpoint ? { ...base, endpoint } : base;
}

/** KMS GenerateDataKey with NumberOfBytes 64 and the SSM encryption context (§7.1). */
export const generateSessionDataKey: GenerateDataKeyFn = async (req) => {
  const client = new KMSClient(kmsClientConfig(req.clientConfig));
  try {
    const context: Record<string, string> = { 'aws:ssm:SessionId': req.sessionId, 'aws:ssm:TargetId': req.targetId };
    if (req.challenge) context[CHALLENGE_CONTEXT_KEY] = req.challenge;
    const out = await client.send(new GenerateDataKeyCommand({ KeyId: req.kmsKeyId, NumberOfBytes: DATA_KEY_BYTES, EncryptionContext: context }));
    if (!out.CiphertextBlob || !out.Plaintext || out.Plaintext.length !== DATA_KEY_BYTES) {
      throw new Error(`KMS GenerateDataKey for ${req.kmsKeyId} returned no usable 64-byte key`);
    }
    return { ciphertextBlob: out.CiphertextBlob, plaintext: out.Plaintext };
  } finally {
    client.destroy();
  }
};
