// Embedded chDB runs with the cache bounds of CHDB_CACHE_ARGS, not a dedicated server's 5 GiB each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '@causeway/testkit/collector-process.ts';
import { CHDB_CACHE_ARGS, type ClickHouse, openClickHouse } from './clickhouse.ts';

let ch: ClickHouse;
beforeAll(async () => {
  ch = await openClickHouse({ dataDir: tempDataDir('causeway-caches-'), database: 'causeway' });
});
afterAll(() => ch?.close());

describe('embedded chDB caches', () => {
  it('are the bounded sizes the store sets, as the engine reports them', async () => {
    const want = Object.fromEntries(CHDB_CACHE_ARGS.map((a) => /^--(\w+)=(\d+)$/.exec(a)!.slice(1)));
    const rows = await ch.query<{ name: string; value: string }>('SELECT name, value FROM system.server_settings WHERE name IN {names:Array(String)}', { names: Object.keys(want) });
    expect(Object.fromEntries(rows.map((r) => [r.name, r.value]))).toEqual(want);
    expect(Number(want.mark_cache_size)).toBeLessThanOrEqual(64 * 2 ** 20);
  });
});
