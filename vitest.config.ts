import { defineConfig } from 'vitest/config';

// The end-to-end files that also run with the collector's store on a ClickHouse server (the test
// server in testkit/clickhouse-http, in front of chDB) instead of embedded chDB: the README's
// server path, exercised on every CI run.
const SERVER_PATH = ['otlp-roundtrip', 'query-api', 'durability', 'ledger', 'bundle'].map((f) => `collector/test/${f}.test.ts`);

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Each collector under test is its own ~1 GB process; two files at a time fit a 2-core CI box.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'chdb',
          include: ['collector/**/*.test.ts', 'fixtures/**/*.test.ts', 'schemas/**/*.test.ts', 'explorer/**/*.test.ts', 'testkit/**/*.test.ts'],
        },
      },
      // A collector on a fresh store here also starts its ClickHouse test server and runs migrate.
      { extends: true, test: { name: 'server', include: SERVER_PATH, env: { CAUSEWAY_TEST_CLICKHOUSE: 'server' }, testTimeout: 300_000, hookTimeout: 300_000 } },
    ],
  },
});
