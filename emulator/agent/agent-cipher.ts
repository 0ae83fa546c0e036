import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The agent's side of KMS session encryption (spec §7.4): AES-256-GCM, encrypt with data-key
 * bytes 0–31, decrypt with 32–63; wire layout nonce(12) ‖ ciphertext ‖ tag(16). The agent's
 * nonces come from a 96-bit counter (three little-endian 32-bit words, random start, carry from
 * word 0), unlike the client's random nonces.
 */

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class AgentCipher {
  private readonly encryptKey: Buffer;
  private readonly decryptKey: Buffer;
  private readonly counter = new Uint32Array(3);

  constructor(dataKey: Uint8Array) {
    if (dataKey.length !== 64) throw new Error(`the KMS data key must be 64 bytes, got ${dataKey.length}`);
    this.encryptKey = Buffer.from(dataKey.subarray(0, 32));
    this.decryptKey = Buffer.from(dataKey.subarray(32, 64));
    const start = randomBytes(NONCE_BYTES);
    for (let i = 0; i < 3; i++) this.counter[i] = start.readUInt32LE(i * 4);
  }

  private nextNonce(): Buffer {
    const nonce = Buffer.alloc(NONCE_BYTES);
    for (let i = 0; i < 3; i++) nonce.writeUInt32LE(this.counter[i] as number, i * 4);
    for (let i = 0; i < 3; i++) {
      this.counter[i] = ((this.counter[i] as number) + 1) >>> 0;
      if (this.counter[i] !== 0) break;
    }
    return nonce;
  }

  encrypt(plain: Uint8Array): Buffer {
    const nonce = this.nextNonce();
    const cipher = createCipheriv('aes-256-gcm', this.encryptKey, nonce);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([nonce, body, cipher.getAuthTag()]);
  }

  /** Throws when the payload is too short or fails authentication. */
  decrypt(wire: Uint8Array): Buffer {
    if (wire.length < NONCE_BYTES + TAG_BYTES) throw new Error(`encrypted payload of ${wire.length} bytes is shorter than nonce + tag`);
    const buf = Buffer.from(wire);
    const decipher = createDecipheriv('aes-256-gcm', this.decryptKey, buf.subarray(0, NONCE_BYTES));
    decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES));
    return Buffer.concat([decipher.update(buf.subarray(NONCE_BYTES, buf.length - TAG_BYTES)), decipher.final()]);
  }
}
