import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { aesGcmDecrypt, aesGcmEncrypt, CounterNonce, kmsClientConfig, PayloadCipher, splitDataKey } from '../../../main/core/ssm/encryption';
import { ProtocolError } from '../../../main/core/ssm/errors';

const vectors = JSON.parse(readFileSync(fileURLToPath(new URL('./message-vectors.json', import.meta.url)), 'utf8')) as { name: string; hex: string }[];
const vec = (name: string) => (vectors.find((v) => v.name === name) as { hex: string }).hex;
const dataKey = Buffer.from(Array.from({ length: 64 }, (_, i) => i));
const nonce = Buffer.from('000102030405060708090a0b', 'hex');

describe('AES-256-GCM (spec §7.4, §12.3)', () => {
  it('matches both direction vectors', () => {
    const agent = splitDataKey(dataKey, 'agent');
    const client = splitDataKey(dataKey, 'client');
    expect(aesGcmEncrypt(agent.encryptKey, Buffer.from('hello'), nonce).toString('hex')).toBe(vec('aes256gcm_agent_to_client'));
    expect(aesGcmEncrypt(client.encryptKey, Buffer.from('hello'), nonce).toString('hex')).toBe(vec('aes256gcm_client_to_agent'));
    expect(aesGcmDecrypt(client.decryptKey, Buffer.from(vec('aes256gcm_agent_to_client'), 'hex')).toString()).toBe('hello');
  });

  it('client and agent ciphers interoperate; tampering is a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (pt) => {
        const a = new PayloadCipher(dataKey, 'agent');
        const c = new PayloadCipher(dataKey, 'client');
        expect(c.decrypt(a.encrypt(pt)).equals(Buffer.from(pt))).toBe(true);
        const wire = c.encrypt(pt);
        expect(a.decrypt(wire).equals(Buffer.from(pt))).toBe(true);
        wire.writeUInt8(wire.readUInt8(wire.length - 1) ^ 1, wire.length - 1);
        expect(() => a.decrypt(wire)).toThrow(ProtocolError);
      }),
      { numRuns: 50 },
    );
    expect(() => aesGcmDecrypt(dataKey.subarray(0, 32), Buffer.alloc(5))).toThrow(ProtocolError);
  });

  it('counter nonce: little-endian words, carry from word 0', () => {
    const n = new CounterNonce(Buffer.from('ffffffffffffffff01000000', 'hex'));
    expect(n.next().toString('hex')).toBe('ffffffffffffffff01000000');
    expect(n.next().toString('hex')).toBe('000000000000000002000000');
    expect(n.next().toString('hex')).toBe('010000000000000002000000');
  });

  it('KMS endpoint is overridable by AWS_ENDPOINT_URL_KMS, explicit config wins', () => {
    expect(kmsClientConfig({}, { AWS_ENDPOINT_URL_KMS: 'http://127.0.0.1:9' }).endpoint).toBe('http://127.0.0.1:9');
    expect(kmsClientConfig({}, { AWS_ENDPOINT_URL: 'http://127.0.0.1:8' }).endpoint).toBe('http://127.0.0.1:8');
    expect(kmsClientConfig({ endpoint: 'http://x' }, { AWS_ENDPOINT_URL_KMS: 'http://y' }).endpoint).toBe('http://x');
    expect(kmsClientConfig({}, {}).endpoint).toBeUndefined();
  });
});
