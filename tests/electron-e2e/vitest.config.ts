import { defineConfig } from 'vitest/config';

// Separate from vitest.config.ts on purpose: these specs need the Electron binary and a display,
// which only networked CI has. Run: xvfb-run -a npx vitest run --config tests/electron-e2e/vitest.config.ts
export default defineConfig({
  test: {
    include: ['tests/electron-e2e/**/*.spec.ts'],
    root: new URL('../..', import.meta.url).pathname,
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
