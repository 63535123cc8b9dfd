// The engine's memory report names its owners: the store's active parts, the merges running
// (none on an idle store), the queries running. (Index and cache sizes of a 3-part toy store are
// ~0 MB: not asserted here; the soak prints them.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '@causeway/testkit/collector-process.ts';
import { type ClickHouse, openClickHouse } from './clickhouse.ts';
import { readEngineMemory } from './engine-memory.ts';

let ch: ClickHouse;
beforeAll(async () => {
  ch = await openClickHouse({ dataDir: tempDataDir('causeway-engine-memory-'), database: 'causeway' });
  await ch.command('CREATE DATABASE IF NOT EXISTS causeway');
  await ch.command('CREATE TABLE causeway.t (k UInt64) ENGINE = MergeTree ORDER BY k');
  await ch.command('SYSTEM STOP MERGES causeway.t');
  for (let i = 0; i < 3; i++) await ch.command(`INSERT INTO causeway.t SELECT number FROM numbers(${i * 1000}, 1000)`);
});
afterAll(() => ch?.close());

describe('the embedded engine memory report', () => {
  it('counts the store’s active parts, lists no merge while merges are stopped, and does not count its own read', async () => {
    const e = (await readEngineMemory(ch))!;
    expect(e.trackedMb).toBeGreaterThan(0);
    expect(e.activeParts).toBe(3);
    expect(e.merges).toEqual([]);
    expect(e.mergesMb).toBe(0);
    expect(e.queries).toBe(0); // its own read is not counted
    expect(e.allocatorResidentMb).toBeGreaterThan(0);
  });
});
