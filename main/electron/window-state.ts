import { z } from 'zod';

/**
 * Where the window reopens. Saved bounds come back only where they are still visible: monitors
 * get unplugged, resolutions change, and a window restored off-screen is lost to the user (a tray
 * app has no taskbar entry to drag it back). Pure, unit-tested; window.ts feeds it the displays.
 */

export const RectSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type Rect = z.infer<typeof RectSchema>;

export const WindowStateSchema = z.object({ bounds: RectSchema, maximized: z.boolean() });
export type WindowState = z.infer<typeof WindowStateSchema>;

export const DEFAULT_WINDOW_SIZE = { width: 1200, height: 780 } as const;
export const MIN_WINDOW_SIZE = { width: 720, height: 480 } as const;

function intersectionArea(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

const clamp = (value: number, low: number, high: number): number => Math.max(low, Math.min(high, value));

/** Fits a size into an area: never larger than the area, never below the minimum unless the area is. */
function fitSize(width: number, height: number, area: Rect): { width: number; height: number } {
  return {
    width: Math.min(Math.max(width, MIN_WINDOW_SIZE.width), area.width),
    height: Math.min(Math.max(height, MIN_WINDOW_SIZE.height), area.height),
  };
}

function centeredIn(area: Rect, width: number, height: number): Rect {
  const size = fitSize(width, height, area);
  return {
    x: area.x + Math.round((area.width - size.width) / 2),
    y: area.y + Math.round((area.height - size.height) / 2),
    ...size,
  };
}

/**
 * The bounds to open with. `workAreas` are the displays' work areas with the primary first.
 * The saved rectangle is kept on the display it overlaps most, resized and moved to lie fully
 * inside it; with no overlap at all (its monitor is gone) it is centred on the primary display.
 */
export function restoreWindowState(saved: WindowState | null, workAreas: readonly Rect[]): WindowState {
  const primary = workAreas[0];
  const wanted = saved?.bounds ?? null;
  if (!primary) {
    return { bounds: wanted ?? { x: 0, y: 0, ...DEFAULT_WINDOW_SIZE }, maximized: saved?.maximized ?? false };
  }
  if (!wanted) return { bounds: centeredIn(primary, DEFAULT_WINDOW_SIZE.width, DEFAULT_WINDOW_SIZE.height), maximized: false };

  let best: Rect | null = null;
  let bestArea = 0;
  for (const area of workAreas) {
    const overlap = intersectionArea(wanted, area);
    if (overlap > bestArea) {
      best = area;
      bestArea = overlap;
    }
  }
  if (!best) return { bounds: centeredIn(primary, wanted.width, wanted.height), maximized: saved?.maximized ?? false };

  const size = fitSize(wanted.width, wanted.height, best);
  return {
    bounds: {
      x: clamp(wanted.x, best.x, best.x + best.width - size.width),
      y: clamp(wanted.y, best.y, best.y + best.height - size.height),
      ...size,
    },
    maximized: saved?.maximized ?? false,
  };
}
