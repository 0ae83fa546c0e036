import { AppError } from '../../errors';
import type { LauncherSettings, TunnelKind } from '../profile-schema';
import { connectionDetails, type ClientProbe, type LaunchEndpoint, type LaunchPlan, type LaunchPlatform } from './types';

/**
 * Database launchers (psql, mysql, DBeaver, TablePlus) and the custom command template.
 * Nothing here carries a password: psql and mysql prompt (or use .pgpass / option files),
 * DBeaver and TablePlus ask in their own UI.
 */

/** libpq conninfo quoting: values in single quotes, \ and ' escaped. */
function conninfoValue(v: string): string {
  return /^[A-Za-z0-9._@/-]+$/.test(v) ? v : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function psqlConninfo(endpoint: LaunchEndpoint, settings: Pick<LauncherSettings, 'username' | 'database' | 'tlsServerName'>): string {
  // With the real server name, libpq verifies the certificate against host= while connecting to
  // hostaddr=, so TLS verification survives the tunnel.
  const parts: Array<[string, string | undefined]> = settings.tlsServerName
    ? [['host', settings.tlsServerName], ['hostaddr', endpoint.host], ['sslmode', 'verify-full']]
    : [['host', endpoint.host], ['sslmode', 'prefer']];
  parts.push(['port', String(endpoint.port)], ['dbname', settings.database], ['user', settings.username], ['application_name', 'bastionless']);
  return parts
    .filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '')
    .map(([k, v]) => `${k}=${conninfoValue(v)}`)
    .join(' ');
}

export function mysqlArgs(endpoint: LaunchEndpoint, settings: Pick<LauncherSettings, 'username' | 'database'>): string[] {
  // --protocol=TCP: "localhost" would mean the unix socket; -p alone makes mysql prompt.
  return ['--protocol=TCP', '-h', endpoint.host, '-P', String(endpoint.port), ...(settings.username ? ['-u', settings.username] : []), '-p', ...(settings.database ? [settings.database] : [])];
}

export function dbeaverConnection(kind: TunnelKind, endpoint: LaunchEndpoint, settings: Pick<LauncherSettings, 'username' | 'database'>): string {
  const driver = kind === 'mysql' ? 'mysql' : 'postgresql';
  const fields: Array<[string, string | undefined]> = [
    ['driver', driver],
    ['host', endpoint.host],
    ['port', String(endpoint.port)],
    ['database', settings.database],
    ['user', settings.username],
    ['name', endpoint.label],
    ['connect', 'true'],
    ['save', 'false'],
  ];
  // '|' separates fields, so it cannot appear inside one.
  return fields
    .filter((f): f is [string, string] => !!f[1])
    .map(([k, v]) => `${k}=${v.replace(/\|/g, '')}`)
    .join('|');
}

export function tableplusUrl(kind: TunnelKind, endpoint: LaunchEndpoint, settings: Pick<LauncherSettings, 'username' | 'database'>): string {
  const scheme = kind === 'mysql' ? 'mysql' : 'postgresql';
  const user = settings.username ? `${encodeURIComponent(settings.username)}@` : '';
  const db = settings.database ? `/${encodeURIComponent(settings.database)}` : '/';
  return `${scheme}://${user}${endpoint.host}:${endpoint.port}${db}?name=${encodeURIComponent(endpoint.label)}`;
}

/** Splits a command template into argv (double/single quotes group; no shell is ever involved). */
export function splitTemplate(template: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  let has = false;
  for (const ch of template) {
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || current) out.push(current);
      current = '';
      has = false;
    } else current += ch;
  }
  if (quote) throw new AppError('launcher-template', `The command template has an unclosed ${quote} quote.`, 'Close the quote, e.g. mycli -h {host} -P {port}.');
  if (has || current) out.push(current);
  return out;
}

