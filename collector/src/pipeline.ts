// Wires receiver → processors → store, in one place (the OpenTelemetry Collector's shape).
// A processor is a function batch → batch; it never talks to storage.
import type { LogRow, SpanRow } from '@causeway/schemas';
import type { SpanStore } from './store/span-store.ts';

export type Processor = (rows: SpanRow[]) => SpanRow[] | Promise<SpanRow[]>;
export type LogProcessor = (rows: LogRow[]) => LogRow[] | Promise<LogRow[]>;

export class Pipeline {
  constructor(
    private readonly store: SpanStore,
    private readonly processors: Processor[] = [],
    private readonly logProcessors: LogProcessor[] = [],
  ) {}

  get accepting(): boolean {
    return this.store.accepting;
  }

  /** Resolves when the spans are durable: only then may the receiver acknowledge them. */
  async consume(rows: SpanRow[]): Promise<void> {
    let batch = rows;
    for (const p of this.processors) batch = await p(batch);
    await this.store.append(batch);
  }

  async consumeLogs(rows: LogRow[]): Promise<void> {
    let batch = rows;
    for (const p of this.logProcessors) batch = await p(batch);
    await this.store.appendLogs(batch);
  }
}
