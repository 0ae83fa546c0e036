import { z } from 'zod';
import { event, IpcErrorSchema, noArg, request } from './define';

/**
 * The user's preferences: one store (`preferences.json` in the data folder, main/core/store/
 * preferences.ts) shared by the desktop app, the web host and the CLI, so nothing depends on a
 * browser profile or on the web host's port.
 *
 * To add a preference: add its schema to `preferenceShape` and its value to
 * `PREFERENCE_DEFAULTS` below (the type checker insists on both). Files written before the key
 * existed read as the default, `prefs.update` accepts it, `prefs.changed` carries it, and the
 * renderer reads it with usePreferences() (renderer/src/preferences.ts). Keep each value small
 * and plain JSON; secrets never go here.
 */

export const ThemePreferenceSchema = z.enum(['system', 'dark', 'light']);
export type ThemePreference = z.infer<typeof ThemePreferenceSchema>;

export const GroupBySchema = z.enum(['account', 'region']);

export const TERMINAL_FONT_MIN = 8;
export const TERMINAL_FONT_MAX = 32;

export const TerminalPreferencesSchema = z
  .object({
    fontSize: z.number().int().min(TERMINAL_FONT_MIN).max(TERMINAL_FONT_MAX),
    /** Selecting text copies it, as many Linux terminals do. */
    copyOnSelect: z.boolean(),
    /** macOS: Option sends Meta (Esc-prefixed) instead of typing special characters. */
    macOptionIsMeta: z.boolean(),
    /** 'auto' draws with WebGL only on a hardware GPU; software WebGL is slower than the DOM. */
    renderer: z.enum(['auto', 'webgl', 'dom']),
  })
  .strict();
export type TerminalPreferences = z.infer<typeof TerminalPreferencesSchema>;

/**
 * Where the data key of the encrypted token file lives: 'os' = the OS keychain (macOS Keychain,
 * Windows Credential Manager, the Secret Service on Linux); 'file' = a 0600 file in the data
 * folder, for machines without a keychain (SSH sessions, containers, WSL), as the AWS CLI keeps
 * its token cache. Changed through auth.setKeychain, which moves the key.
 */
export const KeychainChoiceSchema = z.enum(['os', 'file']);
export type KeychainChoice = z.infer<typeof KeychainChoiceSchema>;

const instanceKey = z.string().min(1).max(500);

/**
 * Countdowns to Session Manager's cut-offs: warn this many minutes ahead; and the opt-in
 * keepalive, which keeps idle shells and tunnels from the idle timeout with traffic no program
 * on the instance sees (never the maximum session duration, which AWS enforces).
 */
export const CountdownPreferencesSchema = z
  .object({
    warnMinutes: z.number().int().min(1).max(60),
    keepalive: z.boolean(),
  })
  .strict();
export type CountdownPreferences = z.infer<typeof CountdownPreferencesSchema>;

/** A colour an account's tabs and rows carry; 'none' turns off the default red of a "prod" account. */
export const AccountColourSchema = z.enum(['none', 'red', 'orange', 'yellow', 'green', 'blue', 'purple']);
export type AccountColour = z.infer<typeof AccountColourSchema>;

/** One schema per preference, without defaults (a patch names only what it changes). */
export const preferenceShape = {
  theme: ThemePreferenceSchema,
  /** How the instance list is grouped. */
  groupBy: GroupBySchema,
  /** Instance keys (InstanceSummary.key) starred by the user, oldest first. */
  favourites: z.array(instanceKey).max(10_000),
  terminal: TerminalPreferencesSchema,
  keychain: KeychainChoiceSchema,
  /** Command palette commands run lately, most recent first (they lead the list). */
  paletteRecent: z.array(z.string().min(1).max(600)).max(20),
  /** Colours the user gave accounts (12-digit id → colour). */
  accountColours: z.record(z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'), AccountColourSchema),
  /** Instance-list groups folded by the user (ids from the list model, e.g. "account:210987654321"). */
  collapsedGroups: z.array(z.string().min(1).max(300)).max(5000),
  countdown: CountdownPreferencesSchema,
};

export const PreferencesSchema = z.object(preferenceShape).strict();
export type Preferences = z.infer<typeof PreferencesSchema>;

export const PREFERENCE_DEFAULTS: Preferences = {
  theme: 'system',
  groupBy: 'account',
  favourites: [],
  terminal: { fontSize: 14, copyOnSelect: false, macOptionIsMeta: true, renderer: 'auto' },
  keychain: 'os',
  accountColours: {},
  paletteRecent: [],
  collapsedGroups: [],
  countdown: { warnMinutes: 5, keepalive: false },
};

/** What the renderer may change directly; the keychain moves a secret, so it has its own channel. */
export const PreferencesPatchSchema = PreferencesSchema.omit({ keychain: true }).partial().strict();
export type PreferencesPatch = z.infer<typeof PreferencesPatchSchema>;

export const PreferencesStateSchema = z.object({
  preferences: PreferencesSchema,
  /**
   * Set when preferences.json cannot be read cleanly: the keys that did parse are used, the rest
   * are defaults, and nothing is written until the file is fixed (so nothing is lost).
   */
  problem: IpcErrorSchema.optional(),
});
export type PreferencesState = z.infer<typeof PreferencesStateSchema>;

export const preferencesChannels = {
  'prefs.get': request(noArg, PreferencesStateSchema),
  /** Changes some preferences; the rest stay as they are (also those another process just wrote). */
  'prefs.update': request(PreferencesPatchSchema, PreferencesStateSchema),
  /** Stars or unstars one instance: two windows toggling different instances never lose one. */
  'prefs.setFavourite': request(z.object({ key: instanceKey, favourite: z.boolean() }).strict(), PreferencesStateSchema),
} as const;

export const preferencesEvents = {
  /** Preferences changed (this window, another window, or the CLI through this process). */
  'prefs.changed': event(PreferencesStateSchema),
} as const;
