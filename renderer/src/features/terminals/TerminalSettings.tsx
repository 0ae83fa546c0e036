import { useState } from 'react';
import { FONT_MAX, FONT_MIN, loadPrefs, type RendererPreference, type TerminalPrefs } from './prefs';
import { updatePrefs } from './terminal-store';
import { webglProbe } from './webgl-support';

const RENDERERS: Array<{ value: RendererPreference; label: string }> = [
  { value: 'auto', label: 'Automatic: WebGL on a hardware GPU, otherwise DOM' },
  { value: 'webgl', label: 'WebGL, even on a software rasteriser' },
  { value: 'dom', label: 'DOM' },
];

/** Terminal preferences; changes apply to open tabs at once. */
export function TerminalSettings() {
  const [prefs, setPrefs] = useState<TerminalPrefs>(loadPrefs);
  const change = (patch: Partial<TerminalPrefs>) => setPrefs(updatePrefs(patch));
  // The field keeps what is typed ("1" on the way to "17"); only a size in range is applied.
  const [fontText, setFontText] = useState(String(prefs.fontSize));
  const fontInRange = (n: number) => Number.isInteger(n) && n >= FONT_MIN && n <= FONT_MAX;
  const gl = webglProbe();
  return (
    <fieldset className="field-group">
      <legend>Terminal</legend>
      <div className="settings-form">
        <label className="text-field">
          <span>Font size</span>
          <input
            type="number"
            min={FONT_MIN}
            max={FONT_MAX}
            value={fontText}
            aria-invalid={!fontInRange(Number(fontText))}
            onChange={(e) => {
              setFontText(e.target.value);
              if (fontInRange(Number(e.target.value))) change({ fontSize: Number(e.target.value) });
            }}
            onBlur={() => setFontText(String(prefs.fontSize))}
          />
          <small className={fontInRange(Number(fontText)) ? 'muted' : 'error-inline'}>
            {FONT_MIN}–{FONT_MAX} px; also Ctrl+= and Ctrl+- in a terminal (⌘ on macOS)
          </small>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={prefs.copyOnSelect} onChange={(e) => change({ copyOnSelect: e.target.checked })} />
          Copy selected text to the clipboard
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={prefs.macOptionIsMeta} onChange={(e) => change({ macOptionIsMeta: e.target.checked })} />
          macOS: Option acts as Meta (Esc-prefixed keys, as in Terminal’s “Use Option as Meta key”)
        </label>
        <div role="radiogroup" aria-label="Renderer" className="text-field">
          <span>Renderer</span>
          {RENDERERS.map((r) => (
            <label key={r.value} className="radio">
              <input type="radio" name="terminal-renderer" value={r.value} checked={prefs.renderer === r.value} onChange={() => change({ renderer: r.value })} />
              {r.label}
            </label>
          ))}
          <small className="muted" data-testid="webgl-probe">
            {gl.available ? `WebGL here: ${gl.name} (${gl.hardware ? 'hardware' : 'software'})` : 'No WebGL here'}
          </small>
        </div>
      </div>
    </fieldset>
  );
}
