import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where Bastionless keeps its files (settings, profiles, the encrypted token file, the inventory
 * cache). BASTIONLESS_DATA_DIR overrides it — the demo and the tests use a throwaway folder.
 * The defaults match Electron's app.getPath('userData') for the product name, so the desktop app,
 * the CLI and the web host share one folder.
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.BASTIONLESS_DATA_DIR) return env.BASTIONLESS_DATA_DIR;
  const home = homedir();
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Bastionless');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Bastionless');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Bastionless');
  }
}
