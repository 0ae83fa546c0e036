import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_SIZE, MIN_WINDOW_SIZE, restoreWindowState, type Rect } from '../../../main/electron/window-state';
import { loadWindowState, saveWindowState } from '../../../main/electron/window-state-file';

const laptop: Rect = { x: 0, y: 25, width: 1440, height: 875 };
const external: Rect = { x: 1440, y: 0, width: 2560, height: 1415 };

const inside = (r: Rect, area: Rect) =>
  r.x >= area.x && r.y >= area.y && r.x + r.width <= area.x + area.width && r.y + r.height <= area.y + area.height;

describe('window state restore', () => {
  it('opens centred on the primary display at the default size the first time', () => {
    const { bounds, maximized } = restoreWindowState(null, [laptop, external]);
    expect(maximized).toBe(false);
    expect(bounds).toEqual({ x: 120, y: 73, ...DEFAULT_WINDOW_SIZE });
    expect(inside(bounds, laptop)).toBe(true);
  });

  it('keeps bounds that are fully visible, and the maximized flag', () => {
    const saved = { bounds: { x: 2000, y: 100, width: 1300, height: 900 }, maximized: true };
    expect(restoreWindowState(saved, [laptop, external])).toEqual(saved);
  });

  it('pulls a window hanging off the edge back onto the display it mostly covers', () => {
    const saved = { bounds: { x: 3500, y: 1000, width: 1200, height: 800 }, maximized: false };
    const { bounds } = restoreWindowState(saved, [laptop, external]);
    expect(bounds).toEqual({ x: 1440 + 2560 - 1200, y: 1415 - 800, width: 1200, height: 800 });
  });

  it('centres the window on the primary display when its monitor is gone', () => {
    const saved = { bounds: { x: 2000, y: 100, width: 1000, height: 700 }, maximized: false };
    const { bounds } = restoreWindowState(saved, [laptop]);
    expect(bounds).toEqual({ x: 220, y: 25 + 88, width: 1000, height: 700 });
  });

  it('shrinks a window larger than its display and never goes below the minimum size', () => {
    const big = restoreWindowState({ bounds: { x: 0, y: 0, width: 5000, height: 3000 }, maximized: false }, [laptop]);
    expect(big.bounds).toEqual(laptop);
    const tiny = restoreWindowState({ bounds: { x: 10, y: 40, width: 100, height: 50 }, maximized: false }, [laptop]);
    expect(tiny.bounds).toEqual({ x: 10, y: 40, ...MIN_WINDOW_SIZE });
  });

  it('always lands fully inside one display (property)', () => {
    const rect = fc.record({
      x: fc.integer({ min: -10_000, max: 10_000 }),
      y: fc.integer({ min: -10_000, max: 10_000 }),
      width: fc.integer({ min: 1, max: 8_000 }),
      height: fc.integer({ min: 1, max: 8_000 }),
    });
    const display = fc.record({
      x: fc.integer({ min: -5_000, max: 5_000 }),
      y: fc.integer({ min: -5_000, max: 5_000 }),
      width: fc.integer({ min: 800, max: 5_000 }),
      height: fc.integer({ min: 600, max: 3_000 }),
    });
    fc.assert(
      fc.property(fc.option(rect), fc.array(display, { minLength: 1, maxLength: 4 }), (saved, displays) => {
        const { bounds } = restoreWindowState(saved ? { bounds: saved, maximized: false } : null, displays);
        return displays.some((area) => inside(bounds, area));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('window state file', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through disk and treats missing or malformed files as no state', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bastionless-window-'));
    const file = join(dir, 'nested', 'window-state.json');
    expect(await loadWindowState(file)).toBeNull();
    const state = { bounds: { x: -1200, y: 40, width: 1100, height: 700 }, maximized: true };
    await saveWindowState(file, state);
    expect(await loadWindowState(file)).toEqual(state);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(state);

    await writeFile(file, '{"bounds":{"x":"left"},"maximized":true}');
    expect(await loadWindowState(file)).toBeNull();
    await writeFile(file, 'not json');
    expect(await loadWindowState(file)).toBeNull();
  });

  it('refuses to write an invalid state', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bastionless-window-'));
    await expect(
      saveWindowState(join(dir, 'w.json'), { bounds: { x: 0, y: 0, width: 0, height: 10 }, maximized: false }),
    ).rejects.toThrow();
  });
});
