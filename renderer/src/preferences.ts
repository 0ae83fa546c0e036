import { useSyncExternalStore } from 'react';
import { PREFERENCE_DEFAULTS, type IpcError, type Preferences, type PreferencesPatch, type PreferencesState } from '../../preload/contract';
import { api } from './api';
import { toIpcError } from './ipc-error';
import { legacyPreferences, LEGACY_KEYS } from './preferences-migration';

/**
 * The renderer's view of the one preferences store (preferences.json in the data folder, through
 * main). Reads are synchronous (a snapshot kept current by prefs.changed), so code such as the
 * terminal can ask for a value at any time; changes go to main, which writes the file and tells
 * every window. Until the first answer arrives the defaults apply.
 *
 * To add a preference see preload/contract/preferences.ts; here it needs nothing more.
 */

let state: PreferencesState = { preferences: PREFERENCE_DEFAULTS };
/** A change main refused (e.g. preferences.json is broken); shown next to the preferences. */
let lastError: IpcError | undefined;
const listeners = new Set<() => void>();

function publish(next: PreferencesState): void {
  state = next;
  listeners.forEach((listener) => listener());
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** The current preferences (defaults until main answered). */
export const preferences = (): Preferences => state.preferences;

export interface PreferencesView extends PreferencesState {
  /** Why the last change was not saved, if it was not. */
  saveError?: IpcError;
}

let view: PreferencesView = state;
const snapshot = (): PreferencesView => {
  if (view.preferences !== state.preferences || view.problem !== state.problem || view.saveError !== lastError) {
    view = { ...state, ...(lastError ? { saveError: lastError } : {}) };
  }
  return view;
};

export function usePreferences(): PreferencesView {
  return useSyncExternalStore(subscribe, snapshot);
}

/** Calls `listener` now and on every change; for code outside React (the theme). */
export function watchPreferences(listener: (prefs: Preferences) => void): () => void {
  const run = () => listener(state.preferences);
  run();
  return subscribe(run);
}

async function save(optimistic: Partial<Preferences>, call: () => Promise<PreferencesState>): Promise<void> {
  const before = state;
  lastError = undefined;
  publish({ ...state, preferences: { ...state.preferences, ...optimistic } });
  try {
    publish(await call());
  } catch (err) {
    lastError = toIpcError(err);
    publish(before);
    throw err;
  }
}

/** Changes some preferences; rejects (and puts things back) when main could not save them. */
export function updatePreferences(patch: PreferencesPatch): Promise<void> {
  return save(patch, () => api.call('prefs.update', patch));
}

export function setFavourite(key: string, favourite: boolean): Promise<void> {
  const without = state.preferences.favourites.filter((k) => k !== key);
  return save({ favourites: favourite ? [...without, key] : without }, () => api.call('prefs.setFavourite', { key, favourite }));
}

/**
 * Loads the preferences from main, follows changes, and moves what older versions kept in this
 * browser profile's localStorage into the store, once: the keys are removed only after main saved them.
 */
export async function initPreferences(storage: Storage = localStorage): Promise<void> {
  api.on('prefs.changed', publish);
  try {
    publish(await api.call('prefs.get', undefined));
  } catch (err) {
    lastError = toIpcError(err);
    publish(state);
    return;
  }
  const patch = legacyPreferences((key) => storage.getItem(key), state.preferences);
  if (!patch) return;
  try {
    await updatePreferences(patch);
    for (const key of LEGACY_KEYS) storage.removeItem(key);
  } catch {
    // Kept in localStorage for the next start; saveError says why.
  }
}
