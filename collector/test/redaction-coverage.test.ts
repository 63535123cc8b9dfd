// Redaction covers every stored byte. A canary is placed in every field of the OTLP trace and
// logs model that carries content; the field list is checked against the decoder's own rows
// (every string leaf of a decoded SpanRow / LogRow that is not an id, time or enum must hold a
// canary), so a field the decoder starts to store cannot be left out of this test. Then, through
// a real collector: no canary in the API, the spool files, or any ClickHouse column.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { decodeLogsJson, decodeTracesJson } from '../src/receivers/otlp/decode-json.ts';
import { startCollector, tempDataDir } from '@causeway/testkit/collector-process.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const tag = randomBytes(3).toString('hex');
const canaries: string[] = [];
/** A canary e-mail address, unique per field. */
const mail = (field: string): string => {
  const c = `cw${canaries.length}x${tag}@canary-${field.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20)}.example`;
  canaries.push(c);
  return c;
};
// Numbers a detector reads as a card: Luhn-valid Visa numbers, distinct per field.
const CARDS = ['4012888888881881', '4111111111111111', '4222222222222', '4539148803436467', '4916338506082832'];
const card = (i: number): string => {
  canaries.push(CARDS[i]!);
  return CARDS[i]!;
};
const AWS = 'AKIAQ3EGRH7TZKX4NWB7';
canaries.push(AWS);

const str = (f: string) => ({ stringValue: `see ${mail(f)}` });
/** An attribute list with every AnyValue kind, keys included. */
const attrs = (f: string) => [
  { key: `k ${mail(`${f}key`)}`, value: str(`${f}str`) },
  { key: `${f}.int`, value: { intValue: card(0) } },
  { key: `${f}.double`, value: { doubleValue: Number(card(1)) } },
  { key: `${f}.bytes`, value: { bytesValue: Buffer.from(`mail ${mail(`${f}bytes`)}`).toString('base64') } },
  { key: `${f}.rawbytes`, value: { bytesValue: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(` ${AWS} `)]).toString('base64') } },
  { key: `${f}.array`, value: { arrayValue: { values: [str(`${f}arr`), { intValue: card(2) }, { doubleValue: Number(card(3)) }] } } },
  { key: `${f}.kvlist`, value: { kvlistValue: { values: [{ key: `n ${mail(`${f}kvkey`)}`, value: str(`${f}kv`) }, { key: 'b', value: { bytesValue: Buffer.from(`x ${mail(`${f}kvb`)}`).toString('base64') } }, { key: 'dbPassword', value: { stringValue: `pw-${tag}-Summer2024` } }] } } },
  { key: 'clientSecret', value: { stringValue: `cs-${tag}-Winter2025` } },
  { key: 'AWS_SECRET_ACCESS_KEY', value: { stringValue: `Qw8rTy2uIo4pAs6dFg8hJk0lZx${tag}EXAMPLE` } },
  { key: `${f}.json`, value: { stringValue: JSON.stringify({ user: 'bob', password: `pj-${tag}-483920`, authorization: `s3cr3t-${tag}` }) } },
];
canaries.push(`pw-${tag}-Summer2024`, `cs-${tag}-Winter2025`, `Qw8rTy2uIo4pAs6dFg8hJk0lZx${tag}EXAMPLE`, `pj-${tag}-483920`, `s3cr3t-${tag}`);

const traceId = randomBytes(16).toString('hex');
const now = `${BigInt(Date.now()) * 1_000_000n}`;
const traces = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: str('servicename') }, ...attrs('res')], droppedAttributesCount: 0 },
      schemaUrl: `https://schemas.example/${mail('resschema')}`,
      scopeSpans: [
        {
          scope: { name: `scope ${mail('scopename')}`, version: `v ${mail('scopeversion')}`, attributes: attrs('scope') },
          schemaUrl: `https://schemas.example/${mail('scopeschema')}`,
          spans: [
            {
              traceId,
              spanId: '00000000000000a1',
              traceState: `vendor=${mail('tracestate')}`,
              name: `span ${mail('spanname')}`,
              kind: 1,
              startTimeUnixNano: now,
              endTimeUnixNano: now,
              attributes: attrs('span'),
              events: [{ timeUnixNano: now, name: `event ${mail('eventname')}`, attributes: attrs('event') }],
              links: [{ traceId: randomBytes(16).toString('hex'), spanId: '00000000000000b2', traceState: `v=${mail('linkstate')}`, attributes: attrs('link') }],
              status: { code: 2, message: `failed for ${mail('status')}` },
            },
          ],
        },
      ],
    },
  ],
};
const logs = {
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: str('logservice') }, ...attrs('logres')] },
      schemaUrl: `https://schemas.example/${mail('logresschema')}`,
      scopeLogs: [
        {
          scope: { name: `scope ${mail('logscopename')}`, version: `v ${mail('logscopeversion')}`, attributes: attrs('logscope') },
          schemaUrl: `https://schemas.example/${mail('logscopeschema')}`,
          logRecords: [
            {
              timeUnixNano: now,
              observedTimeUnixNano: now,
              severityNumber: 9,
              severityText: `INFO ${mail('severity')}`,
              eventName: `event ${mail('logevent')}`,
              body: { kvlistValue: { values: [{ key: 'msg', value: str('body') }, { key: 'n', value: { intValue: card(4) } }] } },
              attributes: attrs('log'),
              traceId,
              spanId: '00000000000000a1',
            },
          ],
        },
      ],
    },
  ],
};

