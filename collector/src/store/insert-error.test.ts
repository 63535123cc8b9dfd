// /healthz is public: what it says of a failed insert must not quote the rows the engine refused.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '@causeway/testkit/collector-process.ts';
import { type ClickHouse, openClickHouse } from './clickhouse.ts';
import { insertErrorSummary } from './insert-error.ts';
import { migrate } from './migrate.ts';
import { INSERT_SETTINGS } from './writer.ts';

let ch: ClickHouse;
beforeAll(async () => {
  ch = await openClickHouse({ dataDir: tempDataDir('causeway-insert-error-'), database: 'causeway' });
  await migrate(ch);
});
afterAll(() => ch?.close());

const caught = async (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);

describe('the summary of a failed insert', () => {
  it("names the engine's refusal without the row it quotes", async () => {
    // a row the engine cannot parse: its message quotes the text around the fault
    const line = `{"tenant":"t","trace_id":"${'a'.repeat(32)}","span_id":"${'b'.repeat(16)}","start_time_unix_nano":x,"name":"customer Jane Roe, card 4111 1111 1111 1111"}\n`;
    const e = await caught(ch.insertJsonEachRow('spans', [Buffer.from(line)], INSERT_SETTINGS));
    expect(e).toBeInstanceOf(Error);
    // the engine's own message does carry the row's text (why the summary exists)
    expect((e as Error).message).toMatch(/Jane Roe|4111/);
    const s = insertErrorSummary(e);
    expect(s).toMatch(/^ClickHouse refused the insert: [A-Z_]+ \(code \d+\)$/);
    expect(s).not.toMatch(/Jane|4111/);
  });

  it('names a connection that failed by its code', async () => {
    // a port that was free a moment ago: nothing listens there now
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const remote = await openClickHouse({ url: `http://127.0.0.1:${port}`, database: 'causeway', dataDir: '' });
    try {
      const e = await caught(remote.insertJsonEachRow('spans', [Buffer.from('{"tenant":"t"}\n')], INSERT_SETTINGS));
      expect(insertErrorSummary(e)).toBe('cannot reach ClickHouse: ECONNREFUSED');
    } finally {
      await remote.close();
    }
  });

  it('keeps the class of an error wrapped under another (the ledger append) and says nothing of an unknown one', () => {
    const engine = Object.assign(new Error("Cannot parse input: expected '\"' before: 'secret row'"), { code: '27', type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED' });
    expect(insertErrorSummary(new Error('ledger append failed: secret row', { cause: engine }))).toBe('ClickHouse refused the insert: CANNOT_PARSE_INPUT_ASSERTION_FAILED (code 27)');
    expect(insertErrorSummary(new Error('something quoted: secret row'))).not.toContain('secret');
    expect(insertErrorSummary('a string thrown')).not.toContain('string');
  });
});
