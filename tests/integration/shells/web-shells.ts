import { createCoreServices } from '../../../main/core/services';
import { createDispatcher, type Handlers } from '../../../main/ipc/dispatch';
import { EventBus } from '../../../main/ipc/events';
import { appHandlers } from '../../../main/ipc/handlers/app';
import { authHandlers } from '../../../main/ipc/handlers/auth';
import { countdownsHandlers } from '../../../main/ipc/handlers/countdowns';
import { doctorHandlers } from '../../../main/ipc/handlers/doctor';
import { preferencesHandlers } from '../../../main/ipc/handlers/preferences';
import { inventoryHandlers } from '../../../main/ipc/handlers/inventory';
import { sessionsHandlers } from '../../../main/ipc/handlers/sessions';
import { shellsHandlers } from '../../../main/ipc/handlers/shells';
import { tunnelsHandlers } from '../../../main/ipc/handlers/tunnels';
import type { HostContext } from '../../../main/ipc/host';
import { StreamRegistry } from '../../../main/ipc/streams';
import { startWebHost, type WebHost } from '../../../main/web/server';
import { RENDERER_DIR } from '../../support/web-app';
import type { RunningEmulator } from '../../../emulator/index';
import { startEmulatorShells, type ShellsEmulator, type ShellsEnv } from './emulator-shells';

/**
 * The web host serving the real renderer, with the real dispatch table, whose shell service is
 * signed in to the emulator (until the app's own sign-in lands in the core, the test signs in).
 */
export interface WebShells<E extends ShellsEmulator = RunningEmulator> extends ShellsEnv<E> {
  host: HostContext;
  web: WebHost;
}

/** With no env given: against a fresh emulator in this process. */
export async function startWebShells(): Promise<WebShells>;
export async function startWebShells<E extends ShellsEmulator>(env: ShellsEnv<E>): Promise<WebShells<E>>;
export async function startWebShells(given?: ShellsEnv<ShellsEmulator>): Promise<WebShells<ShellsEmulator>> {
  const env = given ?? (await startEmulatorShells());
  const base = createCoreServices({ version: 'test', emulator: true });
  await base.shells.dispose();
  const core = { ...base, shells: env.service };
  const events = new EventBus();
  const streams = new StreamRegistry();
  const handlers: Handlers = {
    ...appHandlers({ core, activateMenuItem: () => false }),
    ...authHandlers({ core, events, streams }),
    ...countdownsHandlers({ core, events }),
    ...doctorHandlers({ core }),
    ...inventoryHandlers({ core, events, streams }),
    ...preferencesHandlers({ core, events }),
    ...sessionsHandlers({ core, events }),
    ...shellsHandlers({ core, events, streams }),
    ...tunnelsHandlers({ core, events, streams }),
  };
  const host: HostContext = {
    core,
    events,
    streams,
    dispatcher: createDispatcher(handlers, (line) => console.error(line)),
    activateMenuItem: () => false,
    async dispose() {
      streams.closeAll('test over');
    },
  };
  const web = await startWebHost({ host, rendererDir: RENDERER_DIR });
  return {
    ...env,
    host,
    web,
    async stop() {
      await web.close();
      await host.dispose();
      await env.stop();
    },
  };
}
