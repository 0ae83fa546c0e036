import { EmulatorApiError } from '../errors';
import type { FixtureInstance, SessionDocument } from '../fixture';
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

/** "{{ name }}" → the parameter's value (or its default), as the service fills a document in. */
function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_m, name: string) => values[name] ?? '');
}

/**
 * An account's own Standard_Stream or commands document. A commands document without
 * properties for the instance's platform is refused (InvalidDocument) before any session exists.
 */
function planCustom(doc: SessionDocument, parameters: Record<string, string[]>, platform: FixtureInstance['platform']): SessionPlan {
  const documentName = doc.name;
  const c = doc.content;
  if (c.sessionType === 'Standard_Stream') {
    rejectUnknown(parameters, [], documentName);
    return { documentName, sessionType: 'Standard_Stream', properties: null, work: { kind: 'shell' } };
  }
  rejectUnknown(parameters, Object.keys(c.parameters), documentName);
  const values = Object.fromEntries(Object.entries(c.parameters).map(([name, p]) => [name, single(parameters, name, p.default, documentName)]));
  const key = platform.toLowerCase() as 'linux' | 'windows' | 'macos';
  const props = c.properties[key];
  if (!props) throw new EmulatorApiError('InvalidDocument', `Document ${documentName} has no properties for the ${platform} platform (it has ${Object.keys(c.properties).join(', ')}).`);
  const command = fill(Array.isArray(props.commands) ? props.commands.join('\n') : props.commands, values);
  return c.sessionType === 'InteractiveCommands'
    ? { documentName, sessionType: 'InteractiveCommands', properties: null, work: { kind: 'interactive-command', command } }
    : { documentName, sessionType: 'NonInteractiveCommands', properties: null, work: { kind: 'non-interactive-command', command } };
}

/** Resolves a StartSession document and its parameters; throws EmulatorApiError on bad input. `custom`: the account's own document of that name, if any. */
export function planSession(documentName: string, parameters: Record<string, string[]>, custom?: { document: SessionDocument; platform: FixtureInstance['platform'] }): SessionPlan {
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
      if (custom) return planCustom(custom.document, parameters, custom.platform);
      throw new EmulatorApiError(
        'InvalidDocument',
        `Document ${documentName} does not exist in the emulator. Use SSM-SessionManagerRunShell, AWS-StartInteractiveCommand, AWS-StartNonInteractiveCommand, AWS-StartPortForwardingSession, AWS-StartPortForwardingSessionToRemoteHost or AWS-StartSSHSession.`,
      );
  }
}
