import { z } from 'zod';
import { preferenceShape, PREFERENCE_DEFAULTS, type Preferences, type PreferencesPatch } from '../../preload/contract/preferences';

/**
 * What versions before the preferences store kept in the browser's localStorage (per origin, so
 * lost whenever the web host chose a new port), turned into one patch for the store. A value
 * already set in the store wins over an old browser's; favourites are merged.
 */

export const LEGACY_KEYS = ['bastionless.theme', 'bastionless.groupBy', 'bastionless.favourites', 'bastionless.terminal'] as const;

function json(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function legacyPreferences(read: (key: string) => string | null, current: Preferences): PreferencesPatch | undefined {
  const patch: PreferencesPatch = {};
  const theme = preferenceShape.theme.safeParse(read('bastionless.theme'));
  if (theme.success && current.theme === PREFERENCE_DEFAULTS.theme) patch.theme = theme.data;
  const groupBy = preferenceShape.groupBy.safeParse(read('bastionless.groupBy'));
  if (groupBy.success && current.groupBy === PREFERENCE_DEFAULTS.groupBy) patch.groupBy = groupBy.data;
  const favourites = z.array(z.unknown()).safeParse(json(read('bastionless.favourites')));
  if (favourites.success) {
    const valid = favourites.data.filter((k): k is string => typeof k === 'string' && k.length > 0 && k.length <= 500);
    const merged = [...new Set([...current.favourites, ...valid])];
    if (merged.length !== current.favourites.length) patch.favourites = merged;
  }
  const terminal = z.record(z.string(), z.unknown()).safeParse(json(read('bastionless.terminal')));
  if (terminal.success && JSON.stringify(current.terminal) === JSON.stringify(PREFERENCE_DEFAULTS.terminal)) {
    // Field by field: one out-of-range value from an old build does not cost the others.
    const shape = preferenceShape.terminal.shape;
    const fields = (Object.keys(shape) as Array<keyof typeof shape>).filter((key) => shape[key].safeParse(terminal.data[key]).success);
    if (fields.length) patch.terminal = { ...current.terminal, ...Object.fromEntries(fields.map((key) => [key, terminal.data[key]])) };
  }
  const legacyPresent = LEGACY_KEYS.some((key) => read(key) !== null);
  // Present but nothing new to take: still worth one call, so the old keys are cleared.
  return Object.keys(patch).length || legacyPresent ? patch : undefined;
}
