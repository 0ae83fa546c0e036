import { readFileSync } from 'node:fs';
import { createCoreServices, type CoreOptions, type CoreServices } from '../core/services';
import { signInOnStart } from '../core/aws/sign-in-on-start';
import { buildTrayMenu } from '../core/tray-menu';
import { createDispatcher, type Dispatcher, type Handlers } from './dispatch';
import { EventBus } from './events';
import { appHandlers } from './handlers/app';
import { authHandlers } from './handlers/auth';
import { countdownsHandlers } from './handlers/countdowns';
import { doctorHandlers } from './handlers/doctor';
import { inventoryHandlers } from './handlers/inventory';
import { preferencesHandlers } from './handlers/preferences';
import { shellsHandlers } from './handlers/shells';
import { sessionsHandlers } from './handlers/sessions';
import { tunnelsHandlers } from './handlers/tunnels';
import { StreamRegistry } from './streams';

/**
 * Everything a host (Electron main or the web host) needs to serve the renderer: the core, the
 * dispatch table, the event bus and the stream registry. Hosts add only their transport and
 * their own reactions to shell-level menu items (show the window, quit).
 */
export interface HostContext {
  core: CoreServices;
  dispatcher: Dispatcher;
  events: EventBus;
  streams: StreamRegistry;
  /** Runs a tray / quick-connect item; returns false for items the host itself must handle. */
  activateMenuItem(id: string): boolean;
  dispose(): Promise<void>;
}

export interface HostOptions {
  emulator: boolean;
  /** The host's own reactions to "Open Bastionless" and "Quit" (show the window, exit). */
  shellActions?: { open(): void; quit(): void };
  log?: (line: string) => void;
  /** Sign-in and discovery settings passed to the core (the demo keeps its tokens in memory). */
  aws?: CoreOptions['aws'];
  /**
   * Start signing in to every IAM Identity Center source at once. Only for the demo, whose
   * emulator approves device codes itself: the window then opens on the instance list.
   */
  signInOnStart?: boolean;
}

export function readAppVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** "profile.start:<id>" → ["profile.start", "<id>"]. */
function splitMenuId(id: string): [string, string | undefined] {
  const at = id.indexOf(':');
  return at < 0 ? [id, undefined] : [id.slice(0, at), id.slice(at + 1)];
}

export function createHostContext(options: HostOptions): HostContext {
  const core = createCoreServices({ version: readAppVersion(), emulator: options.emulator, ...(options.aws ? { aws: options.aws } : {}) });
  const events = new EventBus();
  const streams = new StreamRegistry();
  /** Brings the window up on `view` (and a tab there). */
  const show = (view: 'instances' | 'terminals' | 'tunnels' | 'login', tabId?: string) => {
    events.emit('app.navigate', { view, ...(tabId ? { tabId } : {}) });
    options.shellActions?.open();
  };
  const activateMenuItem = (id: string): boolean => {
    // Windows and process lifetime belong to the host; without shellActions it handles them itself.
    if (id === 'app.open') {
      show('instances');
      return options.shellActions !== undefined;
    }
    if (id === 'app.quit') {
      options.shellActions?.quit();
      return options.shellActions !== undefined;
    }
    // Feature items (profile.start:…, tunnel.stop:…, instance.shell:…) are routed here as the
    // features land.
    const [kind, arg] = splitMenuId(id);
    if (kind === 'profile.start' && arg) {
      // One click: the tunnel, then its client; failures surface in the tunnel's status and view.
      void core.tunnels.launch(arg).catch((err: unknown) => options.log?.(`profile.start ${arg}: ${String(err)}`));
      events.emit('app.navigate', { view: 'tunnels' });
      return true;
    }
    if (kind === 'instance.shell' && arg) {
      events.emit('app.openShell', { instanceKey: arg });
      options.shellActions?.open();
      return true;
    }
    if (id === 'signin.start') {
      // The sign-in screen is the Instances view while no source is signed in.
      show('login');
      return true;
    }
    // "Ending soon" entries: show the tab or tunnel AWS is about to cut, or sign in again.
    if (kind === 'tab.show' && arg) {
      show('terminals', arg);
      return true;
    }
    if (kind === 'tunnel.show' && arg) {
      show('tunnels');
      return true;
    }
    if (kind === 'signin.source' && arg) {
      void core.auth.signIn(arg).catch((err: unknown) => options.log?.(`signin.source ${arg}: ${String(err)}`));
      show('login');
      return true;
    }
    if (kind === 'tunnel.stop' && arg) {
      void core.tunnels.stop(arg).catch((err: unknown) => options.log?.(`tunnel.stop ${arg}: ${String(err)}`));
      return true;
    }
    return false;
  };
  const handlers: Handlers = {
    ...appHandlers({ core, activateMenuItem }),
    ...authHandlers({ core, events, streams }),
    ...countdownsHandlers({ core, events }),
    ...doctorHandlers({ core }),
    ...inventoryHandlers({ core, events, streams }),
    ...preferencesHandlers({ core, events }),
    ...sessionsHandlers({ core, events }),
    ...shellsHandlers({ core, events, streams }),
    ...tunnelsHandlers({ core, events, streams }),
  };
  const dispatcher = createDispatcher(handlers, options.log);
  const unsubscribe = core.appState.onChange((state) => events.emit('tray.changed', buildTrayMenu(state)));
  if (options.signInOnStart) void signInOnStart(core.auth, options.log);
  return {
    core,
    events,
    streams,
    dispatcher,
    activateMenuItem,
    async dispose() {
      streams.closeAll('the app is shutting down');
      unsubscribe();
      await core.dispose();
    },
  };
}
