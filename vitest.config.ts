import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// Suites import the package by name; it resolves to the built bundle so that the artefact we
// ship is what the tests run (`npm test` builds first).
export default defineConfig({
  resolve: {
    alias: {
      'slimprune/worker': fileURLToPath(new URL('./dist/worker.js', import.meta.url)),
      slimprune: fileURLToPath(new URL('./dist/index.js', import.meta.url)),
    },
  },
  test: {
    include: ['test/node/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/node/summary-reporter.ts'],
  },
});
