import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { CredentialStore, IssuedCredentials } from './credentials';

/** Why a request's signature was refused; each service family turns this into its own error code. */
export type SignatureProblem =
  | { kind: 'missing' }
  | { kind: 'malformed'; detail: string }
  | { kind: 'unknown-key' }
  | { kind: 'bad-session-token' }
  | { kind: 'expired' }
  | { kind: 'wrong-service'; expected: string }
  | { kind: 'clock-skew'; detail: string }
  | { kind: 'mismatch' };

export type SignatureCheck =
  | { ok: true; creds: IssuedCredentials; region: string }
  | { ok: false; problem: SignatureProblem };

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;._-]+), ?Signature=([0-9a-f]{64})$/;

/** AWS accepts a request up to 15 minutes either side of its X-Amz-Date. */
const MAX_SKEW_MS = 15 * 60 * 1000;

function parseAmzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Verifies a SigV4-signed request by signing it again with the secret the emulator issued for
 * its access key and comparing signatures. `now` is the emulator clock (for credential expiry);
 * the signature date is checked against the wall clock, which is what the client signed with.
 */
export async function verifySigV4(
  req: IncomingMessage,
  body: Buffer,
  service: string,
  store: CredentialStore,
  now: number,
): Promise<SignatureCheck> {
  const authorization = header(req, 'authorization');
  if (!authorization) return { ok: false, problem: { kind: 'missing' } };
  const m = AUTH_PATTERN.exec(authorization);
  if (!m) return { ok: false, problem: { kind: 'malformed', detail: 'Authorization header is not a SigV4 header' } };
  const [, keyId, scopeDate, region, scopeService, signedHeaderList, signature] = m as unknown as string[];
  const amzDate = header(req, 'x-amz-date');
  const signingDate = amzDate ? parseAmzDate(amzDate) : undefined;
  if (!signingDate) return { ok: false, problem: { kind: 'malformed', detail: 'X-Amz-Date is missing or not YYYYMMDDTHHMMSSZ' } };
  if (scopeService !== service) return { ok: false, problem: { kind: 'wrong-service', expected: service } };
  if (!amzDate!.startsWith(scopeDate!)) return { ok: false, problem: { kind: 'mismatch' } };
  const skew = Math.abs(Date.now() - signingDate.getTime());
  if (skew > MAX_SKEW_MS)
    return { ok: false, problem: { kind: 'clock-skew', detail: `Signature expired: ${amzDate} is now earlier or later than 15 minutes from the current time` } };

  const creds = store.lookup(keyId!);
  if (!creds) return { ok: false, problem: { kind: 'unknown-key' } };
  if (header(req, 'x-amz-security-token') !== creds.sessionToken) return { ok: false, problem: { kind: 'bad-session-token' } };

  const signedHeaders = signedHeaderList!.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = header(req, name);
    if (value === undefined) return { ok: false, problem: { kind: 'mismatch' } };
    headers[name] = value;
  }
  const declaredHash = headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== createHash('sha256').update(body).digest('hex'))
    return { ok: false, problem: { kind: 'mismatch' } };
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
    region: region!,
    service,
    sha256: Hash.bind(null, 'sha256'),
    // The client's own x-amz-content-sha256 (if it signed one) is checked against the body below.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: req.method ?? 'GET',
      protocol: 'http:',
      hostname: (headers.host ?? '').split(':')[0] ?? '',
      path: url.pathname,
      query,
      headers,
      body: body.length ? body : undefined,
    },
    { signingDate, signingRegion: region, signingService: service, signableHeaders: new Set(signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1];
  if (expected !== signature) return { ok: false, problem: { kind: 'mismatch' } };
  // Expiry is judged after the signature, as AWS does: a forged request never learns it expired.
  if (creds.expiresAt <= now) return { ok: false, problem: { kind: 'expired' } };
  return { ok: true, creds, region: region! };
}
