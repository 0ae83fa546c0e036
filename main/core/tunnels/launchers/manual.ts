import type { LauncherSettings, TunnelKind } from '../profile-schema';
import { customCommand, mysqlArgs, psqlConninfo } from './db';
import { connectionDetails, type LaunchEndpoint, type LaunchPlatform } from './types';

/**
 * What the user can copy to connect by hand when no client could be started: the command line a
 * terminal would have run, a connection URI for GUI clients, and the plain details.
 */
export interface ManualCopy {
  label: 'Command' | 'URI' | 'Details';
  text: string;
}

/** POSIX sh: single quotes keep everything literal; a ' is closed, escaped and reopened. */
export function posixQuote(arg: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** cmd.exe / CommandLineToArgvW: double quotes, inner quotes doubled. */
function windowsQuote(arg: string): string {
  return /^[A-Za-z0-9_./:@%+=,\\-]+$/.test(arg) ? arg : `"${arg.replace(/"/g, '""')}"`;
}

/** One line to paste into the platform's usual shell. */
export function commandLine(platform: LaunchPlatform, argv: readonly string[]): string {
  return argv.map(platform === 'win32' ? windowsQuote : posixQuote).join(' ');
}

/** `scheme://user@host:port/db`, the form psql, mysql shell, DBeaver and TablePlus all accept. */
export function connectionUri(kind: TunnelKind, endpoint: LaunchEndpoint, settings: Pick<LauncherSettings, 'username' | 'database'>): string | undefined {
  if (kind !== 'postgres' && kind !== 'mysql') return undefined;
  const user = settings.username ? `${encodeURIComponent(settings.username)}@` : '';
  const db = settings.database ? `/${encodeURIComponent(settings.database)}` : '';
  return `${kind === 'mysql' ? 'mysql' : 'postgresql'}://${user}${endpoint.host}:${endpoint.port}${db}`;
}

function manualArgv(kind: TunnelKind, endpoint: LaunchEndpoint, settings: LauncherSettings): string[] | undefined {
  if (settings.commandTemplate && (kind === 'custom' || settings.client === 'custom')) {
    try {
      const { command, args } = customCommand(settings.commandTemplate, endpoint, settings);
      return [command, ...args];
    } catch {
      return undefined; // a broken template has its own error; nothing sensible to copy
    }
  }
  if (kind === 'postgres') return ['psql', psqlConninfo(endpoint, settings)];
  if (kind === 'mysql') return ['mysql', ...mysqlArgs(endpoint, settings)];
  return undefined;
}

export function manualConnection(kind: TunnelKind, platform: LaunchPlatform, endpoint: LaunchEndpoint, settings: LauncherSettings): ManualCopy[] {
  const copies: ManualCopy[] = [];
  const argv = manualArgv(kind, endpoint, settings);
  if (argv) copies.push({ label: 'Command', text: commandLine(platform, argv) });
  const uri = connectionUri(kind, endpoint, settings);
  if (uri) copies.push({ label: 'URI', text: uri });
  copies.push({ label: 'Details', text: connectionDetails(endpoint, { User: settings.username, Database: settings.database }) });
  return copies;
}
