import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Builds the renderer to out/renderer; reused by electron.vite.config.ts for the Electron app. */
export const rendererConfig = defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    // No source maps in what ships or what the web host serves: they would hand out the sources
    // (comments included) to anything that can fetch the app's files. Debug with the dev server.
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
});

export default rendererConfig;
