import type { z } from 'zod';

/**
 * Where a JSON path (["profiles", 2, "remotePort"]) sits in the text, so a validation error can
 * say "line 14" to someone editing the file by hand. A small scanner over well-formed JSON;
 * returns undefined when the path is not present (e.g. a missing key: the caller then points at
 * the parent).
 */

export interface TextPosition {
  line: number;
  column: number;
}

export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Where JSON.parse failed: V8 names the position for some errors only, so fall back to a scan. */
export function syntaxErrorPosition(text: string, err: Error): TextPosition {
  const m = /position (\d+)/.exec(err.message);
  return positionAt(text, m ? Number(m[1]) : firstSyntaxError(text));
}

/** Offset of the first character that makes `text` invalid JSON (text.length when it ends early). */
export function firstSyntaxError(text: string): number {
  let i = 0;
  class Bad extends Error {}
  const fail = (): never => {
    throw new Bad();
  };
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  };
  const expect = (ch: string) => (text[i] === ch ? i++ : fail());
  const string = () => {
    expect('"');
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      i += text[i] === '\\' ? 2 : 1;
    }
    expect('"');
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        string();
        ws();
        expect(':');
        value();
        ws();
        if (text[i] === ',') i++;
        else return void expect('}');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else return void expect(']');
      }
    }
    if (c === '"') return string();
    const literal = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i));
    if (!literal) fail();
    i += (literal as RegExpExecArray)[0].length;
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch (err) {
    if (!(err instanceof Bad)) throw err;
  }
  return Math.min(i, text.length);
}

export function locateJsonPath(text: string, path: ReadonlyArray<PropertyKey>): TextPosition | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const skipString = () => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  const readString = (): string => {
    const start = i;
    skipString();
    return JSON.parse(text.slice(start, i)) as string;
  };
  const skipValue = (): void => {
    ws();
    const c = text[i];
    if (c === '"') return skipString();
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (c === '{') {
          skipString();
          ws();
          i++; // colon
        }
        skipValue();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        i++; // close
        return;
      }
    }
    while (i < text.length && !/[\s,\]}]/.test(text[i] as string)) i++;
  };
  // Walk down the path; at each level find the member/element and continue inside it.
  ws();
  for (const key of path) {
    ws();
    const c = text[i];
    if (c === '{' && typeof key === 'string') {
      i++;
      let found = false;
      for (;;) {
        ws();
        if (text[i] === '}' || i >= text.length) break;
        const name = readString();
        ws();
        i++; // colon
        ws();
        if (name === key) {
          found = true;
          break;
        }
        skipValue();
        ws();
        if (text[i] === ',') i++;
      }
      if (!found) return undefined;
    } else if (c === '[' && typeof key === 'number') {
      i++;
      for (let n = 0; n < key; n++) {
        skipValue();
        ws();
        if (text[i] !== ',') return undefined;
        i++;
      }
      ws();
      if (text[i] === ']') return undefined;
    } else {
      return undefined;
    }
  }
  ws();
  return positionAt(text, i);
}

/** zod issues as "line 14: profiles.2.remotePort: …", for a person editing the file by hand. */
export function describeIssues(text: string, issues: z.core.$ZodIssue[], prefix: ReadonlyArray<PropertyKey> = []): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const path = [...prefix, ...issue.path];
      // A missing key has no position of its own: point at the nearest enclosing value.
      let where;
      for (let n = path.length; n >= 0 && !where; n--) where = locateJsonPath(text, path.slice(0, n));
      const at = where ? `line ${where.line}` : 'somewhere';
      return `${at}: ${path.map(String).join('.') || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}
