import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './renderer/vite.config';

/**
 * `electron-vite build` → out/main/index.js (ESM: package.json has "type": "module" and
 * "main": "out/main/index.js"), out/preload/index.cjs (CJS: a sandboxed preload cannot be an ES
 * module and may require only 'electron'), out/renderer (the same build as `npm run build:renderer`).
 */
const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/**
 * Loaded from node_modules at run time instead of bundled: the native addons (their .node files
 * are unpacked from the asar by electron-builder) and the rest of the production dependencies,
 * which electron-builder copies into the app anyway. electron and node: built-ins are external
 * by electron-vite's own preset.
 */
const NATIVE_MODULES = ['node-pty', '@napi-rs/keyring', 'bufferutil'];

export default defineConfig({
  // Production builds carry no source maps (main, preload or renderer): see renderer/vite.config.ts.
  main: {
    build: {
      sourcemap: false,
      externalizeDeps: { include: NATIVE_MODULES },
      rolldownOptions: {
        input: { index: path('main/electron/index.ts') },
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      sourcemap: false,
      // Everything (zod, the contract) is bundled in: the sandbox gives the preload no require().
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: path('preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    build: {
      ...rendererConfig.build,
      rolldownOptions: { input: { index: path('renderer/index.html') } },
    },
  },
});
