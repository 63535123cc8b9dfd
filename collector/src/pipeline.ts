// Wires receiver → processors → the durable sink, in one place (the OpenTelemetry Collector's
// shape). Every batch takes the same path, whatever signal it carries.
import type { Exporter, IngestBatch, IngestConsumer, Processor } from './consumer.ts';

export class Pipeline implements IngestConsumer {
  constructor(
    private readonly exporter: Exporter,
    private readonly processors: Processor[] = [],
  ) {}

  get accepting(): boolean {
    return this.exporter.accepting;
  }

  async consume(batch: IngestBatch): Promise<void> {
    let b = batch;
    for (const p of this.processors) b = await p.process(b);
    await this.exporter.consume(b);
    for (const p of this.processors) p.committed?.(b);
  }
}
