import { app, BrowserWindow, Menu, session } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrayMenuSchema } from '../../preload/contract';
import { MemorySecretStore } from '../core/store/secrets';
import { buildTrayMenu } from '../core/tray-menu';
import { createHostContext, type HostContext } from '../ipc/host';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { installIpcBridge, type IpcBridge } from './ipc-bridge';
import { APP_ENTRY_URL, createNavigationPolicy } from './navigation-policy';
import { createAppTray, type AppTray } from './tray';
import { showCountdownNotifications } from './countdown-notifications';
import { hostActionFor } from './tray-template';
import { createMainWindow, currentWindowState, hardenWebContents, lockDownSession } from './window';
import { loadWindowState, saveWindowState } from './window-state-file';

/**
 * Electron main: lifecycle, the window, the tray. Everything else is the shared host context
 * (main/ipc/host.ts) that the web host runs too. A tray app: closing the window hides it; only
 * the tray's Quit, the app menu or Cmd-Q end the process.
 */

const log = (line: string) => console.log(`[bastionless] ${line}`);
const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
// out/main/index.js → out/preload, out/renderer; assets/ sits next to out/ in the app folder.
const PRELOAD_PATH = here('../preload/index.cjs');
const RENDERER_DIR = here('../renderer');
const ASSETS_DIR = here('../../assets');

registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  // Another Bastionless is running; it shows its window (second-instance) and we leave.
  app.quit();
} else {
  run();
}

function run(): void {
  const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
  const emulator = process.env['BASTIONLESS_EMULATOR'] === '1';
  // `npm run demo`: a throwaway emulator that approves sign-in itself (see build/scripts/demo.js).
  const demo = emulator && process.env['BASTIONLESS_DEMO'] === '1';
  const policy = createNavigationPolicy({
    ...(devServerUrl ? { devServerUrl } : {}),
    allowLoopbackHttp: emulator,
  });
  const windowStateFile = () => join(app.getPath('userData'), 'window-state.json');

  let host: HostContext | null = null;
  let bridge: IpcBridge | null = null;
  let tray: AppTray | null = null;
  let window: BrowserWindow | null = null;
  let quitting = false;
  let shutDown = false;

  const rememberWindow = async () => {
    if (window && !window.isDestroyed()) {
      await saveWindowState(windowStateFile(), currentWindowState(window)).catch((err: unknown) =>
        log(`could not save the window state: ${String(err)}`),
      );
    }
  };

  const showWindow = () => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  const activate = (id: string) => {
    if (host?.activateMenuItem(id)) return;
    const action = hostActionFor(id);
    if (action === 'show-window') showWindow();
    else if (action === 'quit') app.quit();
    else log(`tray item ${id} has no handler yet`);
  };

  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, policy, log));
  // Never quit because the window went away: the tray keeps the app (and its tunnels) alive.
  app.on('window-all-closed', () => {});
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', (event) => {
    if (shutDown) return;
    event.preventDefault();
    shutDown = true;
    void (async () => {
      await rememberWindow();
      bridge?.dispose();
      tray?.destroy();
      await host?.dispose().catch((err: unknown) => log(`shutdown: ${String(err)}`));
      app.quit();
    })();
  });

  app
    .whenReady()
    .then(async () => {
      if (process.platform === 'darwin') app.dock?.hide();
      Menu.setApplicationMenu(
        process.platform === 'darwin'
          ? Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }])
          : null,
      );
      lockDownSession(session.defaultSession, policy);
      serveRenderer(RENDERER_DIR, log);

      host = createHostContext({
        emulator,
        log,
        // The demo signs itself in, and its tokens (from a throwaway emulator) stay in memory.
        ...(demo ? { signInOnStart: true, aws: { secretStore: new MemorySecretStore() } } : {}),
      });
      bridge = installIpcBridge(host, policy, log);

      window = createMainWindow({
        preloadPath: PRELOAD_PATH,
        entryUrl: devServerUrl ?? APP_ENTRY_URL,
        savedState: await loadWindowState(windowStateFile()),
        iconPath: join(ASSETS_DIR, 'icon.png'),
        devTools: !app.isPackaged,
        log,
      });
      bridge.attachWindow(window.webContents);
      window.on('close', (event) => {
        if (quitting) return;
        event.preventDefault();
        void rememberWindow();
        window?.hide();
      });

      tray = createAppTray(ASSETS_DIR, buildTrayMenu(host.core.appState.get()), activate);
      host.events.subscribe((event, payload) => {
        if (event === 'tray.changed') tray?.update(TrayMenuSchema.parse(payload));
      });
      showCountdownNotifications(host, showWindow);
    })
    .catch((err: unknown) => {
      log(`start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      app.exit(1);
    });
}
