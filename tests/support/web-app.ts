import { fileURLToPath } from 'node:url';
import { createHostContext, type HostContext } from '../../main/ipc/host';
import { startWebHost, type WebHost } from '../../main/web/server';

export const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

export interface RunningApp {
  host: HostContext;
  web: WebHost;
  close(): Promise<void>;
}

/** The whole app as `npm run web` runs it, in-process, on a free loopback port. */
export async function startWebApp(options: { emulator?: boolean } = {}): Promise<RunningApp> {
  const host = createHostContext({ emulator: options.emulator ?? false });
  const web = await startWebHost({ host, rendererDir: RENDERER_DIR });
  return {
    host,
    web,
    async close() {
      await web.close();
      await host.dispose();
    },
  };
}