/** Fields of a stored row that are ids, times, counts or enums: no content (checked by the decoder). */
const NOT_CONTENT = /^(?:tenant|body\.key|trace_id|span_id|parent_span_id|time_unix_nano|observed_time_unix_nano|start_time_unix_nano|end_time_unix_nano|links\[\d+\]\.(?:trace_id|span_id)|events\[\d+\]\.time_unix_nano|[a-z_.[\]0-9]*\.type|.*\.(?:int|dbl|bool))$/;

function stringLeaves(v: unknown, path: string, out: [string, string][]): void {
  if (typeof v === 'string') out.push([path, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => stringLeaves(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) stringLeaves(x, path ? `${path}.${k}` : k, out);
}

it('every content field the decoder stores holds a canary in this test (so none is forgotten)', () => {
  const span = decodeTracesJson(Buffer.from(JSON.stringify(traces)), 'default').rows[0]!;
  const log = decodeLogsJson(Buffer.from(JSON.stringify(logs)), 'default')[0]!;
  for (const row of [span, log]) {
    const leaves: [string, string][] = [];
    stringLeaves({ ...row, redactions: undefined }, '', leaves);
    // every content field is filled (a field the decoder starts to store is empty here until this test fills it) …
    const empty = leaves.filter(([p, v]) => !NOT_CONTENT.test(p) && v === '');
    expect(empty.map(([p]) => p)).toEqual([]);
    // … and every free-text field carries a canary (attribute values are checked end to end below)
    const bare = leaves.filter(([p, v]) => !NOT_CONTENT.test(p) && !/attributes\[\d+\]\.(?:key|str)$|^body\./.test(p) && !canaries.some((c) => v.includes(c)));
    expect(bare.map(([p, v]) => `${p}=${v.slice(0, 40)}`)).toEqual([]);
  }
});

it('no canary from any field reaches the API, the spool or ClickHouse', async () => {
  const dataDir = tempDataDir();
  const cw = await startCollector({ dataDir, env: { CAUSEWAY_FLUSH_INTERVAL_MS: '600000' } });
  const found = (text: string): string[] => canaries.filter((c) => text.includes(c));
  try {
    for (const [path, body] of [['/v1/traces', traces], ['/v1/logs', logs]] as const) {
      const res = await fetch(`${cw.otlpUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status, path).toBe(200);
    }
    // the spool holds the acknowledged rows, uncompressed
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const n of readdirSync(d)) statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : files.push(join(d, n));
    };
    walk(join(dataDir, 'spool'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(found(readFileSync(f).toString('latin1')), f).toEqual([]);
  } finally {
    await cw.stop(); // a clean stop drains the spool into ClickHouse
  }
  const dump = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'testkit/dump-store.ts'), dataDir], { cwd: ROOT, encoding: 'latin1', maxBuffer: 64 << 20 });
  expect(dump).toMatch(/== logs \(\d+ columns\)/);
  expect(dump).toContain(traceId);
  expect(found(dump)).toEqual([]);
  const again = await startCollector({ dataDir });
  try {
    const api = [await (await fetch(`${again.apiUrl}/api/traces/${traceId}`)).text(), await (await fetch(`${again.apiUrl}/api/traces/${traceId}/logs`)).text()];
    expect(api[0]).toContain('REDACTED');
    expect(api[1]).toContain('REDACTED');
    expect(found(api.join('\n'))).toEqual([]);
  } finally {
    await again.stop();
  }
});
