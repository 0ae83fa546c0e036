/** Terminal preferences, kept per browser profile / app install. */
export interface TerminalPrefs {
  fontSize: number;
  /** Selecting text copies it, as many Linux terminals do. */
  copyOnSelect: boolean;
  /** macOS: Option sends Meta (Esc-prefixed) instead of typing special characters. */
  macOptionIsMeta: boolean;
  /** 'auto' draws with WebGL only on a hardware GPU; software WebGL is slower than the DOM. */
  renderer: RendererPreference;
}

export type RendererPreference = 'auto' | 'webgl' | 'dom';
const RENDERER_PREFERENCES: readonly RendererPreference[] = ['auto', 'webgl', 'dom'];

const KEY = 'bastionless.terminal';
export const DEFAULT_PREFS: TerminalPrefs = { fontSize: 14, copyOnSelect: false, macOptionIsMeta: true, renderer: 'auto' };
export const FONT_MIN = 8;
export const FONT_MAX = 32;

export function loadPrefs(): TerminalPrefs {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Record<keyof TerminalPrefs, unknown>>;
    return {
      fontSize: typeof raw.fontSize === 'number' ? clampFont(raw.fontSize) : DEFAULT_PREFS.fontSize,
      copyOnSelect: typeof raw.copyOnSelect === 'boolean' ? raw.copyOnSelect : DEFAULT_PREFS.copyOnSelect,
      macOptionIsMeta: typeof raw.macOptionIsMeta === 'boolean' ? raw.macOptionIsMeta : DEFAULT_PREFS.macOptionIsMeta,
      renderer: RENDERER_PREFERENCES.find((r) => r === raw.renderer) ?? DEFAULT_PREFS.renderer,
    };
  } catch {
    return { ...DEFAULT_PREFS };
  }
}

export function savePrefs(prefs: TerminalPrefs): void {
  localStorage.setItem(KEY, JSON.stringify(prefs));
}

export const clampFont = (size: number) => Math.min(FONT_MAX, Math.max(FONT_MIN, Math.round(size)));
