// Write-ahead spool: what makes "200 OK" mean "durable". A request's rows are appended and
// fsynced here before it is acknowledged; the writer inserts them into ClickHouse later and
// then advances the committed mark. At start, everything after the mark is replayed.
//
// On disk: segment files `<seq>.seg` of records [u32 length][u32 crc32][u32 rows][u32 table]
// [payload], and `committed` = "<seq> <offset>". `table` says which table the payload's rows
// go to (see SPOOL_TABLES), so one request's rows for several tables are durable together. Replaying a record that was in fact already inserted
// (crash between insert and mark) is harmless: reads collapse identical rows (by row_hash; provenance rows, stored without it, by their columns).
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

export interface SpoolPosition {
  seg: number;
  /** byte offset just past the record */
  end: number;
}

/** Tables whose rows travel through the spool; the index is the on-disk tag. */
export const SPOOL_TABLES = ['spans', 'logs', 'prov_activities', 'prov_relations', 'prov_artifacts', 'audit_events', 'findings', 'finding_events', 'agent_registry'] as const;
export type SpoolTable = (typeof SPOOL_TABLES)[number];

export interface SpoolRecord extends SpoolPosition {
  payload: Buffer;
  rows: number;
  table: SpoolTable;
}

interface PendingAppend {
  payload: Buffer;
  rows: number;
  table: SpoolTable;
  resolve(r: SpoolRecord): void;
  reject(e: Error): void;
}

const HEADER = 16;

export class Spool {
  private fh!: FileHandle;
  private seq = 0;
  private size = 0;
  private readonly closedSizes = new Map<number, number>();
  private queue: PendingAppend[] = [];
  private flushing = false;
  /** bytes appended but not yet committed to ClickHouse */
  diskBytes = 0;

  private constructor(
    readonly dir: string,
    private readonly segmentBytes: number,
  ) {}

  /** Opens the spool and returns the records not yet committed, in append order. */
  static async open(dir: string, segmentBytes = 64 << 20): Promise<{ spool: Spool; pending: SpoolRecord[] }> {
    mkdirSync(dir, { recursive: true });
    const spool = new Spool(dir, segmentBytes);
    const mark = spool.readMark();
    const segs = spool.segments();
    const pending: SpoolRecord[] = [];
    for (const seq of segs) {
      const file = spool.segPath(seq);
      if (seq < mark.seg) {
        unlinkSync(file);
        continue;
      }
      const buf = readFileSync(file);
      const { records, goodEnd } = parseSegment(seq, buf, seq === mark.seg ? mark.end : 0);
      // A torn tail (killed mid-write) was never acknowledged: cut it off.
      if (goodEnd < buf.length) truncateSync(file, goodEnd);
      pending.push(...records);
      spool.closedSizes.set(seq, goodEnd);
      for (const r of records) spool.diskBytes += r.payload.length;
    }
    spool.seq = (segs.length ? segs[segs.length - 1]! : 0) + 1;
    await spool.openSegment();
    return { spool, pending };
  }

