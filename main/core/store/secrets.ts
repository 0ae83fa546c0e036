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
}

export const KEYCHAIN_SERVICE = 'Bastionless';

function keychainError(action: string, err: unknown): AppError {
  const detail = err instanceof Error ? err.message : String(err);
  const hint =
    process.platform === 'linux'
      ? 'Start a Secret Service keyring (GNOME Keyring or KWallet) and unlock it; on a headless box run the app under dbus-run-session with gnome-keyring-daemon --unlock.'
      : 'Unlock the system keychain and try again.';
  return new AppError('keychain-unavailable', `Could not ${action} the OS keychain: ${detail}`, hint, { cause: err });
}

/**
 * The OS keychain through @napi-rs/keyring. On Linux the entry is pinned to the Secret Service:
 * the library's default silently falls back to the kernel keyring, which forgets everything at
 * logout — the user would be signed out for no visible reason.
 */
export class KeyringSecretStore implements SecretStore {
  readonly description = 'the OS keychain';

  constructor(private readonly service: string = KEYCHAIN_SERVICE) {}

  private entry(account: string): AsyncEntry {
    return new AsyncEntry(this.service, account, { linux: { store: 'secret-service' } });
  }

  async get(account: string): Promise<string | undefined> {
    try {
      return (await this.entry(account).getPassword()) ?? undefined;
    } catch (err) {
      throw keychainError('read from', err);
    }
  }

  async set(account: string, value: string): Promise<void> {
    try {
      await this.entry(account).setPassword(value);
    } catch (err) {
      throw keychainError('write to', err);
    }
  }

  async delete(account: string): Promise<void> {
    try {
      await this.entry(account).deleteCredential();
    } catch (err) {
      throw keychainError('delete from', err);
    }
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
