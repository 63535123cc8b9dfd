// Running out of memory ends the process with a message; it never leaves it hanging. (Embedded
// chDB's SIGABRT handler used to swallow V8's out-of-memory abort: the process printed the
// error and then slept forever with chDB loaded, so no supervisor ever restarted it.)
import { describe, expect, it } from 'vitest';
import { startCollector } from '@causeway/testkit/collector-process.ts';

/** One OTLP/JSON request of `n` spans, ~600 bytes each. */
function bigRequest(n: number): string {
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId: (i + 1).toString(16).padStart(32, '0'),
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: `chat gpt-4o ${i}`,
    kind: 3,
    startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i)),
    endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) + 1000n),
    attributes: [
      { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
      { key: 'gen_ai.input.messages', value: { stringValue: JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `question ${i} `.repeat(20) }] }]) } },
    ],
  }));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'oom-agent' } }] }, scopeSpans: [{ scope: { name: 't' }, spans }] }] });
}

describe('out of memory', () => {
  it('a collector whose JavaScript heap runs out exits non-zero with the out-of-memory message instead of hanging', async () => {
    // 48 MB of heap is enough to start (chDB loaded, store open) but not to decode ~30 MB of spans.
    // Decoded on the main thread (no ingest worker): an ingest worker that runs out is restarted and
    // the request answered 503 (ingest-workers.test.ts); here the process itself must run out.
    const cw = await startCollector({ nodeArgs: ['--max-old-space-size=48'], env: { CAUSEWAY_INGEST_WORKERS: '0' } });
    try {
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => cw.child.once('exit', (code, signal) => resolve({ code, signal })));
      void fetch(`${cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', ...cw.ingestHeaders }, body: bigRequest(50_000) }).catch(() => undefined);
      // Generous: a hung process is what this test catches, not a slow one.
      const exit = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 240_000).unref())]);
      expect(exit, `still running 240 s after running out of memory:\n${cw.output().slice(-2000)}`).not.toBe('hung');
      const { code, signal } = exit as { code: number | null; signal: NodeJS.Signals | null };
      expect(code === 0 && signal === null).toBe(false);
      expect(cw.output()).toMatch(/JavaScript heap out of memory/);
    } finally {
      await cw.kill9();
    }
  }, 400_000);
});
