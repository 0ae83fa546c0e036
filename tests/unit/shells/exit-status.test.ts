import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXIT_PROBE_LINE, ExitStatusFilter, MAX_HIDDEN_BYTES } from '../../../main/core/shells/exit-status';

const ready = '\x1b]6973;ready\x07';
const exit = (n: number) => `\x1b]6973;exit;${n}\x07`;
const prompt = '[ec2-user@web ~]$ ';
const echo = EXIT_PROBE_LINE.replace('\r', '\r\n');

function feed(filter: ExitStatusFilter, chunks: string[]): string {
  return chunks.map((c) => filter.push(Buffer.from(c, 'utf8')).toString('utf8')).join('') + filter.flush().toString('utf8');
}

/** Splits a string's UTF-8 bytes at the given offsets. */
function splitBytes(text: string, cuts: number[]): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    out.push(bytes.subarray(last, p));
    last = p;
  }
  out.push(bytes.subarray(last));
  return out;
}

describe('ExitStatusFilter', () => {
  it('hides the probe and its echo, keeps the banner, and reads the exit code', () => {
    const f = new ExitStatusFilter(true);
    const session = `Welcome to web\r\n${prompt}${echo}${ready}${prompt}exit 3\r\nexit\r\n${exit(3)}`;
    expect(feed(f, [session])).toBe(`Welcome to web\r\n${prompt}exit 3\r\nexit\r\n`);
    expect(f.ready).toBe(true);
    expect(f.exitCode).toBe(3);
  });

  it('finds markers cut at every possible byte boundary, with multibyte text around them', () => {
    const session = `${prompt}${echo}${ready}${prompt}echo ✓ 日本語\r\n✓ 日本語\r\n${prompt}exit 42\r\n${exit(42)}`;
    const expected = `${prompt}echo ✓ 日本語\r\n✓ 日本語\r\n${prompt}exit 42\r\n`;
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 8 }), (cuts) => {
        const f = new ExitStatusFilter(true);
        const shown = Buffer.concat([...splitBytes(session, cuts).map((c) => f.push(c)), f.flush()]).toString('utf8');
        expect(shown).toBe(expected);
        expect(f.exitCode).toBe(42);
      }),
    );
  });

  it('without the probe shows everything and still strips a reported code', () => {
    const f = new ExitStatusFilter(false);
    expect(feed(f, [`a\x1b]0;title\x07b`, exit(0)])).toBe('a\x1b]0;title\x07b');
    expect(f.exitCode).toBe(0);
  });

  it('passes through lookalike sequences that are not ours', () => {
    const f = new ExitStatusFilter(false);
    const long = `\x1b]6973;${'x'.repeat(40)}\x07tail`;
    expect(feed(f, [long])).toBe(long);
    expect(f.exitCode).toBeUndefined();
  });

  it('gives up hiding when the shell never answers, showing everything it held', () => {
    const f = new ExitStatusFilter(true);
    expect(f.push(Buffer.from('fish: Unknown command trap\r\n')).length).toBe(0);
    expect(f.giveUp().toString()).toBe('fish: Unknown command trap\r\n');
    expect(f.push(Buffer.from('> ')).toString()).toBe('> ');
    expect(f.exitCode).toBeUndefined();
  });

  it('stops hiding by itself past the size limit', () => {
    const f = new ExitStatusFilter(true);
    const big = Buffer.alloc(MAX_HIDDEN_BYTES + 1, 0x61);
    expect(f.push(big).length).toBe(big.length);
    expect(f.isHiding).toBe(false);
  });

  it('the probe line is POSIX sh and never contains the raw markers', () => {
    expect(EXIT_PROBE_LINE).not.toContain('\x1b');
    expect(EXIT_PROBE_LINE.startsWith(' trap ')).toBe(true);
    expect(EXIT_PROBE_LINE.endsWith('\r')).toBe(true);
  });
});
