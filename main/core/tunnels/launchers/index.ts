import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { AppError } from '../../errors';
import type { LauncherSettings, TunnelKind } from '../profile-schema';
import { planDbLaunch } from './db';
import { commandLine } from './manual';
import { planRdpLaunch } from './rdp';
import type { ClientProbe, LaunchEndpoint, LaunchPlan, LaunchPlatform } from './types';

export * from './types';
export { planRdpLaunch, rdpFileText, encodeRdpFile, freerdpArgs } from './rdp';
export { planDbLaunch, psqlConninfo, mysqlArgs, dbeaverConnection, tableplusUrl, customCommand, splitTemplate } from './db';
export { manualConnection, commandLine, connectionUri, posixQuote, type ManualCopy } from './manual';

/** The plan for a profile's kind; custom tunnels use the command template (or nothing). */
export function planLaunch(kind: TunnelKind, platform: LaunchPlatform, endpoint: LaunchEndpoint, settings: LauncherSettings, probe: ClientProbe): LaunchPlan | null {
  if (settings.client === 'none') return null;
  if (kind === 'rdp') return planRdpLaunch(platform, endpoint, settings, probe);
  if (kind === 'custom' && settings.client === 'auto' && !settings.commandTemplate) return null;
  return planDbLaunch(kind, platform, endpoint, settings, probe);
}

export function systemProbe(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): ClientProbe {
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  return {
    which(program) {
      for (const dir of (env.PATH ?? '').split(delimiter)) {
        if (!dir) continue;
        for (const ext of exts) {
          const candidate = join(dir, program + ext);
          try {
            accessSync(candidate, constants.X_OK);
            return candidate;
          } catch {
            // not here
          }
        }
      }
      return undefined;
    },
    hasApp(name) {
      return existsSync(join('/Applications', `${name}.app`)) || existsSync(join(env.HOME ?? '', 'Applications', `${name}.app`));
    },
  };
}

/** Wraps a terminal program so it opens in a terminal window of the platform. */
export function inTerminal(platform: LaunchPlatform, command: string, args: string[], probe: ClientProbe): { command: string; args: string[] } {
  if (platform === 'win32') return { command: 'cmd.exe', args: ['/d', '/c', 'start', '""', command, ...args] };
  if (platform === 'darwin') {
    return { command: 'osascript', args: ['-e', `tell application "Terminal" to do script ${JSON.stringify(commandLine('darwin', [command, ...args]))}`, '-e', 'tell application "Terminal" to activate'] };
  }
  const terminal = ['x-terminal-emulator', 'gnome-terminal', 'konsole', 'xterm'].find((t) => probe.which(t));
  if (!terminal) throw new AppError('launcher-missing', 'No terminal emulator was found to run the client in.', `Install one (e.g. xterm), or run it yourself: ${commandLine(platform, [command, ...args])}`);
  return { command: terminal, args: terminal === 'gnome-terminal' ? ['--', command, ...args] : ['-e', command, ...args] };
}

export interface LaunchOutcome {
  client: string;
  command: string[];
}

/** Writes the plan's file (if any) to a private temp folder, starts the client detached, cleans up later. */
export async function runPlan(plan: LaunchPlan, platform: LaunchPlatform, probe: ClientProbe, options: { fileLifetimeMs?: number } = {}): Promise<LaunchOutcome> {
  let dir: string | undefined;
  let args = plan.args;
  if (plan.file) {
    dir = await mkdtemp(join(tmpdir(), 'bastionless-launch-'));
    const path = join(dir, plan.file.name);
    await writeFile(path, plan.file.content, { mode: 0o600 });
    args = args.map((a) => (a === '{file}' ? path : a));
  }
  const { command, args: finalArgs } = plan.terminal ? inTerminal(platform, plan.command, args, probe) : { command: plan.command, args };
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, finalArgs, { detached: true, stdio: 'ignore', windowsHide: false });
    child.once('error', (err) => reject(new AppError('launcher-failed', `Could not start ${plan.client}: ${err.message}.`, 'Check that it is installed, or copy the connection details and connect by hand.')));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
  // The client reads its .rdp at start-up; the file goes away once it has had time to.
  if (dir) {
    const folder = dir;
    setTimeout(() => void rm(folder, { recursive: true, force: true }), options.fileLifetimeMs ?? 60_000).unref();
  }
  return { client: plan.client, command: [command, ...finalArgs] };
}
