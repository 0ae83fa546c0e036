import type { AuthService } from './auth';

/**
 * The demo's promise — "it signs itself in, you land on the instance list" — kept by starting
 * the device flow for every IAM Identity Center source that is not signed in, as soon as the host
 * starts. Only for the embedded emulator started with auto-approve (npm run demo / demo:web): it
 * approves the code itself, so no one has to. Against AWS the person chooses when to sign in.
 * Resolves when every started sign-in has finished (or failed; failures show on the source).
 */
export async function signInOnStart(auth: AuthService, log: (line: string) => void = () => {}): Promise<void> {
  await auth.init();
  const pending = auth
    .sources()
    .filter((s) => s.kind === 'sso' && (s.state === 'signed-out' || s.state === 'expired'))
    .map((s) =>
      auth.signIn(s.id).then(
        () => undefined,
        (err: unknown) => log(`demo sign-in to ${s.id} failed: ${err instanceof Error ? err.message : String(err)}`),
      ),
    );
  await Promise.all(pending);
}
