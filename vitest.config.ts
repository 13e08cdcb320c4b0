import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Before any test: the pinned pip, fetched once into the default tool cache, and the
    // example service's own Serverless install when it is missing or stale (see each file).
    globalSetup: ['test/support/pinned-pip-setup.ts', 'test/support/example-modules-setup.ts'],
    // Real pip, real servers and real Serverless runs: generous per-test bounds.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
