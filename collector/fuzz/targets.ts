// Fuzz targets: the protobuf and JSON decoders, the redactor and the provenance extractor, each
// with an input generator (fast-check arbitraries: raw bytes, mutations of valid requests, text
// with planted secrets) and a check that throws only on a real defect: an exception the code does
// not mean to raise, or a broken redaction invariant. Run long by `npm run fuzz` (fuzz/run.ts),
// short and seeded by targets.test.ts in the normal suite.
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import type { SpanRow } from '@causeway/schemas';
import { ProvenanceExtractor } from '../src/processors/provenance.ts';
import { DecodeError } from '../src/receivers/otlp/decode-error.ts';
import { decodeLogsJson, decodeTracesJson } from '../src/receivers/otlp/decode-json.ts';
import { decodeLogsProto } from '../src/receivers/otlp/decode-logs-proto.ts';
import { decodeTracesProto } from '../src/receivers/otlp/decode-proto.ts';
import { createRedactor } from '../src/redaction/redactor.ts';
import { type Planted, planted, textWithSecrets } from './generators.ts';
import { SEED_LOGS_JSON, SEED_TRACES_JSON, SEED_TRACES_PROTO } from './seeds.ts';

export interface FuzzTarget<T> {
  name: string;
  input: fc.Arbitrary<T>;
  /** throws on a defect */
  check(input: T): void;
}

const key = Buffer.alloc(32, 0x3c);

/** Decoders may refuse input with a DecodeError (answered 400); anything else is a defect. */
function decodes(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
}

/** Bytes: random, and valid requests with bytes flipped, cut, repeated or spliced. */
function mutated(seed: Buffer): fc.Arbitrary<Buffer> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
    fc.tuple(fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(seed.length)).map(([flips, cut]) => {
      const b = Buffer.from(seed);
      for (const [at, v] of flips) b[at] = v;
      return b.subarray(0, Math.max(1, cut));
    }),
    fc.tuple(fc.nat(seed.length), fc.nat(seed.length), fc.integer({ min: 1, max: 50 })).map(([a, b, times]) => {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      return Buffer.concat([seed.subarray(0, hi), ...Array.from({ length: times }, () => seed.subarray(lo, hi)), seed.subarray(hi)]);
    }),
  );
}

function jsonMutated(seed: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.json({ maxDepth: 6 }),
    fc.tuple(fc.nat(seed.length), fc.nat(seed.length), fc.string({ maxLength: 40 })).map(([a, b, s]) => seed.slice(0, Math.min(a, b)) + s + seed.slice(Math.max(a, b))),
    fc.integer({ min: 1, max: 3000 }).map((n) => seed.replace('"stringValue":"x"', `"stringValue":"${'{\\"a\\":'.repeat(n)}1${'}'.repeat(n)}"`)),
    fc.integer({ min: 60, max: 70 }).map((n) => seed.replace('{"stringValue":"x"}', `${'{"arrayValue":{"values":['.repeat(n)}{"intValue":"4111111111111111"}${']}}'.repeat(n)}`)),
  );
}

export const protobufDecoder: FuzzTarget<Buffer> = {
  name: 'protobuf decoder',
  input: fc.oneof(mutated(SEED_TRACES_PROTO)),
  check(b) {
    decodes(() => decodeTracesProto(b, 'default'));
    decodes(() => decodeLogsProto(b, 'default'));
  },
};

export const jsonDecoder: FuzzTarget<string> = {
  name: 'JSON decoder',
  input: fc.oneof(jsonMutated(SEED_TRACES_JSON), jsonMutated(SEED_LOGS_JSON)),
  check(s) {
    decodes(() => decodeTracesJson(Buffer.from(s), 'default'));
    decodes(() => decodeLogsJson(Buffer.from(s), 'default'));
  },
};

const redactor = createRedactor({ key, memo: false });
/** The longest placeholder we write: `[REDACTED:` + rule id (≤ 64) + `:` + 8 hex + `]`. */
const MAX_PLACEHOLDER = 10 + 64 + 1 + 8 + 1;

export const redactorTarget: FuzzTarget<{ text: string; secrets: Planted[] }> = {
  name: 'redactor',
  input: textWithSecrets(),
  check({ text, secrets }) {
    const once = redactor.redactText(text, 'trace-a');
    for (const s of secrets) if (once.text.includes(s.value)) throw new Error(`planted ${s.kind} survived: ${JSON.stringify(s.value)} in ${JSON.stringify(once.text.slice(0, 300))}`);
    if (once.text.length > text.length + once.findings.length * MAX_PLACEHOLDER) throw new Error('redacted text longer than its bound');
    const twice = redactor.redactText(once.text, 'trace-a');
    if (twice.text !== once.text) throw new Error(`not idempotent: ${JSON.stringify(once.text.slice(0, 200))} → ${JSON.stringify(twice.text.slice(0, 200))}`);
  },
};

const extractor = new ProvenanceExtractor(key, createRedactor({ key }));
const GENAI_KEYS = ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.tool.call.arguments', 'gen_ai.tool.call.result', 'gen_ai.system_instructions', 'input.value', 'output.value', 'ai.prompt.messages', 'traceloop.entity.output'];

export const provenanceTarget: FuzzTarget<{ attrs: [string, string][]; secrets: Planted[] }> = {
  name: 'provenance extractor',
  input: fc.record({
    attrs: fc.array(fc.tuple(fc.constantFrom(...GENAI_KEYS, 'gen_ai.operation.name', 'gen_ai.tool.name'), fc.oneof(fc.json({ maxDepth: 5 }), fc.string(), fc.constantFrom('execute_tool', 'chat', 'send_email'))), { maxLength: 6 }),
    secrets: fc.array(planted(), { maxLength: 3 }),
  }),
  check({ attrs, secrets }) {
    const all = [...attrs, ...secrets.map((s, i): [string, string] => [GENAI_KEYS[i % GENAI_KEYS.length]!, JSON.stringify({ role: 'user', content: `note: ${s.text} .` })])];
    const batch = extractor.fromSpans([span(all)]);
    const stored = JSON.stringify(batch);
    for (const s of secrets) if (stored.includes(s.value)) throw new Error(`planted ${s.kind} survived in provenance rows: ${s.value}`);
  },
};

function span(attrs: [string, string][]): SpanRow {
  return {
    tenant: 'default', trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16), parent_span_id: '', trace_state: '', flags: 0, name: 'execute_tool x', kind: 1,
    start_time_unix_nano: '1', end_time_unix_nano: '2', attributes: attrs.map(([k, v]) => ({ key: k, type: 'string', str: v })), dropped_attributes_count: 0,
    events: [], dropped_events_count: 0, links: [], dropped_links_count: 0, status_code: 0, status_message: '', service_name: 's', resource_attributes: [],
    resource_dropped_attributes_count: 0, resource_schema_url: '', scope_name: '', scope_version: '', scope_attributes: [], scope_dropped_attributes_count: 0,
    scope_schema_url: '', redactions: [],
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const TARGETS: FuzzTarget<any>[] = [protobufDecoder, jsonDecoder, redactorTarget, provenanceTarget];
