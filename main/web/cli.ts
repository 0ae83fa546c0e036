import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { isAppError } from '../core/errors';
import { MemorySecretStore } from '../core/store/secrets';
import { createHostContext } from '../ipc/host';
import { startWebHost } from './server';

/**
 * `npm run web` — the app in a browser: serves the built renderer on 127.0.0.1 and prints the
 * URL (token included) to open. `--demo` first starts the embedded emulator with the demo fleet.
 */

const usage = `Usage: npm run web -- [--port N] [--demo]

  --port N   port on 127.0.0.1 (default 0: a free port)
  --demo     start the embedded AWS emulator with the demo fixture and point the app at it
  --help     show this help`;

const ArgsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(0),
  demo: z.boolean().default(false),
  help: z.boolean().default(false),
});

/** How the person started us, for messages that send them back to the printed URL. */
function launchCommand(demo: boolean): string {
  // `npm run demo` runs us through `npm run demo:web` and says so in BASTIONLESS_LAUNCHED_AS.
  const fromNpm = process.env.npm_lifecycle_event ? `npm run ${process.env.npm_lifecycle_event}` : undefined;
  return process.env.BASTIONLESS_LAUNCHED_AS ?? fromNpm ?? `tsx main/web/cli.ts${demo ? ' --demo' : ''}`;
}

async function main(): Promise<void> {
  let raw;
  try {
    raw = parseArgs({
      options: { port: { type: 'string' }, demo: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  const parsed = ArgsSchema.safeParse(raw);
  if (!parsed.success) {
    console.error(`${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\n\n${usage}`);
    process.exit(2);
  }
  const args = parsed.data;
  if (args.help) {
    console.log(usage);
    return;
  }

  let stopEmulator: (() => Promise<void>) | undefined;
  if (args.demo) {
    const { startDemoEmulator } = await import('../../emulator/demo');
    const demo = await startDemoEmulator();
    stopEmulator = demo.stop;
    console.log(`Emulator: ${demo.url} (demo fleet; sign-in approves itself)`);
  }

  let shutdown = async () => {};
  const host = createHostContext({
    emulator: args.demo,
    log: (line) => console.error(line),
    // Demo tokens belong to a throwaway emulator: memory keeps them out of the user's keychain
    // and works on headless machines without a Secret Service.
    ...(args.demo ? { aws: { secretStore: new MemorySecretStore() } } : {}),
    // The demo's emulator approves the device code itself: sign in now, land on the instances.
    signInOnStart: args.demo,
    // In a browser "Quit" stops the web host, as it would close the desktop app.
    shellActions: { open: () => {}, quit: () => void shutdown() },
  });
  const web = await startWebHost({
    host,
    rendererDir: fileURLToPath(new URL('../../out/renderer', import.meta.url)),
    port: args.port,
    launchCommand: launchCommand(args.demo),
    log: (line) => console.error(line),
  });
  console.log(`Bastionless is running. Open this URL in your browser (it carries this run's secret token):\n\n  ${web.url}\n`);

  shutdown = async () => {
    await web.close();
    await host.dispose();
    await stopEmulator?.();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((err: unknown) => {
  if (isAppError(err)) console.error(`${err.message}${err.hint ? `\n${err.hint}` : ''}`);
  else console.error(err);
  process.exit(1);
});