export function customCommand(template: string, endpoint: LaunchEndpoint, settings: Pick<LauncherSettings, 'username' | 'database'>): { command: string; args: string[] } {
  const values: Record<string, string> = { host: endpoint.host, port: String(endpoint.port), user: settings.username ?? '', db: settings.database ?? '' };
  const argv = splitTemplate(template).map((part) =>
    part.replace(/\{(\w+)\}/g, (m, name: string) => {
      if (!(name in values)) throw new AppError('launcher-template', `The command template uses ${m}, which is not one of {host} {port} {user} {db}.`, 'Remove it or use one of those placeholders.');
      return values[name] as string;
    }),
  );
  const [command, ...args] = argv;
  if (!command) throw new AppError('launcher-template', 'The command template is empty.', 'Enter a command, e.g. mycli -h {host} -P {port} -u {user} {db}.');
  return { command, args };
}

function missing(what: string, endpoint: LaunchEndpoint, settings: LauncherSettings): AppError {
  return new AppError('launcher-missing', `${what} was not found on this computer.`, `Connect your client to these details:\n${connectionDetails(endpoint, { User: settings.username, Database: settings.database })}`);
}

/** `open`/`xdg-open`/`start`: hand a URL to its registered application. */
export function urlOpener(platform: LaunchPlatform, url: string): { command: string; args: string[] } {
  if (platform === 'darwin') return { command: 'open', args: [url] };
  if (platform === 'win32') return { command: 'cmd.exe', args: ['/d', '/s', '/c', 'start', '""', `"${url}"`] };
  return { command: 'xdg-open', args: [url] };
}

export function planDbLaunch(kind: TunnelKind, platform: LaunchPlatform, endpoint: LaunchEndpoint, settings: LauncherSettings, probe: ClientProbe): LaunchPlan {
  const client = settings.client === 'auto' ? (kind === 'mysql' ? 'mysql' : kind === 'postgres' ? 'psql' : 'custom') : settings.client;
  switch (client) {
    case 'psql': {
      const path = probe.which('psql');
      if (!path) throw missing('psql', endpoint, settings);
      return { client: 'psql', command: path, args: [psqlConninfo(endpoint, settings)], terminal: true };
    }
    case 'mysql': {
      const path = probe.which('mysql');
      if (!path) throw missing('The mysql client', endpoint, settings);
      return { client: 'mysql', command: path, args: mysqlArgs(endpoint, settings), terminal: true };
    }
    case 'dbeaver': {
      const con = dbeaverConnection(kind, endpoint, settings);
      if (platform === 'darwin') {
        if (!probe.hasApp('DBeaver')) throw missing('DBeaver', endpoint, settings);
        return { client: 'DBeaver', command: 'open', args: ['-a', 'DBeaver', '--args', '-con', con] };
      }
      const program = platform === 'win32' ? 'dbeaver-cli' : 'dbeaver';
      const path = probe.which(program);
      if (!path) throw missing('DBeaver', endpoint, settings);
      return { client: 'DBeaver', command: path, args: ['-con', con] };
    }
    case 'tableplus': {
      if (platform === 'darwin' && !probe.hasApp('TablePlus')) throw missing('TablePlus', endpoint, settings);
      return { client: 'TablePlus', ...urlOpener(platform, tableplusUrl(kind, endpoint, settings)) };
    }
    case 'custom': {
      if (!settings.commandTemplate) throw new AppError('launcher-template', 'This profile has no command template.', 'Edit the profile and enter one, e.g. mycli -h {host} -P {port} -u {user} {db}.');
      const { command, args } = customCommand(settings.commandTemplate, endpoint, settings);
      const path = command.includes('/') || command.includes('\\') ? command : probe.which(command);
      if (!path) throw missing(command, endpoint, settings);
      return { client: command, command: path, args };
    }
    default:
      throw new AppError('launcher-unsupported', `${client} is not a database client.`, 'Choose psql, mysql, DBeaver, TablePlus or a custom command.');
  }
}
