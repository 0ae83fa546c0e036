import { AsyncEntry } from '@napi-rs/keyring';
import { AppError } from '../errors';

/**
 * Where the one secret Bastionless keeps outside its own files (the data key of the encrypted
 * token file) lives. Production uses the OS keychain; tests may pass MemorySecretStore explicitly.
 */
export interface SecretStore {
  /** Says where secrets go, for error messages ("the OS keychain", "memory"). */
  readonly description: string;
  get(account: string): Promise<string | undefined>;
  set(account: string, value: string): Promise<void>;
  delete(account: string): Promise<void>;
  /**
   * Throws the reason (an AppError) when secrets cannot be kept right now, within a few seconds.
   * Asked before a sign-in starts, so nobody approves a code whose tokens could not be saved.
   */
  check?(): Promise<void>;
}

export const KEYCHAIN_SERVICE = 'Bastionless';

/** How long a keychain call may take before we say so (an unanswered unlock prompt, a dead bus). */
export const KEYCHAIN_TIMEOUT_MS = 8_000;

/** The way out when there is no keychain, named the same in the app and the command line. */
export const FILE_FALLBACK_HINT =
  'Or keep the key in a 0600 file in the data folder instead, as the AWS CLI keeps its token cache: `bastionless login --keychain file`, or Settings → Sign-in key in the app.';

function keychainError(action: string, err: unknown): AppError {
  const detail = err instanceof Error ? err.message : String(err);
  const start =
    process.platform === 'linux'
      ? 'Start a Secret Service keyring (GNOME Keyring or KWallet) and unlock it; on a headless box: apt-get install gnome-keyring dbus-user-session, then run under dbus-run-session with gnome-keyring-daemon --unlock.'
      : 'Unlock the system keychain and try again.';
  // The library's words for the commonest case (SSH, containers, WSL) send people after X11.
  const noBus = process.platform === 'linux' && !process.env.DBUS_SESSION_BUS_ADDRESS;
  const message = noBus
    ? 'No OS keychain here: there is no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set), so no Secret Service to keep the sign-in key in.'
    : `Could not ${action} the OS keychain: ${detail}`;
  return new AppError('keychain-unavailable', message, `${start} ${FILE_FALLBACK_HINT}`, { cause: err });
}

class KeychainTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${Math.round(ms / 1000)} s (is it locked, waiting for an unlock prompt, or is the D-Bus session gone?)`);
  }
}

/** The keychain's promise, or a rejection after `ms`: the native call cannot be cancelled, only left. */
function withinTime<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KeychainTimeout(ms)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The OS keychain through @napi-rs/keyring. On Linux the entry is pinned to the Secret Service:
 * the library's default silently falls back to the kernel keyring, which forgets everything at
 * logout — the user would be signed out for no visible reason.
 */
export class KeyringSecretStore implements SecretStore {
  readonly description = 'the OS keychain';

  constructor(
    private readonly service: string = KEYCHAIN_SERVICE,
    private readonly timeoutMs: number = KEYCHAIN_TIMEOUT_MS,
  ) {}

  /** Every call through here: the entry's constructor throws too (no D-Bus session bus). */
  private async call<T>(action: string, account: string, fn: (entry: AsyncEntry) => Promise<T>): Promise<T> {
    try {
      return await withinTime(fn(new AsyncEntry(this.service, account, { linux: { store: 'secret-service' } })), this.timeoutMs);
    } catch (err) {
      throw keychainError(action, err);
    }
  }

  async get(account: string): Promise<string | undefined> {
    return (await this.call('read from', account, (e) => e.getPassword())) ?? undefined;
  }

  async set(account: string, value: string): Promise<void> {
    await this.call('write to', account, (e) => e.setPassword(value));
  }

  async delete(account: string): Promise<void> {
    await this.call('delete from', account, (e) => e.deleteCredential());
  }

  /** A read of an entry that never exists: answers at once where there is a keychain. */
  async check(): Promise<void> {
    await this.get('probe');
  }
}

/** For tests and throwaway runs only: secrets die with the process. Never the production default. */
export class MemorySecretStore implements SecretStore {
  readonly description = 'memory (test store)';
  private readonly values = new Map<string, string>();

  async get(account: string): Promise<string | undefined> {
    return this.values.get(account);
  }

  async set(account: string, value: string): Promise<void> {
    this.values.set(account, value);
  }

  async delete(account: string): Promise<void> {
    this.values.delete(account);
  }
}
