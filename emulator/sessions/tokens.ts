import { randomBytes } from 'node:crypto';

/**
 * Data-channel tokens (StartSession / ResumeSession TokenValue). Opaque, random, tied to one
 * session, valid for a limited time to open (or re-open) the WebSocket. The real service's
 * lifetime is not visible; ten minutes covers the plugin's reconnect retries with room to spare.
 */

export const TOKEN_TTL_MS = 10 * 60 * 1000;

interface TokenRecord {
  sessionId: string;
  expiresAt: number;
}

export type TokenCheck = { ok: true; sessionId: string } | { ok: false; reason: string };

export class TokenStore {
  private readonly tokens = new Map<string, TokenRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(sessionId: string): string {
    this.sweep();
    const token = randomBytes(96).toString('base64');
    this.tokens.set(token, { sessionId, expiresAt: this.now() + TOKEN_TTL_MS });
    return token;
  }

  check(token: string, sessionId: string): TokenCheck {
    const record = this.tokens.get(token);
    if (!record) return { ok: false, reason: 'unknown token: call StartSession or ResumeSession for a fresh TokenValue' };
    if (record.sessionId !== sessionId) return { ok: false, reason: `token belongs to another session than ${sessionId}` };
    if (record.expiresAt <= this.now()) return { ok: false, reason: 'token expired: call ResumeSession for a fresh TokenValue' };
    return { ok: true, sessionId };
  }

  revokeSession(sessionId: string): void {
    for (const [token, record] of this.tokens) if (record.sessionId === sessionId) this.tokens.delete(token);
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, record] of this.tokens) if (record.expiresAt <= now) this.tokens.delete(token);
  }
}
