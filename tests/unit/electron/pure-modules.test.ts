import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

/**
 * The modules below carry the Electron shell's logic and are only trustworthy because they are
 * unit-tested without Electron. ESLint allows `electron` anywhere in main/electron/, so this is
 * what keeps them free of it (and of anything that would pull it in).
 */
const PURE = [
  'main/electron/navigation-policy.ts',
  'main/electron/renderer-files.ts',
  'main/electron/window-state.ts',
  'main/electron/window-state-file.ts',
  'main/electron/tray-template.ts',
  'main/electron/stream-port.ts',
  'preload/electron-wire.ts',
];
const ELECTRON_BOUND = ['app-protocol', 'countdown-notifications', 'ipc-bridge', 'tray', 'window', 'index'];

async function importsOf(file: string): Promise<string[]> {
  const source = await readFile(new URL(`../../../${file}`, import.meta.url), 'utf8');
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/g)].map((m) => m[1] ?? '');
}

describe('pure Electron-shell modules', () => {
  it('the import scan sees electron where it is imported', async () => {
    expect(await importsOf('main/electron/tray.ts')).toContain('electron');
    expect(await importsOf('main/electron/index.ts')).toContain('./window');
  });

  it.each(PURE)('%s imports neither electron nor an electron-bound module', async (file) => {
    const specifiers = await importsOf(file);
    for (const specifier of specifiers) {
      expect(specifier).not.toMatch(/^electron(\/|$)/);
      const local = specifier.match(/^\.\/([\w-]+)$/)?.[1];
      if (local) expect(ELECTRON_BOUND).not.toContain(local);
    }
  });
});
