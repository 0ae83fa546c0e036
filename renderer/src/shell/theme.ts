export type ThemePreference = 'system' | 'dark' | 'light';
const KEY = 'bastionless.theme';

export function loadThemePreference(): ThemePreference {
  const stored = localStorage.getItem(KEY);
  return stored === 'dark' || stored === 'light' ? stored : 'system';
}

export function resolveTheme(pref: ThemePreference): 'dark' | 'light' {
  if (pref !== 'system') return pref;
  return matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

export function applyTheme(pref: ThemePreference): void {
  localStorage.setItem(KEY, pref);
  document.documentElement.dataset.theme = resolveTheme(pref);
}
