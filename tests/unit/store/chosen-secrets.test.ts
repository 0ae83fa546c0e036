import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ChosenSecretStore } from '../../../main/core/store/chosen-secrets';
import { dataKeyAccount, EncryptedJsonFile } from '../../../main/core/store/encrypted-file';
import { FileSecretStore } from '../../../main/core/store/file-secrets';
import { PreferencesStore } from '../../../main/core/store/preferences';
import { MemorySecretStore } from '../../../main/core/store/secrets';

const Doc = z.object({ token: z.string() });

function world() {
  const dir = mkdtempSync(join(tmpdir(), 'bl-secrets-'));
  const os = new MemorySecretStore();
  const file = new FileSecretStore(dir);
  const preferences = new PreferencesStore(dir);
  const chosen = new ChosenSecretStore(preferences, { os, file });
  const tokenPath = join(dir, 'tokens.enc');
  const tokens = new EncryptedJsonFile(tokenPath, chosen, Doc);
  return { dir, os, file, preferences, chosen, tokens, account: dataKeyAccount(tokenPath) };
}

describe('the chosen secret store', () => {
  it('moves the data key to the 0600 file and back without losing the token file', async () => {
    const w = world();
    await w.tokens.write({ token: 'abc' });
    expect(await w.os.get(w.account)).toBeDefined();

    await w.chosen.choose('file', [w.account]);
    expect(await w.preferences.get('keychain')).toBe('file');
    expect(await w.os.get(w.account)).toBeUndefined();
    expect(statSync(w.file.path).mode & 0o777).toBe(0o600);
    expect(await w.tokens.read()).toEqual({ token: 'abc' });
    // A second process reading the same data folder sees the same choice and key.
    const again = new EncryptedJsonFile(join(w.dir, 'tokens.enc'), new ChosenSecretStore(new PreferencesStore(w.dir), { os: new MemorySecretStore(), file: new FileSecretStore(w.dir) }), Doc);
    expect(await again.read()).toEqual({ token: 'abc' });

    await w.chosen.choose('os', [w.account]);
    expect(await w.preferences.get('keychain')).toBe('os');
    expect(await w.file.get(w.account)).toBeUndefined();
    expect(await w.tokens.read()).toEqual({ token: 'abc' });
  });

  it('switching away from a keychain that cannot answer still switches (the key is lost, nothing else)', async () => {
    const w = world();
    w.os.get = () => Promise.reject(new Error('no D-Bus'));
    await w.chosen.choose('file', [w.account]);
    expect(await w.preferences.get('keychain')).toBe('file');
    expect(await w.tokens.read()).toBeUndefined();
    await w.tokens.write({ token: 'new' });
    expect(await w.tokens.read()).toEqual({ token: 'new' });
  });

  it('never overwrites a key file it cannot read, and says which file', async () => {
    const w = world();
    writeFileSync(w.file.path, 'not json', { mode: 0o600 });
    await expect(w.file.set('a', 'b')).rejects.toThrow(`${w.file.path} is not a Bastionless key file.`);
    expect(readFileSync(w.file.path, 'utf8')).toBe('not json');
  });
});
