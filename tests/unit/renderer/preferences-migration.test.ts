import { describe, expect, it } from 'vitest';
import { PREFERENCE_DEFAULTS, PreferencesPatchSchema } from '../../../preload/contract/preferences';
import { legacyPreferences } from '../../../renderer/src/preferences-migration';

const reader = (values: Record<string, string>) => (key: string) => values[key] ?? null;

describe('moving localStorage preferences into the store', () => {
  it('takes theme, group-by, favourites and terminal settings from an old browser profile', () => {
    const patch = legacyPreferences(
      reader({
        'bastionless.theme': 'light',
        'bastionless.groupBy': 'region',
        'bastionless.favourites': JSON.stringify(['a/1', 'b/2', 7]),
        'bastionless.terminal': JSON.stringify({ fontSize: 18, copyOnSelect: true, renderer: 'teletype' }),
      }),
      PREFERENCE_DEFAULTS,
    );
    expect(patch).toEqual({
      theme: 'light',
      groupBy: 'region',
      favourites: ['a/1', 'b/2'],
      terminal: { ...PREFERENCE_DEFAULTS.terminal, fontSize: 18, copyOnSelect: true },
    });
    expect(PreferencesPatchSchema.parse(patch)).toEqual(patch);
  });

  it('keeps what the store already holds and merges favourites', () => {
    const current = { ...PREFERENCE_DEFAULTS, theme: 'dark' as const, favourites: ['a/1'] };
    expect(legacyPreferences(reader({ 'bastionless.theme': 'light', 'bastionless.favourites': '["b/2","a/1"]' }), current)).toEqual({ favourites: ['a/1', 'b/2'] });
  });

  it('asks for nothing without old keys, and for an empty patch (to clear them) when they hold nothing new', () => {
    expect(legacyPreferences(reader({}), PREFERENCE_DEFAULTS)).toBeUndefined();
    expect(legacyPreferences(reader({ 'bastionless.favourites': 'not json', 'bastionless.theme': 'purple' }), PREFERENCE_DEFAULTS)).toEqual({});
  });
});
