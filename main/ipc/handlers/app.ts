import type { Handlers } from '../dispatch';
import type { HostContext } from '../host';
import { buildTrayMenu } from '../../core/tray-menu';

type AppHandlers = Pick<Handlers, 'app.info' | 'app.echo' | 'tray.menu' | 'tray.activate'>;

const platformName = (p: NodeJS.Platform) => (p === 'linux' || p === 'darwin' || p === 'win32' ? p : 'other');

export function appHandlers(host: Pick<HostContext, 'core' | 'activateMenuItem'>): AppHandlers {
  return {
    'app.info': (_arg, ctx) => ({
      name: 'Bastionless',
      version: host.core.options.version,
      platform: platformName(process.platform),
      transport: ctx.transport,
      emulator: host.core.options.emulator,
    }),
    'app.echo': ({ text }) => ({ text, at: Date.now() }),
    'tray.menu': () => buildTrayMenu(host.core.appState.get()),
    'tray.activate': ({ id }) => ({ handled: host.activateMenuItem(id) }),
  };
}
