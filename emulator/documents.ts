import type { Fixture, SessionDocument, SessionPreferences } from './fixture';
import { SessionPreferencesSchema } from './fixture';
import { EmulatorApiError } from './errors';

/**
 * Contents of the AWS-managed Session Manager documents as GetDocument returns them. The shell
 * document carries the account's Session Manager preferences (idle timeout, maximum duration,
 * KMS key, run-as), which clients read to know when the service will cut an idle session.
 */

/** A fixed creation date: the managed documents predate any account. */
const CREATED = new Date('2019-07-23T00:00:00Z');

export function sessionPreferencesFor(fixture: Fixture, account: string, region: string): SessionPreferences {
  return fixture.sessionPreferences[`${account}/${region}`] ?? fixture.sessionPreferences['*'] ?? SessionPreferencesSchema.parse({});
}

function portParams(withHost: boolean): Record<string, unknown> {
  return {
    ...(withHost ? { host: { type: 'String', description: '(Required) The hostname or IP address of the destination server.' } } : {}),
    portNumber: { type: 'String', description: '(Optional) Port number of the server on the instance', allowedPattern: '^([1-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$', default: '80' },
    localPortNumber: { type: 'String', description: '(Optional) Port number on local machine to forward traffic to. An open port is chosen at run-time if not provided', allowedPattern: '^([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$', default: '0' },
  };
}

function content(name: string, prefs: SessionPreferences): Record<string, unknown> | undefined {
  switch (name) {
    case 'SSM-SessionManagerRunShell':
      return {
        schemaVersion: '1.0',
        description: 'Document to hold regional settings for Session Manager',
        sessionType: 'Standard_Stream',
        inputs: {
          s3BucketName: prefs.s3BucketName,
          s3KeyPrefix: prefs.s3KeyPrefix,
          s3EncryptionEnabled: true,
          cloudWatchLogGroupName: prefs.cloudWatchLogGroupName,
          cloudWatchEncryptionEnabled: true,
          cloudWatchStreamingEnabled: false,
          idleSessionTimeout: String(prefs.idleSessionTimeout),
          maxSessionDuration: prefs.maxSessionDuration === undefined ? '' : String(prefs.maxSessionDuration),
          kmsKeyId: prefs.kmsKeyId ?? '',
          runAsEnabled: prefs.runAsEnabled,
          runAsDefaultUser: prefs.runAsDefaultUser ?? '',
          shellProfile: { windows: '', linux: prefs.shellProfileLinux ?? '' },
        },
      };
    case 'AWS-StartPortForwardingSession':
      return {
        schemaVersion: '1.0',
        description: 'Document to start port forwarding session over Session Manager',
        sessionType: 'Port',
        parameters: portParams(false),
        properties: { portNumber: '{{ portNumber }}', type: 'LocalPortForwarding', localPortNumber: '{{ localPortNumber }}' },
      };
    case 'AWS-StartPortForwardingSessionToRemoteHost':
      return {
        schemaVersion: '1.0',
        description: 'Document to start port forwarding session over Session Manager to a remote host',
        sessionType: 'Port',
        parameters: portParams(true),
        properties: { host: '{{ host }}', portNumber: '{{ portNumber }}', type: 'LocalPortForwarding', localPortNumber: '{{ localPortNumber }}' },
      };
    case 'AWS-StartSSHSession':
      return {
        schemaVersion: '1.0',
        description: 'Document to start SSH session over Session Manager',
        sessionType: 'Port',
        parameters: { portNumber: { type: 'String', description: '(Optional) Port number of SSH server on the instance', allowedPattern: '^([1-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$', default: '22' } },
        properties: { portNumber: '{{ portNumber }}' },
      };
    case 'AWS-StartInteractiveCommand':
    case 'AWS-StartNonInteractiveCommand':
      return {
        schemaVersion: '1.0',
        description: 'Document to run single interactive command on an instance',
        sessionType: name === 'AWS-StartInteractiveCommand' ? 'InteractiveCommands' : 'NonInteractiveCommands',
        parameters: { command: { type: 'String', description: 'The command to run on the instance' } },
        properties: { linux: { commands: '{{command}}', runAsElevated: false }, windows: { commands: '{{command}}', runAsElevated: false } },
      };
    default:
      return undefined;
  }
}

/** The account's own document of that name in this account-region (a regional one wins over one given for everywhere). */
export function customDocumentFor(fixture: Fixture, name: string, account: string, region: string): SessionDocument | undefined {
  const matching = fixture.documents.filter((d) => d.name === name && (d.account === undefined || d.account === account) && (d.region === undefined || d.region === region));
  return matching.find((d) => d.account !== undefined && d.region !== undefined) ?? matching.find((d) => d.account !== undefined) ?? matching[0];
}

export function getSessionDocument(name: string, prefs: SessionPreferences, version?: string, custom?: SessionDocument) {
  const doc = content(name, prefs) ?? custom?.content;
  if (!doc) throw new EmulatorApiError('InvalidDocument', `Document with name ${name} does not exist. The emulator knows the Session Manager documents SSM-SessionManagerRunShell, AWS-StartPortForwardingSession, AWS-StartPortForwardingSessionToRemoteHost, AWS-StartSSHSession, AWS-StartInteractiveCommand and AWS-StartNonInteractiveCommand, and the fixture's own documents.`);
  if (version !== undefined && version !== '1' && version !== '$LATEST' && version !== '$DEFAULT')
    throw new EmulatorApiError('InvalidDocumentVersion', `The document version ${version} is not valid or does not exist; documents in the emulator have version 1.`);
  return {
    Name: name,
    CreatedDate: CREATED.getTime() / 1000,
    DocumentVersion: '1',
    Status: 'Active',
    Content: JSON.stringify(doc, null, 2),
    DocumentType: 'Session',
    DocumentFormat: 'JSON',
  };
}
