import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The pinned pip, fetched once into the default tool cache (see the file).
    globalSetup: ['test/support/pinned-pip-setup.ts'],
    // Real pip, real servers and real Serverless runs: generous per-test bounds.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
