import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['collector/**/*.test.ts', 'fixtures/**/*.test.ts', 'schemas/**/*.test.ts', 'explorer/**/*.test.ts', 'testkit/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Each collector under test is its own ~1 GB process; two files at a time fit a 2-core CI box.
    maxWorkers: 2,
  },
});
