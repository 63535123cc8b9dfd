// The ingest ceiling: the same rows, as the same JSONEachRow lines, inserted through the same
// client into the same schema, with nothing else in the way (no HTTP, no decoding or hashing
// on the clock, no spool, no exporters sharing the CPU). Runs in its own process: chDB binds
// one data directory per process.
//
//   node --expose-gc --import tsx collector/bench/raw-insert.ts <dir> <name> <maxRows> [maxBytes]
//
// Reads <dir>/payloads.bin (the protobuf request bodies the exporters sent), turns each into
// the lines the collector spools for it (decodeTracesProto + redaction + rowsPayload, cached in
// <dir>/rows.bin for the next run), then inserts whole requests per insert, up to maxRows rows
// and maxBytes bytes, grouped as SpanWriter.take() groups them, into a fresh chDB in <dir>/<name>.
// Prints one JSON line (RawInsertResult) on stdout.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ClickHouse, openClickHouse } from '../src/store/clickhouse.ts';
import { migrate } from '../src/store/migrate.ts';
import { rowsPayload } from '../src/format/row-line.ts';
import { INSERT_SETTINGS } from '../src/store/writer.ts';
import type { SpanRow } from '@causeway/schemas';
import { redactSpans } from '../src/processors/redact.ts';
import { decodeTracesProto } from '../src/receivers/otlp/decode-proto.ts';
import { createRedactor } from '../src/redaction/redactor.ts';

const redact = redactSpans(createRedactor({ key: Buffer.alloc(32, 0x5a) }));
import { readFrames, writeFrames } from './payload-file.ts';

export interface RawInsertResult {
  rows: number;
  bytes: number;
  inserts: number;
  seconds: number;
  spansPerSec: number;
  mbPerSec: number;
  /** count() read back afterwards */
  counted: number;
  /** this process's VmRSS before the inserts (rows in memory, chDB open) and its VmHWM after */
  rssBeforeMb: number;
  hwmMb: number;
}

interface Request {
  payload: Buffer;
  rows: number;
}

async function main(): Promise<void> {
  const [dir, name, maxRowsArg, maxBytesArg] = process.argv.slice(2);
  const maxRows = Number(maxRowsArg);
  const maxBytes = maxBytesArg ? Number(maxBytesArg) : Infinity;
  if (!dir || !name || !(maxRows > 0) || !(maxBytes > 0)) throw new Error('usage: raw-insert.ts <dir> <name> <maxRows> [maxBytes]');

  const requests = loadRequests(dir);
  const ch = await openClickHouse({ database: 'causeway', dataDir: join(dir, name) });
  await migrate(ch);

  const batches: Buffer[][] = [];
  let cur: Buffer[] = [];
  let curRows = 0;
  let curBytes = 0;
  for (const r of requests) {
    if (cur.length > 0 && (curRows + r.rows > maxRows || curBytes + r.payload.length > maxBytes)) {
      batches.push(cur);
      cur = [];
      curRows = 0;
      curBytes = 0;
    }
    cur.push(r.payload);
    curRows += r.rows;
    curBytes += r.payload.length;
  }
  if (cur.length > 0) batches.push(cur);

  const rows = requests.reduce((n, r) => n + r.rows, 0);
  const bytes = requests.reduce((n, r) => n + r.payload.length, 0);
  (globalThis as { gc?: () => void }).gc?.(); // start from a settled heap, so runs compare
  const rssBeforeMb = statusMb('VmRSS');
  const t0 = performance.now();
  for (const b of batches) await insert(ch, b);
  const seconds = (performance.now() - t0) / 1000;

  const counted = Number((await ch.query<{ n: string }>(`SELECT count() AS n FROM ${ch.database}.spans`))[0]?.n ?? 0);
  const hwmMb = statusMb('VmHWM');
  await ch.close();

  const out: RawInsertResult = {
    rows,
    bytes,
    inserts: batches.length,
    seconds,
    spansPerSec: rows / seconds,
    mbPerSec: bytes / 1e6 / seconds,
    counted,
    rssBeforeMb,
    hwmMb,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** The lines the collector spools for each request (a frame: u32 row count, then the lines). */
function loadRequests(dir: string): Request[] {
  const cache = join(dir, 'rows.bin');
  if (existsSync(cache)) return readFrames(cache).map((f) => ({ rows: f.readUInt32LE(0), payload: f.subarray(4) }));
  const requests = readFrames(join(dir, 'payloads.bin')).map((body): Request => {
    // redacted, as the collector stores them (outside the timed part)
    const rows = redact(decodeTracesProto(body, 'default').rows) as SpanRow[];
    return { payload: rowsPayload(rows), rows: rows.length };
  });
  writeFrames(
    cache,
    requests.map((r) => {
      const n = Buffer.allocUnsafe(4);
      n.writeUInt32LE(r.rows, 0);
      return Buffer.concat([n, r.payload]);
    }),
  );
  return requests;
}

/** The writer's own insert call and settings (collector/src/store/writer.ts), nothing around it. */
function insert(ch: ClickHouse, payloads: Buffer[]): Promise<void> {
  return ch.insertJsonEachRow('spans', payloads, INSERT_SETTINGS);
}

function statusMb(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    process.stderr.write(`raw-insert failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
  },
);
