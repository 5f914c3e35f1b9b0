import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// Suites import the package by name ('slimprune' and its subpaths); each resolves to the built
// bundle so that the artefact we ship is what the tests run (`npm test` builds first).
const SUBPATHS = ['infer', 'kernels', 'tfjs', 'data', 'worker', 'internal'];
const built = (file: string) => fileURLToPath(new URL(`./dist/${file}.js`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^slimprune$/, replacement: built('index') },
      ...SUBPATHS.map((s) => ({ find: new RegExp(`^slimprune/${s}$`), replacement: built(s) })),
    ],
  },
  test: {
    include: ['test/node/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/node/summary-reporter.ts'],
  },
});
