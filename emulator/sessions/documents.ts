import { EmulatorApiError } from '../errors';
import type { SessionTypeName } from '../../main/core/ssm/payloads';

/**
 * The AWS-managed session documents the emulator knows (spec §1.2), turned into what the fake
 * agent needs: the session type, the handshake properties and the work to do. Parameter
 * validation happens here so StartSession fails up front, as the real service does.
 */

export type SessionWork =
  | { kind: 'shell' }
  | { kind: 'interactive-command'; command: string }
  | { kind: 'non-interactive-command'; command: string }
  | { kind: 'port'; host: string | undefined; portNumber: string; portType: 'LocalPortForwarding' | 'stdio' };

export interface SessionPlan {
  documentName: string;
  sessionType: SessionTypeName;
  /** Properties sent in the HandshakeRequest (Port only; null for the shell types). */
  properties: Record<string, string> | null;
  work: SessionWork;
}

export const DEFAULT_DOCUMENT = 'SSM-SessionManagerRunShell';

function single(parameters: Record<string, string[]>, name: string, fallback: string | undefined, documentName: string): string {
  const values = parameters[name];
  if (values === undefined || values.length === 0) {
    if (fallback !== undefined) return fallback;
    throw new EmulatorApiError('ValidationException', `Document ${documentName} requires the parameter "${name}"; pass Parameters {"${name}":["..."]}.`);
  }
  if (values.length !== 1) {
    throw new EmulatorApiError('ValidationException', `Parameter "${name}" of ${documentName} takes exactly one value, got ${values.length}.`);
  }
  return values[0] as string;
}

function portParameter(parameters: Record<string, string[]>, name: string, fallback: string, documentName: string): string {
  const value = single(parameters, name, fallback, documentName);
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n > 65535) {
    throw new EmulatorApiError('ValidationException', `Parameter "${name}" of ${documentName} must be a port number 0-65535, got "${value}".`);
  }
  return value;
}

function rejectUnknown(parameters: Record<string, string[]>, allowed: string[], documentName: string): void {
  for (const key of Object.keys(parameters)) {
    if (!allowed.includes(key)) {
      const list = allowed.length ? allowed.join(', ') : 'none';
      throw new EmulatorApiError('InvalidParameters', `Document ${documentName} does not support parameter "${key}" (supported: ${list}).`);
    }
  }
}

/** Resolves a StartSession document and its parameters; throws EmulatorApiError on bad input. */
export function planSession(documentName: string, parameters: Record<string, string[]>): SessionPlan {
  switch (documentName) {
    case DEFAULT_DOCUMENT:
      rejectUnknown(parameters, [], documentName);
      return { documentName, sessionType: 'Standard_Stream', properties: null, work: { kind: 'shell' } };
    case 'AWS-StartInteractiveCommand':
      rejectUnknown(parameters, ['command'], documentName);
      return {
        documentName,
        sessionType: 'InteractiveCommands',
        properties: null,
        work: { kind: 'interactive-command', command: single(parameters, 'command', undefined, documentName) },
      };
    case 'AWS-StartNonInteractiveCommand':
      rejectUnknown(parameters, ['command'], documentName);
      return {
        documentName,
        sessionType: 'NonInteractiveCommands',
        properties: null,
        work: { kind: 'non-interactive-command', command: single(parameters, 'command', undefined, documentName) },
      };
    case 'AWS-StartPortForwardingSession': {
      rejectUnknown(parameters, ['portNumber', 'localPortNumber'], documentName);
      const portNumber = portParameter(parameters, 'portNumber', '80', documentName);
      const localPortNumber = portParameter(parameters, 'localPortNumber', '0', documentName);
      return {
        documentName,
        sessionType: 'Port',
        properties: { portNumber, type: 'LocalPortForwarding', localPortNumber },
        work: { kind: 'port', host: undefined, portNumber, portType: 'LocalPortForwarding' },
      };
    }
    case 'AWS-StartPortForwardingSessionToRemoteHost': {
      rejectUnknown(parameters, ['host', 'portNumber', 'localPortNumber'], documentName);
      const host = single(parameters, 'host', undefined, documentName);
      const portNumber = portParameter(parameters, 'portNumber', '80', documentName);
      const localPortNumber = portParameter(parameters, 'localPortNumber', '0', documentName);
      return {
        documentName,
        sessionType: 'Port',
        properties: { host, portNumber, type: 'LocalPortForwarding', localPortNumber },
        work: { kind: 'port', host, portNumber, portType: 'LocalPortForwarding' },
      };
    }
    case 'AWS-StartSSHSession': {
      rejectUnknown(parameters, ['portNumber'], documentName);
      const portNumber = portParameter(parameters, 'portNumber', '22', documentName);
      return {
        documentName,
        sessionType: 'Port',
        properties: { portNumber },
        work: { kind: 'port', host: undefined, portNumber, portType: 'stdio' },
      };
    }
    default:
      throw new EmulatorApiError(
        'InvalidDocument',
        `Document ${documentName} does not exist in the emulator. Use SSM-SessionManagerRunShell, AWS-StartInteractiveCommand, AWS-StartNonInteractiveCommand, AWS-StartPortForwardingSession, AWS-StartPortForwardingSessionToRemoteHost or AWS-StartSSHSession.`,
      );
  }
}
