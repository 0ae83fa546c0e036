import type { ThemePreference } from '../../../preload/contract';
import { preferences, updatePreferences, watchPreferences } from '../preferences';

export type { ThemePreference };

export function loadThemePreference(): ThemePreference {
  return preferences().theme;
}

export function resolveTheme(pref: ThemePreference): 'dark' | 'light' {
  if (pref !== 'system') return pref;
  return matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

export function applyTheme(pref: ThemePreference): void {
  document.documentElement.dataset.theme = resolveTheme(pref);
}

/** Saves the choice in the preferences store; the page follows it through followTheme(). */
export function chooseTheme(pref: ThemePreference): Promise<void> {
  return updatePreferences({ theme: pref });
}

/** Keeps the page's theme on the stored preference (any window may change it) and on the system's. */
export function followTheme(): void {
  watchPreferences((prefs) => applyTheme(prefs.theme));
  matchMedia('(prefers-color-scheme: light)').addEventListener('change', () => applyTheme(loadThemePreference()));
}
