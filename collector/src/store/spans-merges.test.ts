// Spans are merged column by column (021): the engine holds the table's vertical-merge settings
// from the first row on, rather than ClickHouse's 131,072-row threshold.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '@causeway/testkit/collector-process.ts';
import { type ClickHouse, openClickHouse } from './clickhouse.ts';
import { SCHEMA_DIR, statements } from './migrate.ts';

let ch: ClickHouse;
beforeAll(async () => {
  ch = await openClickHouse({ dataDir: tempDataDir('causeway-spans-merges-'), database: 'causeway' });
  // the spans table and 021 only, not the whole schema: a second's work, not the migration's
  await ch.command('CREATE DATABASE IF NOT EXISTS causeway');
  for (const f of ['001_spans.sql', '021_spans_vertical_merges.sql'])
    for (const s of statements(readFileSync(join(SCHEMA_DIR, f), 'utf8'))) await ch.command(s.replaceAll('{db}', 'causeway'));
});
afterAll(() => ch?.close());

describe('spans merges', () => {
  it('take the vertical algorithm from the first row, as the engine reports the table', async () => {
    const [t] = await ch.query<{ engine_full: string }>("SELECT engine_full FROM system.tables WHERE database = 'causeway' AND name = 'spans'");
    expect(t!.engine_full).toMatch(/vertical_merge_algorithm_min_rows_to_activate = 1\b/);
    expect(t!.engine_full).toMatch(/vertical_merge_algorithm_min_columns_to_activate = 1\b/);
  });
});
