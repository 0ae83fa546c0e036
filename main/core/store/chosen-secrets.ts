import type { KeychainChoice } from '../../../preload/contract/preferences';
import { FileSecretStore } from './file-secrets';
import type { PreferencesStore } from './preferences';
import { KeyringSecretStore, type SecretStore } from './secrets';

/**
 * The secret store the user chose in preferences.keychain: the OS keychain (default) or the 0600
 * key file. Both the app and the command line read the same preference, so a choice made in
 * either holds for both. `choose` moves the given secrets, so nobody is signed out by switching.
 */
export class ChosenSecretStore implements SecretStore {
  constructor(
    private readonly preferences: PreferencesStore,
    private readonly stores: Record<KeychainChoice, SecretStore>,
  ) {}

  get description(): string {
    return this.stores[this.preferences.current().preferences.keychain].description;
  }

  async choice(): Promise<KeychainChoice> {
    return this.preferences.get('keychain');
  }

  private async active(): Promise<SecretStore> {
    return this.stores[await this.choice()];
  }

  async get(account: string): Promise<string | undefined> {
    return (await this.active()).get(account);
  }

  async set(account: string, value: string): Promise<void> {
    await (await this.active()).set(account, value);
  }

  async delete(account: string): Promise<void> {
    await (await this.active()).delete(account);
  }

  async check(): Promise<void> {
    await (await this.active()).check?.();
  }

  /**
   * Switches to `choice`, first copying `accounts` there. A secret the old store cannot give (no
   * keychain: the reason one switches) is not copied; the token file it opened reads as signed out.
   * The old copy is removed only after the preference is saved, and a failure to remove it is
   * ignored: the key is then in both places, never in neither.
   */
  async choose(choice: KeychainChoice, accounts: readonly string[]): Promise<void> {
    const from = await this.active();
    const to = this.stores[choice];
    if (from === to) return;
    await to.check?.();
    const moved: string[] = [];
    for (const account of accounts) {
      const value = await from.get(account).catch(() => undefined);
      if (value === undefined) continue;
      await to.set(account, value);
      moved.push(account);
    }
    await this.preferences.update({ keychain: choice });
    for (const account of moved) await from.delete(account).catch(() => undefined);
  }
}

/** Production wiring: the preference picks between the OS keychain and `<dataDir>/keys.json`. */
export function chosenSecretStore(dataDir: string, preferences: PreferencesStore): ChosenSecretStore {
  return new ChosenSecretStore(preferences, { os: new KeyringSecretStore(), file: new FileSecretStore(dataDir) });
}
