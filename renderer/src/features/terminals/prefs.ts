import { PREFERENCE_DEFAULTS, TERMINAL_FONT_MAX, TERMINAL_FONT_MIN, type TerminalPreferences } from '../../../../preload/contract';
import { preferences, updatePreferences } from '../../preferences';

/** Terminal preferences: the `terminal` key of the preferences store (preferences.json). */
export type TerminalPrefs = TerminalPreferences;
export type RendererPreference = TerminalPrefs['renderer'];

export const DEFAULT_PREFS: TerminalPrefs = PREFERENCE_DEFAULTS.terminal;
export const FONT_MIN = TERMINAL_FONT_MIN;
export const FONT_MAX = TERMINAL_FONT_MAX;

export function loadPrefs(): TerminalPrefs {
  return preferences().terminal;
}

/** Saves in the background; a refusal (broken preferences file) is shown in Settings. */
export function savePrefs(prefs: TerminalPrefs): void {
  void updatePreferences({ terminal: prefs }).catch(() => undefined);
}

export const clampFont = (size: number) => Math.min(FONT_MAX, Math.max(FONT_MIN, Math.round(size)));
