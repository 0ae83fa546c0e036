import { useState } from 'react';
import { FONT_MAX, FONT_MIN, loadPrefs, type RendererPreference, type TerminalPrefs } from './prefs';
import { updatePrefs } from './terminal-store';
import { webglProbe } from './webgl-support';
import { IntegerField } from '../../shell/IntegerField';

const RENDERERS: Array<{ value: RendererPreference; label: string }> = [
  { value: 'auto', label: 'Automatic: WebGL on a hardware GPU, otherwise DOM' },
  { value: 'webgl', label: 'WebGL, even on a software rasteriser' },
  { value: 'dom', label: 'DOM' },
];

/** Terminal preferences; changes apply to open tabs at once. */
export function TerminalSettings() {
  const [prefs, setPrefs] = useState<TerminalPrefs>(loadPrefs);
  const change = (patch: Partial<TerminalPrefs>) => setPrefs(updatePrefs(patch));
  const gl = webglProbe();
  return (
    <fieldset className="field-group">
      <legend>Terminal</legend>
      <div className="settings-form">
        <IntegerField label="Font size" value={prefs.fontSize} min={FONT_MIN} max={FONT_MAX} onChange={(fontSize) => change({ fontSize })}>
          {FONT_MIN}–{FONT_MAX} px; also Ctrl+= and Ctrl+- in a terminal (⌘ on macOS)
        </IntegerField>
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
