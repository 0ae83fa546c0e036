import { useState, type ReactNode } from 'react';

/**
 * A labelled whole-number field with a range. It keeps what is typed ("1" on the way to "17")
 * and hands on only values in range; leaving it shows the applied value again, and the note
 * under it turns into the error while the text is out of range.
 */
export function IntegerField({ label, value, min, max, onChange, children }: { label: string; value: number; min: number; max: number; onChange: (n: number) => void; children: ReactNode }) {
  const [text, setText] = useState(String(value));
  const inRange = (n: number) => Number.isInteger(n) && n >= min && n <= max;
  return (
    <label className="text-field">
      <span>{label}</span>
      <input
        type="number"
        min={min}
        max={max}
        value={text}
        aria-invalid={!inRange(Number(text))}
        onChange={(e) => {
          setText(e.target.value);
          if (inRange(Number(e.target.value))) onChange(Number(e.target.value));
        }}
        onBlur={() => setText(String(value))}
      />
      <small className={inRange(Number(text)) ? 'muted' : 'error-inline'}>{children}</small>
    </label>
  );
}
