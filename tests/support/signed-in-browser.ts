import { startEmulator, type FixtureInput, type Fixture, type RunningEmulator } from '../../emulator/index';
import { launchBrowser, type BrowserSession } from './browser';
import { useEmulatorEnv } from './emulator-app-env';
import { signInAndScan } from './signed-in-core';
import { startWebApp, type RunningApp } from './web-app';

/**
 * An e2e world already past the sign-in: the emulator (auto-approving), the app as `npm run web`
 * runs it (signed in, inventory scanned) and Chromium. Needs a D-Bus session with an unlocked
 * keyring, as CI provides; `testFile` names the file in the message that says how to get one.
 */
export interface SignedInBrowser {
  emulator: RunningEmulator;
  app: RunningApp;
  browser: BrowserSession;
  close(): Promise<void>;
}

export async function startSignedInBrowser(fixture: Fixture | FixtureInput, testFile: string): Promise<SignedInBrowser> {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) throw new Error(`No D-Bus session: run under dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets --daemonize; npx vitest run --project e2e ${testFile}'`);
  const emulator = await startEmulator({ fixture, autoApprove: true });
  const env = useEmulatorEnv(emulator);
  let app: RunningApp | undefined;
  let browser: BrowserSession | undefined;
  const close = async () => {
    await browser?.close();
    await app?.close();
    await emulator.stop();
    env.restore();
  };
  try {
    app = await startWebApp({ emulator: true });
    await signInAndScan(app.host.core);
    browser = await launchBrowser({ colorScheme: 'dark' });
    return { emulator, app, browser, close };
  } catch (err) {
    await close();
    throw err;
  }
}
