import { BrowserWindow, screen, shell, type Session, type WebContents } from 'electron';
import type { NavigationPolicy } from './navigation-policy';
import { MIN_WINDOW_SIZE, restoreWindowState, type WindowState } from './window-state';

/**
 * The one app window and the rules its page lives under: sandboxed, context-isolated, no Node,
 * no <webview>, no navigation away from our own pages, no new windows, and links opened in the
 * browser only when the navigation policy allows them.
 */

/** Navigation and permission rules are not set here: hardenWebContents covers every WebContents. */
export interface MainWindowOptions {
  preloadPath: string;
  entryUrl: string;
  savedState: WindowState | null;
  iconPath?: string;
  devTools: boolean;
  log: (line: string) => void;
}

function openIfAllowed(policy: NavigationPolicy, url: string, log: (line: string) => void): void {
  if (policy.externalUrlAllowed(url)) {
    shell.openExternal(url).catch((err: unknown) => log(`could not open ${url}: ${String(err)}`));
  } else {
    log(`blocked link to ${url} (not on the allow-list)`);
  }
}

/** Session-wide: deny every permission except what the policy allows from our own page. */
export function lockDownSession(session: Session, policy: NavigationPolicy): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(policy.permissionAllowed(permission, details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    policy.permissionAllowed(permission, details.requestingUrl ?? requestingOrigin),
  );
  session.setDevicePermissionHandler(() => false);
}

/**
 * Applied to every WebContents the app creates (app 'web-contents-created'), so no page, however
 * it came to exist, can navigate away, open windows or attach a <webview>.
 */
export function hardenWebContents(contents: WebContents, policy: NavigationPolicy, log: (line: string) => void): void {
  contents.on('will-navigate', (event) => {
    if (policy.isAppUrl(event.url)) return;
    event.preventDefault();
    openIfAllowed(policy, event.url, log);
  });
  contents.on('will-redirect', (event) => {
    if (!policy.isAppUrl(event.url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openIfAllowed(policy, url, log);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const { log } = options;
  const workAreas = [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((display) => display.workArea);
  const restored = restoreWindowState(options.savedState, workAreas);

  const window = new BrowserWindow({
    ...restored.bounds,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: 'Bastionless',
    show: false,
    autoHideMenuBar: true,
    backgroundColor: '#111418',
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // No middle-click "open in new window" path at all (window opening is denied anyway).
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      devTools: options.devTools,
    },
  });
  if (restored.maximized) window.maximize();

  // The title stays "Bastionless": it is what window switchers and the e2e test look for.
  window.on('page-title-updated', (event) => event.preventDefault());

  window.once('ready-to-show', () => window.show());
  window.loadURL(options.entryUrl).catch((err: unknown) => log(`could not load ${options.entryUrl}: ${String(err)}`));
  return window;
}

/** The bounds to remember (the normal bounds when maximized, so un-maximizing restores them). */
export function currentWindowState(window: BrowserWindow): WindowState {
  return { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
}
