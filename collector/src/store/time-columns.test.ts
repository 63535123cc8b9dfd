// The derived time columns (partition and sort key of spans, logs, prov_activities) are the
// rows' own times at microsecond precision, over the whole UInt64 range a client may send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '@causeway/testkit/collector-process.ts';
import { type ClickHouse, openClickHouse } from './clickhouse.ts';
import { migrate } from './migrate.ts';
import { INSERT_SETTINGS } from './writer.ts';

let ch: ClickHouse;
beforeAll(async () => {
  ch = await openClickHouse({ dataDir: tempDataDir('causeway-time-'), database: 'causeway' });
  await migrate(ch);
});
afterAll(() => ch?.close());

const NS = ['1763726400123456789', '0', '18446744073709551615'];
const row = (table: string) => (ns: string, i: number): string =>
  JSON.stringify({
    tenant: 't',
    trace_id: `${i}`.padStart(32, '0'),
    span_id: `${i}`.padStart(16, '0'),
    row_hash: `${i}`.padStart(64, '0'),
    ...(table === 'logs' ? { time_unix_nano: ns } : { start_time_unix_nano: ns, end_time_unix_nano: ns }),
  });

describe('derived time columns', () => {
  it('put each span, log record and activity at its own time, in its own month', async () => {
    for (const table of ['spans', 'logs', 'prov_activities']) {
      await ch.insertJsonEachRow(table, [Buffer.from(`${NS.map(row(table)).join('\n')}\n`)], INSERT_SETTINGS);
      const col = table === 'logs' ? 'time' : 'start_time';
      const got = await ch.query<{ t: string; p: string }>(`SELECT toString(${col}) AS t, _partition_id AS p FROM causeway.${table} ORDER BY ${col}`);
      expect(got, table).toEqual([
        { t: '1970-01-01 00:00:00.000000', p: '197001' },
        { t: '2025-11-21 12:00:00.123456', p: '202511' },
        { t: '2554-07-21 23:34:33.709551', p: '255407' },
      ]);
    }
  });
});
