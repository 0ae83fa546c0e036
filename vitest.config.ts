import { defineConfig } from 'vitest/config';

// Three projects so CI can run them in one process yet they can be run alone:
// unit (pure, milliseconds), integration (real sockets, PTYs, emulator), e2e (Chromium).
export default defineConfig({
  test: {
    reporters: ['default', './tests/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          setupFiles: ['tests/support/isolated-data-dir.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          setupFiles: ['tests/support/isolated-data-dir.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // One browser at a time: 2 cores, and screenshots must not fight for the GPU-less compositor.
          fileParallelism: false,
        },
      },
    ],
  },
});
