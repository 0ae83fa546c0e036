import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Fixture, FixtureInstance } from '../fixture';

/**
 * The seam between the emulator's SSM JSON API (which authenticates and authorises the caller,
 * validates the request, resolves the instance) and the Session Manager side (sessions, the
 * ssmmessages WebSocket service, and the fake agent behind it).
 */

export interface StartSessionRequest {
  account: string;
  region: string;
  instance: FixtureInstance;
  /** Document name as given, or "SSM-SessionManagerRunShell" when omitted. */
  documentName: string;
  /** Document parameters, every value an array of strings as on the wire. */
  parameters: Record<string, string[]>;
  reason?: string;
  /** ARN of the caller (assumed-role ARN), for DescribeSessions' Owner. */
  owner: string;
}

export interface SessionCredentials {
  SessionId: string;
  TokenValue: string;
  StreamUrl: string;
}

export interface SessionSummary {
  SessionId: string;
  Target: string;
  Status: 'Connected' | 'Connecting' | 'Disconnected' | 'Terminated' | 'Terminating' | 'Failed';
  StartDate: Date;
  EndDate?: Date;
  DocumentName: string;
  Owner: string;
  Reason?: string;
}

export interface SessionHub {
  /** Throws EmulatorApiError (e.g. TargetNotConnected, InvalidDocument). */
  start(req: StartSessionRequest): SessionCredentials;
  /** Throws EmulatorApiError: DoesNotExistException when unknown or terminated; AccessDeniedException (HTTP 403, as users report from AWS) past the recycle. */
  resume(sessionId: string, account: string, region: string): SessionCredentials;
  terminate(sessionId: string, account: string, region: string): void;
  describe(account: string, region: string, state: 'Active' | 'History'): SessionSummary[];
  /** Claims WebSocket upgrades for /v1/data-channel/<sessionId>; returns false for other paths. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): Promise<void>;
}

export interface KmsDataKeys {
  /** Plaintext of a CiphertextBlob the emulator's GenerateDataKey issued, if the context matches. */
  decrypt(ciphertext: Uint8Array, encryptionContext: Record<string, string>): Uint8Array;
}

export interface SessionHubOptions {
  /** Live fixture: faults may be changed at run time through the control API. */
  fixture: () => Fixture;
  /** Base URL of the emulator, e.g. "http://127.0.0.1:41234"; StreamUrl uses its ws:// form. */
  baseUrl: () => string;
  pace: 'faithful' | 'none';
  kms: KmsDataKeys;
}

export type CreateSessionHub = (options: SessionHubOptions) => SessionHub;
