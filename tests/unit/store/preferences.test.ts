import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PREFERENCE_DEFAULTS, PreferencesPatchSchema } from '../../../preload/contract/preferences';
import { PREFERENCES_FILE_NAME, PreferencesStore } from '../../../main/core/store/preferences';

const fresh = () => mkdtempSync(join(tmpdir(), 'bl-prefs-'));
const fileOf = (dir: string) => join(dir, PREFERENCES_FILE_NAME);
const onDisk = (dir: string) => JSON.parse(readFileSync(fileOf(dir), 'utf8')) as { version: number; preferences: Record<string, unknown> };

describe('preferences store', () => {
  it('reads the defaults without a file and writes only the keys that were set', async () => {
    const dir = fresh();
    const store = new PreferencesStore(dir);
    expect(await store.load()).toEqual({ preferences: PREFERENCE_DEFAULTS });
    const state = await store.update({ theme: 'light', groupBy: 'region' });
    expect(state.preferences).toEqual({ ...PREFERENCE_DEFAULTS, theme: 'light', groupBy: 'region' });
    expect(onDisk(dir)).toEqual({ version: 1, preferences: { theme: 'light', groupBy: 'region' } });
    // Another process (a restarted web host, the CLI) sees the same values.
    expect((await new PreferencesStore(dir).load()).preferences.theme).toBe('light');
  });

  it('stars and unstars instances one at a time against what is on disk', async () => {
    const dir = fresh();
    const a = new PreferencesStore(dir);
    const b = new PreferencesStore(dir);
    await a.load();
    await b.load();
    await a.setFavourite('k1', true);
    // b's view is stale, yet its toggle keeps a's star.
    await b.setFavourite('k2', true);
    await a.setFavourite('k1', true); // starring twice keeps one entry, in its place
    expect((await a.setFavourite('k3', true)).preferences.favourites).toEqual(['k1', 'k2', 'k3']);
    expect((await b.setFavourite('k2', false)).preferences.favourites).toEqual(['k1', 'k3']);
  });

  it('reports a bad value with its line, uses the default for that key only, and never overwrites the file', async () => {
    const dir = fresh();
    const text = '{\n  "version": 1,\n  "preferences": {\n    "groupBy": "region",\n    "theme": "purple"\n  }\n}\n';
    writeFileSync(fileOf(dir), text);
    const store = new PreferencesStore(dir);
    const state = await store.load();
    expect(state.preferences.groupBy).toBe('region');
    expect(state.preferences.theme).toBe('system');
    expect(state.problem?.code).toBe('preferences-invalid');
    expect(state.problem?.message).toContain('line 5: preferences.theme');
    expect(state.problem?.hint).toContain('will not overwrite');
    await expect(store.update({ groupBy: 'account' })).rejects.toMatchObject({ code: 'preferences-invalid' });
    await expect(store.setFavourite('k', true)).rejects.toMatchObject({ code: 'preferences-invalid' });
    expect(readFileSync(fileOf(dir), 'utf8')).toBe(text);
  });

  it.each([
    ['not JSON', '{"version": 1, "preferences": {', /not valid JSON at line 1/],
    ['not an object', '[1, 2]', /must hold a JSON object/],
    ['no version', '{"preferences": {}}', /must look like/],
  ])('reports a file that is %s and leaves it alone', async (_what, text, message) => {
    const dir = fresh();
    writeFileSync(fileOf(dir), text);
    const store = new PreferencesStore(dir);
    const state = await store.load();
    expect(state.preferences).toEqual(PREFERENCE_DEFAULTS);
    expect(state.problem?.message).toMatch(message);
    await expect(store.update({ theme: 'dark' })).rejects.toMatchObject({ code: 'preferences-invalid' });
    expect(readFileSync(fileOf(dir), 'utf8')).toBe(text);
  });

  it('refuses a file from a newer build and keeps keys it does not know', async () => {
    const newer = fresh();
    writeFileSync(fileOf(newer), '{"version": 2, "preferences": {}}');
    expect((await new PreferencesStore(newer).load()).problem?.code).toBe('preferences-newer');

    const dir = fresh();
    writeFileSync(fileOf(dir), JSON.stringify({ version: 1, preferences: { sessionHistoryDays: { kept: 30 } } }));
    await new PreferencesStore(dir).update({ theme: 'dark' });
    expect(onDisk(dir).preferences).toEqual({ sessionHistoryDays: { kept: 30 }, theme: 'dark' });
  });

  it('tells listeners about changes, including those another process wrote (reload)', async () => {
    const dir = fresh();
    const store = new PreferencesStore(dir);
    await store.load();
    const seen: string[] = [];
    store.onChange((s) => seen.push(s.preferences.theme));
    await store.update({ theme: 'dark' });
    await new PreferencesStore(dir).update({ theme: 'light' });
    await store.reload();
    await store.reload(); // nothing new: no event
    expect(seen).toEqual(['dark', 'light']);
  });

  it('validates every key of a patch; the keychain is not patchable over IPC', async () => {
    const store = new PreferencesStore(fresh());
    await expect(store.update({ terminal: { ...PREFERENCE_DEFAULTS.terminal, fontSize: 99 } })).rejects.toThrow();
    expect(PreferencesPatchSchema.safeParse({ keychain: 'file' }).success).toBe(false);
    expect(PreferencesPatchSchema.safeParse({ favourites: ['a'], theme: 'dark' }).success).toBe(true);
  });
});
