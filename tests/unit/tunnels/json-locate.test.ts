import { describe, expect, it } from 'vitest';
import { locateJsonPath, syntaxErrorPosition } from '../../../main/core/tunnels/json-locate';

describe('JSON positions for error messages', () => {
  const text = JSON.stringify({ version: 1, profiles: [{ a: 1, b: [true, { c: 'x\\"y' }] }, { a: 2 }] }, null, 2);
  const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
  it('finds members and elements at any depth', () => {
    expect(locateJsonPath(text, ['version'])?.line).toBe(lineOf('"version"'));
    expect(locateJsonPath(text, ['profiles', 1, 'a'])?.line).toBe(lineOf('"a": 2'));
    expect(locateJsonPath(text, ['profiles', 0, 'b', 1, 'c'])?.line).toBe(lineOf('"c"'));
    expect(locateJsonPath(text, ['profiles', 5])).toBeUndefined();
    expect(locateJsonPath(text, ['nope'])).toBeUndefined();
  });
  it('turns V8 syntax errors into line and column', () => {
    const bad = '{\n  "a": 1,\n  "b": }';
    try {
      JSON.parse(bad);
    } catch (err) {
      expect(syntaxErrorPosition(bad, err as Error)).toEqual({ line: 3, column: 8 });
    }
    expect.assertions(1);
  });
});