  /** Appends and fsyncs; concurrent appends share one write and one fsync (group commit). */
  append(payload: Buffer, rows: number, table: SpoolTable = 'spans'): Promise<SpoolRecord> {
    return new Promise((resolve, reject) => {
      this.queue.push({ payload, rows, table, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Everything up to `pos` is in ClickHouse: move the mark, delete finished segments. */
  commit(pos: SpoolPosition, bytes: number): void {
    this.diskBytes -= bytes;
    const tmp = join(this.dir, 'committed.tmp');
    writeFileSync(tmp, `${pos.seg} ${pos.end}\n`);
    renameSync(tmp, join(this.dir, 'committed'));
    for (const [seq, size] of this.closedSizes) {
      if (seq < pos.seg || (seq === pos.seg && pos.end >= size)) {
        try {
          unlinkSync(this.segPath(seq));
        } catch {
          // already gone
        }
        this.closedSizes.delete(seq);
      }
    }
  }

  async close(): Promise<void> {
    while (this.flushing) await new Promise((r) => setTimeout(r, 5));
    await this.fh.close();
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        const bufs: Buffer[] = [];
        const records: SpoolRecord[] = [];
        let end = this.size;
        for (const p of batch) {
          const h = Buffer.allocUnsafe(HEADER);
          h.writeUInt32LE(p.payload.length, 0);
          h.writeUInt32LE(crc32(p.payload), 4);
          h.writeUInt32LE(p.rows, 8);
          h.writeUInt32LE(SPOOL_TABLES.indexOf(p.table), 12);
          bufs.push(h, p.payload);
          end += HEADER + p.payload.length;
          records.push({ seg: this.seq, end, payload: p.payload, rows: p.rows, table: p.table });
        }
        try {
          await writeAll(this.fh, bufs, this.size);
          await this.fh.datasync();
        } catch (e) {
          for (const p of batch) p.reject(e as Error);
          // The segment's tail is now unknown: continue in a fresh segment.
          await this.rotate().catch(() => undefined);
          continue;
        }
        this.size = end;
        for (const r of records) this.diskBytes += r.payload.length;
        batch.forEach((p, i) => p.resolve(records[i]!));
        if (this.size >= this.segmentBytes) await this.rotate();
      }
    } finally {
      this.flushing = false;
    }
  }

  private async rotate(): Promise<void> {
    this.closedSizes.set(this.seq, this.size);
    await this.fh.close();
    this.seq++;
    await this.openSegment();
  }

  private async openSegment(): Promise<void> {
    this.fh = await open(this.segPath(this.seq), 'a');
    this.size = 0;
    // Make the new file's directory entry durable too.
    const d = openSync(this.dir, 'r');
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  }

  private segPath(seq: number): string {
    return join(this.dir, `${String(seq).padStart(12, '0')}.seg`);
  }

  private segments(): number[] {
    return readdirSync(this.dir)
      .filter((f) => /^\d{12}\.seg$/.test(f))
      .map((f) => Number(f.slice(0, 12)))
      .filter((seq) => statSync(this.segPath(seq)).isFile())
      .sort((a, b) => a - b);
  }

  private readMark(): SpoolPosition {
    try {
      const [seg, end] = readFileSync(join(this.dir, 'committed'), 'utf8').trim().split(' ').map(Number);
      if (Number.isInteger(seg) && Number.isInteger(end)) return { seg: seg!, end: end! };
    } catch {
      // no mark yet
    }
    return { seg: 0, end: 0 };
  }
}

function parseSegment(seg: number, buf: Buffer, from: number): { records: SpoolRecord[]; goodEnd: number } {
  const records: SpoolRecord[] = [];
  let pos = from;
  while (pos + HEADER <= buf.length) {
    const len = buf.readUInt32LE(pos);
    const crc = buf.readUInt32LE(pos + 4);
    const rows = buf.readUInt32LE(pos + 8);
    const table = SPOOL_TABLES[buf.readUInt32LE(pos + 12)];
    const end = pos + HEADER + len;
    if (end > buf.length || !table) break;
    const payload = buf.subarray(pos + HEADER, end);
    if (crc32(payload) !== crc) break;
    records.push({ seg, end, payload, rows, table });
    pos = end;
  }
  return { records, goodEnd: Math.max(pos, from) };
}

/** Writes the buffers at `position` in one vectored write (no copy into one buffer); a short write finishes with plain writes. */
async function writeAll(fh: FileHandle, bufs: Buffer[], position: number): Promise<void> {
  let total = 0;
  for (const b of bufs) total += b.length;
  let written = (await fh.writev(bufs, position)).bytesWritten;
  if (written === total) return;
  const rest = Buffer.concat(bufs).subarray(written);
  let done = 0;
  while (done < rest.length) {
    const { bytesWritten } = await fh.write(rest, done, rest.length - done, position + written + done);
    done += bytesWritten;
  }
}
