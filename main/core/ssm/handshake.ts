/**
 * The client side of the session handshake (spec §6, §7): answers HandshakeRequest (SessionType,
 * KMSEncryption), the encryption challenge, and reads HandshakeComplete. Pure apart from the
 * injected KMS call. Used by DataChannel; exported for tests and the emulator.
 */
import {
  ActionStatus,
  ActionType,
  buildEncChallenge,
  buildHandshakeResponse,
  kmsEncryptionParametersSchema,
  parseEncChallenge,
  parseHandshakeComplete,
  parseHandshakeRequest,
  sessionTypeParametersSchema,
  type ProcessedClientAction,
} from './payloads';
import { PayloadCipher, type GenerateDataKeyFn } from './encryption';

export const KNOWN_SESSION_TYPES = ['Standard_Stream', 'InteractiveCommands', 'NonInteractiveCommands', 'Port'] as const;

export interface SessionInfo {
  agentVersion: string;
  sessionType: string;
  /** Port session properties, all values as strings; null for shells. */
  properties: Record<string, string> | null;
  encrypted: boolean;
}

export interface ClientHandshakeOptions {
  clientVersion: string;
  sessionId: string;
  /** Target of the StartSession request (KMS encryption context). */
  targetId?: string;
  generateDataKey?: GenerateDataKeyFn;
}

export class ClientHandshake {
  info: SessionInfo | undefined;
  cipher: PayloadCipher | undefined;
  constructor(private readonly opts: ClientHandshakeOptions) {}

  /** Builds the HandshakeResponse payload; never throws for agent input (failures become ActionStatus 2/3). */
  async respond(requestPayload: Uint8Array): Promise<Uint8Array> {
    const req = parseHandshakeRequest(requestPayload);
    const processed: ProcessedClientAction[] = [];
    const errors: string[] = [];
    const info: SessionInfo = { agentVersion: req.AgentVersion, sessionType: '', properties: null, encrypted: false };
    for (const action of req.RequestedClientActions) {
      const result: ProcessedClientAction = { ActionType: action.ActionType, ActionStatus: ActionStatus.Success, ActionResult: null, Error: '' };
      if (action.ActionType === ActionType.SessionType) {
        const p = sessionTypeParametersSchema.safeParse(action.ActionParameters);
        if (p.success && (KNOWN_SESSION_TYPES as readonly string[]).includes(p.data.SessionType)) {
          info.sessionType = p.data.SessionType;
          info.properties = p.data.Properties ? Object.fromEntries(Object.entries(p.data.Properties).map(([k, v]) => [k, String(v)])) : null;
        } else {
          result.ActionStatus = ActionStatus.Failed;
          result.Error = `unknown session type ${p.success ? p.data.SessionType : '(unreadable)'}`;
        }
      } else if (action.ActionType === ActionType.KMSEncryption) {
        const p = kmsEncryptionParametersSchema.safeParse(action.ActionParameters);
        try {
          if (!p.success) throw new Error('KMSEncryption parameters are missing KMSKeyId');
          if (!this.opts.generateDataKey) throw new Error('this client was started without KMS access; KMS-encrypted sessions need it');
          if (!this.opts.targetId) throw new Error('the StartSession target is needed for the KMS encryption context');
          const key = await this.opts.generateDataKey({ kmsKeyId: p.data.KMSKeyId, sessionId: this.opts.sessionId, targetId: this.opts.targetId, challenge: p.data.Challenge });
          this.cipher = new PayloadCipher(key.plaintext, 'client');
          info.encrypted = true;
          result.ActionResult = {
            KMSCipherTextKey: Buffer.from(key.ciphertextBlob).toString('base64'),
            KMSCipherTextHash: null,
            ...(p.data.Challenge ? { ChallengeAcknowledgement: true } : {}),
          };
        } catch (e) {
          result.ActionStatus = ActionStatus.Failed;
          result.Error = `KMS encryption failed: ${e instanceof Error ? e.message : String(e)}`;
        }
      } else {
        result.ActionStatus = ActionStatus.Unsupported;
        result.Error = `unsupported action ${action.ActionType}`;
      }
      if (result.Error) errors.push(result.Error);
      processed.push(result);
    }
    this.info = info;
    return buildHandshakeResponse({ ClientVersion: this.opts.clientVersion, ProcessedClientActions: processed, Errors: errors.length ? errors : null });
  }

  /** EncChallengeRequest -> EncChallengeResponse payload. Throws ProtocolError if we cannot decrypt it. */
  answerChallenge(payload: Uint8Array): Uint8Array {
    if (!this.cipher) throw new Error('encryption challenge received before a KMS key was agreed');
    return buildEncChallenge(this.cipher.encrypt(this.cipher.decrypt(parseEncChallenge(payload))));
  }

  complete(payload: Uint8Array): string {
    return parseHandshakeComplete(payload).CustomerMessage;
  }
}
