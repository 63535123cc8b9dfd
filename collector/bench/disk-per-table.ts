// Bytes per span per table of a stopped collector's store, read in this process through chDB on
// its data directory (the collector must have exited: chDB binds a data directory per process).
import { openClickHouse } from '../src/store/clickhouse.ts';

export interface DiskPerTable {
  spans: number;
  tables: { table: string; rows: number; compressed: number; uncompressed: number }[];
  /** the largest columns across tables, compressed bytes */
  columns: { table: string; column: string; compressed: number }[];
}

export async function diskPerTable(dataDir: string, columns = 15): Promise<DiskPerTable> {
  const ch = await openClickHouse({ database: 'causeway', dataDir });
  try {
    const [count] = await ch.query<{ n: string }>(`SELECT count() AS n FROM causeway.spans`);
    const tables = await ch.query<{ table: string; rows: string; c: string; u: string }>(
      `SELECT table, sum(rows) AS rows, sum(data_compressed_bytes) AS c, sum(data_uncompressed_bytes) AS u FROM system.parts WHERE database = 'causeway' AND active GROUP BY table ORDER BY c DESC`,
    );
    const cols = await ch.query<{ table: string; column: string; c: string }>(
      `SELECT table, column, sum(column_data_compressed_bytes) AS c FROM system.parts_columns WHERE database = 'causeway' AND active GROUP BY table, column ORDER BY c DESC LIMIT ${columns}`,
    );
    return {
      spans: Number(count?.n ?? 0),
      tables: tables.map((t) => ({ table: t.table, rows: Number(t.rows), compressed: Number(t.c), uncompressed: Number(t.u) })),
      columns: cols.map((c) => ({ table: c.table, column: c.column, compressed: Number(c.c) })),
    };
  } finally {
    await ch.close();
  }
}

/** A table per span: rows, compressed and uncompressed bytes per table, the total, the largest columns. */
export function formatDiskPerTable(d: DiskPerTable, note = ''): string {
  const n = d.spans;
  let total = 0;
  let totalU = 0;
  const out = [`disk per span, ${n} spans${note ? ` ${note}` : ''}:`, 'table                       rows/span  B/span compressed  B/span uncompressed'];
  for (const t of d.tables) {
    total += t.compressed;
    totalU += t.uncompressed;
    out.push(`${t.table.padEnd(28)}${(t.rows / n).toFixed(2).padStart(9)}${(t.compressed / n).toFixed(0).padStart(19)}${(t.uncompressed / n).toFixed(0).padStart(21)}`);
  }
  out.push(`${'total'.padEnd(28)}${''.padStart(9)}${(total / n).toFixed(0).padStart(19)}${(totalU / n).toFixed(0).padStart(21)}`);
  out.push('largest columns, B/span:');
  for (const c of d.columns) out.push(`  ${`${c.table}.${c.column}`.padEnd(40)}${(c.compressed / n).toFixed(0).padStart(8)}`);
  return out.join('\n');
}
