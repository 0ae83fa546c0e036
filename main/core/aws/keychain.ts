import type { KeychainChoice } from '../../../preload/contract/preferences';
import type { KeychainState } from '../../../preload/contract/auth';
import { AppError, isAppError } from '../errors';
import type { ChosenSecretStore } from '../store/chosen-secrets';
import type { SecretStore } from '../store/secrets';
import type { AuthService } from './auth';

/**
 * The sign-in key's home as the app and the CLI show and change it. With a fixed store (the demo's
 * memory, a test's) there is nothing to choose.
 */
export class KeychainControl {
  constructor(
    private readonly auth: AuthService,
    private readonly store: SecretStore,
    private readonly chosen: ChosenSecretStore | undefined,
    /** The secret store accounts to carry over on a switch: the token file's data key. */
    private readonly accounts: readonly string[],
  ) {}

  async choice(): Promise<KeychainState['choice']> {
    return this.chosen ? this.chosen.choice() : 'memory';
  }

  where(): string {
    return this.store.description;
  }

  async state(): Promise<KeychainState> {
    const choice = await this.choice();
    let problem: KeychainState['problem'];
    try {
      await this.store.check?.();
    } catch (err) {
      if (!isAppError(err)) throw err;
      problem = { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
    }
    return { choice, where: this.store.description, ...(problem ? { problem } : {}) };
  }

  async choose(choice: KeychainChoice): Promise<KeychainState> {
    if (!this.chosen) {
      throw new AppError('keychain-fixed', `This run keeps its sign-in in ${this.store.description}; there is nothing to choose.`, 'Run Bastionless without --demo to choose where the sign-in key is kept.');
    }
    await this.chosen.choose(choice, this.accounts);
    await this.auth.reloadTokens();
    return this.state();
  }
}
