import { AppError } from '../../errors';
import type { LauncherSettings } from '../profile-schema';
import { connectionDetails, type ClientProbe, type LaunchEndpoint, type LaunchPlan, type LaunchPlatform } from './types';

/**
 * RDP launchers: mstsc on Windows and the Windows App on macOS with a generated .rdp file;
 * FreeRDP (3, then 2) or Remmina on Linux, with the flags of the version found.
 */

export interface RdpFileOptions {
  port: number;
  host?: string;
  username?: string;
  fullscreen?: boolean;
  width?: number;
  height?: number;
}

/** The .rdp text (CRLF lines). The tunnel makes the certificate's name mismatch, hence level 2 (warn). */
export function rdpFileText(o: RdpFileOptions): string {
  const lines = [
    `full address:s:${o.host ?? '127.0.0.1'}:${o.port}`,
    ...(o.username ? [`username:s:${o.username}`] : []),
    'prompt for credentials:i:1',
    'authentication level:i:2',
    `screen mode id:i:${o.fullscreen ? 2 : 1}`,
    ...(o.width && o.height ? [`desktopwidth:i:${o.width}`, `desktopheight:i:${o.height}`] : []),
    'redirectclipboard:i:1',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** mstsc writes .rdp files as UTF-16LE with a byte-order mark; so do we. */
export function encodeRdpFile(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

const MAC_APPS = ['Windows App', 'Microsoft Remote Desktop'] as const;

/** FreeRDP binaries in the preferred order, and their major version. */
const FREERDP = [
  { program: 'xfreerdp3', version: 3 },
  { program: 'sdl-freerdp3', version: 3 },
  { program: 'xfreerdp', version: 2 },
] as const;

export function freerdpArgs(version: 2 | 3, endpoint: LaunchEndpoint, settings: Pick<LauncherSettings, 'username' | 'fullscreen'>): string[] {
  // Both versions take /cert:ignore (3 dropped the old /cert-ignore); 3 also wants the title set
  // with /title, 2 with /t. No /p: the password would be visible in `ps`.
  return [
    `/v:${endpoint.host}:${endpoint.port}`,
    ...(settings.username ? [`/u:${settings.username}`] : []),
    '/cert:ignore',
    version === 3 ? `/title:${endpoint.label}` : `/t:${endpoint.label}`,
    settings.fullscreen ? '/f' : '/dynamic-resolution',
    '+clipboard',
  ];
}

function missing(endpoint: LaunchEndpoint, settings: LauncherSettings, what: string): AppError {
  return new AppError('launcher-missing', `${what} was not found on this computer.`, `Connect any RDP client to these details:\n${connectionDetails(endpoint, { User: settings.username })}`);
}

export function planRdpLaunch(platform: LaunchPlatform, endpoint: LaunchEndpoint, settings: LauncherSettings, probe: ClientProbe): LaunchPlan {
  const file = { name: `${endpoint.label.replace(/[^A-Za-z0-9._-]+/g, '_') || 'tunnel'}.rdp`, content: encodeRdpFile(rdpFileText({ host: endpoint.host, port: endpoint.port, username: settings.username, fullscreen: settings.fullscreen })) };
  const client = settings.client;
  if (platform === 'win32') {
    if (client !== 'auto' && client !== 'mstsc') throw new AppError('launcher-unsupported', `The ${client} client is not available on Windows.`, 'Choose mstsc (Remote Desktop Connection) or automatic.');
    return { client: 'Remote Desktop Connection (mstsc)', command: 'mstsc', args: ['{file}'], file };
  }
  if (platform === 'darwin') {
    if (client !== 'auto' && client !== 'windows-app') throw new AppError('launcher-unsupported', `The ${client} client is not available on macOS.`, 'Choose the Windows App or automatic.');
    const app = MAC_APPS.find((name) => probe.hasApp(name));
    if (!app) throw missing(endpoint, settings, 'The Windows App (or Microsoft Remote Desktop)');
    return { client: app, command: 'open', args: ['-a', app, '{file}'], file };
  }
  if (client === 'remmina' || (client === 'auto' && !FREERDP.some((f) => probe.which(f.program)))) {
    const remmina = probe.which('remmina');
    if (!remmina) throw missing(endpoint, settings, client === 'remmina' ? 'Remmina' : 'No RDP client (xfreerdp3, sdl-freerdp3, xfreerdp, remmina)');
    const user = settings.username ? `${encodeURIComponent(settings.username)}@` : '';
    return { client: 'Remmina', command: remmina, args: ['-c', `rdp://${user}${endpoint.host}:${endpoint.port}`] };
  }
  if (client !== 'auto' && client !== 'xfreerdp') throw new AppError('launcher-unsupported', `The ${client} client is not available on Linux.`, 'Choose FreeRDP, Remmina or automatic.');
  for (const f of FREERDP) {
    const path = probe.which(f.program);
    if (path) return { client: `FreeRDP ${f.version} (${f.program})`, command: path, args: freerdpArgs(f.version, endpoint, settings) };
  }
  throw missing(endpoint, settings, 'FreeRDP (xfreerdp3, sdl-freerdp3 or xfreerdp)');
}
