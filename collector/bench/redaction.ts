// Redaction figures: throughput of the redaction processor on the bench's own GenAI spans
// (decoded as the collector decodes them), its share of the per-span ingest budget, and
// precision/recall per rule on the labelled corpus in fixtures/redaction.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpanRow } from '@causeway/schemas';
import { formatTable, score, type CorpusCase } from '../../fixtures/redaction/score.ts';
import { RedactionTally, redactSpans } from '../src/processors/redact.ts';
import { decodeTracesProto } from '../src/receivers/otlp/decode-proto.ts';
import { parsePolicy, type RedactionPolicy } from '../src/redaction/policy.ts';
import { createRedactor } from '../src/redaction/redactor.ts';
import { PII_RULES, SECRET_RULES } from '../src/redaction/types.ts';
import { median } from './decode.ts';

const CORPUS = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/redaction/corpus.json');

export interface RedactionBench {
  spans: number;
  /** UTF-8 MB of string content the processor examined per round */
  stringMB: number;
  /** as the collector runs it: identical strings redacted once (this workload repeats messages from a pool) */
  spansPerSec: number;
  mbPerSec: number;
  /** every string scanned, as if nothing ever repeated */
  coldSpansPerSec: number;
  coldMbPerSec: number;
  /** the same, with the person-name and street-address rules off (what the redactor cost before them) */
  coldMbPerSecWithoutNames: number;
  /** decode of the same payloads, same process, for scale */
  decodeSpansPerSec: number;
  findings: Record<string, number>;
  corpusTable: string;
}

export function benchRedaction(protoPayloads: Buffer[], rounds: number): RedactionBench {
  const warm = time(protoPayloads, rounds, true);
  const cold = time(protoPayloads, rounds, false);
  const NO_NAMES = parsePolicy({ rules: { person_name: { enabled: false }, street_address: { enabled: false } } });
  const coldWithout = time(protoPayloads, rounds, false, NO_NAMES);
  const redactor = createRedactor({ key: Buffer.alloc(32, 0x5a) });
  const corpus = JSON.parse(readFileSync(CORPUS, 'utf8')) as CorpusCase[];
  const report = score(corpus, (text) => redactor.redactText(text), { secretRules: SECRET_RULES, piiRules: PII_RULES });
  return {
    spans: warm.spans,
    stringMB: warm.stringMB,
    spansPerSec: warm.spans / warm.redactS,
    mbPerSec: warm.stringMB / warm.redactS,
    coldSpansPerSec: cold.spans / cold.redactS,
    coldMbPerSec: cold.stringMB / cold.redactS,
    coldMbPerSecWithoutNames: coldWithout.stringMB / coldWithout.redactS,
    decodeSpansPerSec: warm.spans / warm.decodeS,
    findings: warm.findings,
    corpusTable: formatTable(report),
  };
}

function time(protoPayloads: Buffer[], rounds: number, memo: boolean, policy?: RedactionPolicy) {
  const decodeAll = (): SpanRow[][] => protoPayloads.map((p) => decodeTracesProto(p, 'default').rows);
  const sample = decodeAll();
  const spans = sample.reduce((n, r) => n + r.length, 0);
  const stringMB = sample.flat().reduce((n, r) => n + stringBytes(r), 0) / 1e6;

  const redactTimes: number[] = [];
  const decodeTimes: number[] = [];
  let findings: Record<string, number> = {};
  // Each round starts from a fresh redactor, so its memo holds only what this round has seen.
  for (let i = 0; i < rounds; i++) {
    const fresh = createRedactor({ key: Buffer.alloc(32, 0x5a), memo, policy });
    let t = performance.now();
    const batches = decodeAll(); // fresh rows each round: the processor rewrites them
    decodeTimes.push(performance.now() - t);
    const stats = new RedactionTally();
    const process = redactSpans(fresh, stats);
    t = performance.now();
    for (const b of batches) process(b);
    redactTimes.push(performance.now() - t);
    findings = stats.snapshot().byRule;
  }
  return { spans, stringMB, redactS: median(redactTimes) / 1000, decodeS: median(decodeTimes) / 1000, findings };
}

function stringBytes(r: SpanRow): number {
  let n = Buffer.byteLength(r.name) + Buffer.byteLength(r.status_message);
  const attrs = (list: SpanRow['attributes']): void => {
    for (const a of list) if (a.str) n += Buffer.byteLength(a.str);
  };
  attrs(r.attributes);
  attrs(r.resource_attributes);
  for (const e of r.events) attrs(e.attributes);
  for (const l of r.links) attrs(l.attributes);
  return n;
}
