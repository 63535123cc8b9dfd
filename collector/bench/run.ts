// `npm run bench`: Causeway ingest figures. Not a test — nothing here asserts on time.
// Every figure is printed beside a ceiling or baseline measured in this same run, on this
// same machine, and the ratio is what to compare across runs.
//
//   1. decode throughput: our protobuf/JSON decoders vs protobufjs reflection and JSON.parse
//   2. end-to-end: concurrent OTLP/HTTP protobuf exporters → collector process → ClickHouse
//   3. ceiling: the same JSONEachRow lines inserted directly through the same client
//   4. redaction throughput and precision/recall
//   5.–7. provenance (provenance.ts): the extractor's cost in one thread, ingest with provenance
//      on vs off, and a store of ≥ 1M agent spans with slice / trace-graph / trace-by-id latencies
//
//   8. authentication (auth.ts): ingest with CAUSEWAY_AUTH=off vs on (bound ingest token), the ratio
//
// Environment: BENCH_AUTH_SPANS (40000), BENCH_AUTH_ROUNDS (3), BENCH_SPANS (default 200000), BENCH_CONCURRENCY (8), BENCH_BATCH (512),
// BENCH_DECODE_SPANS (16384), BENCH_DECODE_ROUND_MS (400), BENCH_DECODE_ROUNDS (5), BENCH_KEEP=1 keeps the temp dirs.
// Provenance: BENCH_PROV_SPANS or `--spans N` (store size, default 200000), BENCH_PROV_SEEDS (200),
// BENCH_PROV_E2E_SPANS (60000, the on/off run), BENCH_PROV_CPU_SPANS (12000), BENCH_PROV_ROUNDS (3),
// BENCH_PROV_CONCURRENCY (8), BENCH_PROV_READ_BUDGET_S (120: a read stops taking seeds after this
// long, once it has 20), BENCH_PROV_HEAP_MB (8192: the store collector's --max-old-space-size),
// BENCH_PROV_RESTART_EVERY (500000: the store collector is restarted after this many spans, to measure start-up on a large store; 0: never). `--only ingest` runs sections 1–4, `--only provenance` sections 5–7, `--only auth` section 8, `--only redaction` decode, redaction and its worst case, `--only event-loop` /healthz latency with and without an adversarial exporter (BENCH_EVENT_LOOP_SECONDS, 20).
// Soak (opt-in only, never run by a plain `npm run bench` nor by CI; soak.ts): `--only soak` feeds
// `--spans N` (BENCH_SOAK_SPANS, 1000000) generated agent spans to one collector on the default
// configuration in steps of BENCH_SOAK_STEP (min(100000, N/10)), restarts it after the first step
// and after the last, then reads (BENCH_SOAK_SEEDS 100, BENCH_SOAK_READ_BUDGET_S 60, a big trace of
// BENCH_SOAK_BIG_TRACE_AGENTS 40 sub-agents read BENCH_SOAK_BIG_TRACE_RUNS 5 times); 20-40 min at 1M on 2 quiet
// cores, hours on a loaded machine: BENCH_SOAK_FEED_MINUTES stops feeding after that long and measures what was fed.
//   npm run bench -- --only provenance --spans 200000
//   npm run bench -- --only soak --spans 1000000
import { benchDetections, printDetections } from './detections.ts';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { DEFAULTS } from '../src/config.ts';
import { startCollector, tempDataDir } from '@causeway/testkit/collector-process.ts';
import { type DecodeReport, benchDecode } from './decode.ts';
import { makeCorpus } from './genai-spans.ts';
import { type IngestResult, benchIngest } from './ingest.ts';
import { type RedactionBench, benchRedaction } from './redaction.ts';
import { type WorstCase, benchWorstCase, formatWorstCase } from './redaction-worst.ts';
import { writeFrames } from './payload-file.ts';
import type { RawInsertResult } from './raw-insert.ts';
import { benchExtractor, benchOnOff, benchStore, printProvenance } from './provenance.ts';
import { benchAuth, printAuth } from './auth.ts';
import { benchEventLoop, printEventLoop } from './event-loop.ts';
import { benchSoak, printSoak } from './soak.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '../..');

const SPANS = intEnv('BENCH_SPANS', 200_000);
const CONCURRENCY = intEnv('BENCH_CONCURRENCY', 8);
const BATCH = intEnv('BENCH_BATCH', 512);
const DECODE_SPANS = intEnv('BENCH_DECODE_SPANS', 16_384);
const DECODE_ROUND_MS = intEnv('BENCH_DECODE_ROUND_MS', 400);
const DECODE_ROUNDS = intEnv('BENCH_DECODE_ROUNDS', 5);
const KEEP = process.env.BENCH_KEEP === '1';
const ARGS = cliArgs(process.argv.slice(2));
const ONLY = ARGS.only;
if (ONLY !== undefined && !['ingest', 'provenance', 'redaction', 'auth', 'detections', 'event-loop', 'soak'].includes(ONLY)) throw new Error(`--only must be ingest, provenance, redaction, auth, detections, event-loop or soak, got "${ONLY}"`);
const AUTH_SPANS = intEnv('BENCH_AUTH_SPANS', 40_000);
const AUTH_ROUNDS = intEnv('BENCH_AUTH_ROUNDS', 3);
const PROV_SPANS = ARGS.spans !== undefined ? positiveInt(ARGS.spans, '--spans') : intEnv('BENCH_PROV_SPANS', 200_000);
const PROV_SEEDS = intEnv('BENCH_PROV_SEEDS', 200);
const PROV_E2E_SPANS = intEnv('BENCH_PROV_E2E_SPANS', 60_000);
const PROV_CPU_SPANS = intEnv('BENCH_PROV_CPU_SPANS', 12_000);
const PROV_ROUNDS = intEnv('BENCH_PROV_ROUNDS', 3);
const PROV_CONCURRENCY = intEnv('BENCH_PROV_CONCURRENCY', 8);
const PROV_READ_BUDGET = intEnv('BENCH_PROV_READ_BUDGET_S', 120);
const PROV_HEAP_MB = intEnv('BENCH_PROV_HEAP_MB', 8192);
const PROV_RESTART_EVERY = process.env.BENCH_PROV_RESTART_EVERY === '0' ? 0 : intEnv('BENCH_PROV_RESTART_EVERY', 500_000);

const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

async function main(): Promise<void> {
  const started = performance.now();
  if (ONLY === 'soak') return soakSection(); // opt-in only: never part of a plain `npm run bench`
  if (ONLY === 'detections') return void process.stdout.write(`${printDetections(await benchDetections(intEnv('BENCH_DETECT_SPANS', 12_000)))}\n`);
  if (ONLY === undefined || ONLY === 'ingest' || ONLY === 'redaction') await ingestSections(started);
  if (ONLY === undefined || ONLY === 'auth') await authSection();
  if (ONLY === undefined || ONLY === 'event-loop') await eventLoopSection();
  if (ONLY === undefined || ONLY === 'provenance') await provenanceSections();
  if (ONLY === undefined) process.stdout.write(`${printDetections(await benchDetections(intEnv('BENCH_DETECT_SPANS', 12_000)))}\n`);
}

async function soakSection(): Promise<void> {
  const spans = ARGS.spans !== undefined ? positiveInt(ARGS.spans, '--spans') : intEnv('BENCH_SOAK_SPANS', 1_000_000);
  const step = intEnv('BENCH_SOAK_STEP', Math.min(100_000, Math.ceil(spans / 10)));
  const seeds = intEnv('BENCH_SOAK_SEEDS', 100);
  const readBudgetSeconds = intEnv('BENCH_SOAK_READ_BUDGET_S', 60);
  const workDir = tempDataDir('causeway-bench-soak-');
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
  try {
    const r = await benchSoak({
      spans,
      step,
      concurrency: PROV_CONCURRENCY,
      ...(process.env.BENCH_SOAK_FEED_MINUTES ? { feedMinutes: intEnv('BENCH_SOAK_FEED_MINUTES', 0) } : {}),
      seeds,
      readBudgetSeconds,
      bigTraceAgents: process.env.BENCH_SOAK_BIG_TRACE_AGENTS === '0' ? 0 : intEnv('BENCH_SOAK_BIG_TRACE_AGENTS', 40),
      bigTraceRuns: intEnv('BENCH_SOAK_BIG_TRACE_RUNS', 5),
      workDir,
      print: (line) => process.stdout.write(`${line}\n`),
      log,
    });
    process.stdout.write(printSoak(r, { machine, seeds, readBudgetSeconds }));
  } finally {
    if (!KEEP) rmSync(workDir, { recursive: true, force: true });
  }
}

async function eventLoopSection(): Promise<void> {
  const seconds = intEnv('BENCH_EVENT_LOOP_SECONDS', 20);
  log(`event-loop health: /healthz while exporters send, ${seconds} s without and ${seconds} s with an adversarial exporter…`);
  const corpus = makeCorpus(intEnv('BENCH_EVENT_LOOP_SPANS', 20_000), BATCH, 13);
  const workDir = tempDataDir('causeway-bench-loop-');
  try {
    const r = await benchEventLoop(corpus.batches, { seconds, concurrency: CONCURRENCY, dataDir: join(workDir, 'collector'), log });
    process.stdout.write(`${printEventLoop(r)}\n`);
  } finally {
    if (!KEEP) rmSync(workDir, { recursive: true, force: true });
  }
}

async function authSection(): Promise<void> {
  log(`authentication cost: ${AUTH_SPANS} spans, ${AUTH_ROUNDS} round(s) with auth off and on…`);
  const t = performance.now();
  const corpus = makeCorpus(AUTH_SPANS, BATCH, 11);
  const services = [...new Set(corpus.spans.map((s) => String(s.resource.attributes['service.name'])))];
  const workDir = tempDataDir('causeway-bench-auth-');
  try {
    const a = await benchAuth(corpus.batches, services, CONCURRENCY, AUTH_ROUNDS, workDir, log);
    log(`  done (${sec(t)})`);
    process.stdout.write(`${printAuth(a).join('\n')}\n`);
  } finally {
    if (!KEEP) rmSync(workDir, { recursive: true, force: true });
  }
}

async function provenanceSections(): Promise<void> {
  const started = performance.now();
  log(`provenance: store of ${PROV_SPANS} spans, ${PROV_SEEDS} seeds; on/off run ${PROV_E2E_SPANS} spans; in-process ${PROV_CPU_SPANS} spans × ${PROV_ROUNDS} rounds`);
  log('provenance stage in one thread (off vs on)…');
  let t = performance.now();
  const x = benchExtractor(PROV_CPU_SPANS, PROV_ROUNDS, log);
  log(`  done (${sec(t)})`);
  const workDir = tempDataDir('causeway-bench-prov-');
  try {
    log(`provenance end to end, off vs on (work dir ${workDir})…`);
    t = performance.now();
    const e = await benchOnOff(PROV_E2E_SPANS, PROV_CONCURRENCY, workDir, log);
    log(`  done (${sec(t)})`);
    log(`provenance store of ${PROV_SPANS} spans…`);
    t = performance.now();
    const s = await benchStore(
      { spans: PROV_SPANS, seeds: PROV_SEEDS, concurrency: PROV_CONCURRENCY, workDir, root: ROOT, readBudgetSeconds: PROV_READ_BUDGET, heapMb: PROV_HEAP_MB, restartEvery: PROV_RESTART_EVERY },
      log,
    );
    log(`  done (${sec(t)})`);
    const cpu = `${cpus().length} × ${cpus()[0]?.model.trim() ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
    printProvenance(x, e, s, {
      concurrency: PROV_CONCURRENCY,
      rounds: PROV_ROUNDS,
      cpus: cpu,
      totalSeconds: (performance.now() - started) / 1000,
      seeds: PROV_SEEDS,
      readBudgetSeconds: PROV_READ_BUDGET,
    });
  } finally {
    if (!KEEP) rmSync(workDir, { recursive: true, force: true });
  }
}

async function ingestSections(started: number): Promise<void> {
  log(`causeway bench: ${SPANS} spans, ${CONCURRENCY} exporters, ${BATCH} spans/request; ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`);

  // ---- 1. decode ----
  // Its own small corpus, decoded before the big one exists: a large live heap would make
  // every GC slower and penalize the decoders that allocate more.
  log('decode throughput…');
  let t = performance.now();
  const decodeCorpus = makeCorpus(DECODE_SPANS, BATCH, 7);
  const protoPayloads = decodeCorpus.batches.map((b) => Buffer.from(ProtobufTraceSerializer.serializeRequest(b)!));
  const jsonPayloads = decodeCorpus.batches.map((b) => Buffer.from(JsonTraceSerializer.serializeRequest(b)!));
  decodeCorpus.spans.length = 0;
  decodeCorpus.batches.length = 0;
  const decode = benchDecode(protoPayloads, jsonPayloads, { roundMs: DECODE_ROUND_MS, rounds: DECODE_ROUNDS, log });
  log('redaction throughput and corpus precision/recall…');
  const redaction = benchRedaction(protoPayloads, DECODE_ROUNDS);
  log('redaction worst case per adversarial family…');
  const worst = benchWorstCase(redaction.coldMbPerSec, log);
  if (ONLY === 'redaction') {
    const r = redaction;
    process.stdout.write(
      [
        `redaction: ${fmt(r.spansPerSec)} spans/s, ${r.mbPerSec.toFixed(1)} MB/s of strings (as the collector runs it); every string scanned: ${fmt(r.coldSpansPerSec)} spans/s, ${r.coldMbPerSec.toFixed(1)} MB/s; decode of the same spans ${fmt(r.decodeSpansPerSec)} spans/s`,
        namesCost(r),
        r.corpusTable,
        formatWorstCase(worst),
        '',
      ].join('\n'),
    );
    return;
  }
  protoPayloads.length = 0;
  jsonPayloads.length = 0;
  log(`  done (${sec(t)})`);

  log('generating GenAI spans with the OpenTelemetry SDK…');
  t = performance.now();
  const corpus = makeCorpus(SPANS, BATCH);
  const attrsPerSpan = corpus.spans.reduce((n, s) => n + Object.keys(s.attributes).length, 0) / corpus.spans.length;
  log(`  ${corpus.spans.length} spans in ${corpus.batches.length} batches, ${attrsPerSpan.toFixed(1)} attributes/span (${sec(t)})`);

  // ---- 2. end-to-end ----
  const workDir = tempDataDir('causeway-bench-');
  log(`end-to-end ingest (work dir ${workDir})…`);
  t = performance.now();
  const cw = await startCollector({ dataDir: join(workDir, 'collector') });
  log(`  collector up at ${cw.otlpUrl} (${sec(t)})`);
  let ingest: IngestResult;
  try {
    ingest = await benchIngest(cw, corpus.batches, CONCURRENCY, log);
  } catch (e) {
    log(cw.output());
    throw e;
  } finally {
    await cw.stop();
  }
  log(`  ${ingest.spans} spans durable in ${ingest.durableSeconds.toFixed(2)} s`);

  // ---- 2b. the same spans over OTLP/gRPC, on a fresh collector ----
  log('end-to-end ingest over OTLP/gRPC…');
  t = performance.now();
  const cwGrpc = await startCollector({ dataDir: join(workDir, 'collector-grpc') });
  log(`  collector up at ${cwGrpc.otlpGrpcUrl} (${sec(t)})`);
  let grpc: IngestResult;
  try {
    grpc = await benchIngest(cwGrpc, corpus.batches, CONCURRENCY, log, 'grpc');
  } catch (e) {
    log(cwGrpc.output());
    throw e;
  } finally {
    await cwGrpc.stop();
  }
  log(`  ${grpc.spans} spans durable in ${grpc.durableSeconds.toFixed(2)} s`);

  // ---- 3. ceiling: raw insert of the same rows, in its own process ----
  log('raw insert ceiling…');
  t = performance.now();
  // The exporter serialized each batch with this same serializer: these are the bytes it sent.
  const payloadBytes = writeFrames(
    join(workDir, 'payloads.bin'),
    (function* () {
      for (const b of corpus.batches) yield ProtobufTraceSerializer.serializeRequest(b)!;
    })(),
  );
  corpus.spans.length = 0;
  corpus.batches.length = 0;
  // Two batch shapes: the writer's own limits (what the collector does), and 20k-row inserts.
  // The faster one is the ceiling.
  const { maxBatchRows, maxBatchBytes } = DEFAULTS.writer;
  const rawWriter = await runRawInsert(workDir, 'raw-writer-limits', maxBatchRows, maxBatchBytes);
  log(`  writer limits: ${rawWriter.inserts} inserts, ${rawWriter.seconds.toFixed(2)} s`);
  const raw20k = await runRawInsert(workDir, 'raw-20k-rows', 20_000);
  log(`  20k-row batches: ${raw20k.inserts} inserts, ${raw20k.seconds.toFixed(2)} s (${sec(t)})`);

  if (!KEEP) rmSync(workDir, { recursive: true, force: true });
  printReport(decode, ingest, grpc, rawWriter, raw20k, { attrsPerSpan, payloadBytes, totalSeconds: (performance.now() - started) / 1000 });
  printRedaction(redaction, ingest, worst);
}

function runRawInsert(dir: string, name: string, maxRows: number, maxBytes?: number): Promise<RawInsertResult> {
  return new Promise((resolve, reject) => {
    const args = ['--expose-gc', '--import', 'tsx', join(HERE, 'raw-insert.ts'), dir, name, String(maxRows), ...(maxBytes ? [String(maxBytes)] : [])];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`raw-insert exited with ${code}:\n${out}\n${err}`));
      else resolve(JSON.parse(line) as RawInsertResult);
    });
  });
}

// ---- report ----

function printReport(
  d: DecodeReport,
  e: IngestResult,
  g: IngestResult,
  rw: RawInsertResult,
  r20: RawInsertResult,
  x: { attrsPerSpan: number; payloadBytes: number; totalSeconds: number },
): void {
  const out: string[] = [];
  const by = (name: string) => d.results.find((z) => z.name === name)!;
  const oursPb = by('decodeTracesProto (Causeway)');
  const pbLong = by('protobufjs reflection, Long');
  const pbNum = by('protobufjs reflection, number');
  const oursJson = by('decodeTracesJson (Causeway)');
  const parse = by('JSON.parse only (ceiling)');
  const ceiling = rw.spansPerSec >= r20.spansPerSec ? rw : r20;
  const { maxBatchRows, maxBatchBytes } = DEFAULTS.writer;

  out.push('');
  out.push(`== 1. Decode throughput: one thread, median of ${DECODE_ROUNDS} interleaved timed rounds ==`);
  out.push(
    `payloads: ${d.spans} GenAI spans from the OTel SDK, serialized by ProtobufTraceSerializer / JsonTraceSerializer: ` +
      `protobuf ${mb(d.protoBytes)} (${Math.round(d.protoBytes / d.spans)} B/span), JSON ${mb(d.jsonBytes)} (${Math.round(d.jsonBytes / d.spans)} B/span)`,
  );
  out.push(
    table(
      ['decoder', 'input', 'MB/s', 'spans/s', 'relative'],
      [
        [oursPb.name, 'protobuf', fix(oursPb.mbPerSec, 1), int(oursPb.spansPerSec), `${ratio(oursPb.spansPerSec, pbLong.spansPerSec)} × protobufjs`],
        ['protobufjs reflection, 64-bit as Long', 'protobuf', fix(pbLong.mbPerSec, 1), int(pbLong.spansPerSec), '1.00 (baseline)'],
        ['protobufjs reflection, 64-bit as number (lossy)', 'protobuf', fix(pbNum.mbPerSec, 1), int(pbNum.spansPerSec), ratio(pbNum.spansPerSec, pbLong.spansPerSec)],
        [oursJson.name, 'JSON', fix(oursJson.mbPerSec, 1), int(oursJson.spansPerSec), `${ratio(oursJson.spansPerSec, parse.spansPerSec)} × ceiling`],
        ['JSON.parse alone', 'JSON', fix(parse.mbPerSec, 1), int(parse.spansPerSec), '1.00 (ceiling)'],
      ],
    ),
  );
  out.push('  Ours build the stored SpanRows (hex ids, typed attributes, UTF-8 checked, exact 64-bit decimal');
  out.push('  strings); protobufjs and JSON.parse build only generic objects, so they are a bound, not a peer.');
  out.push(
    `  protobufjs gives 64-bit fields (fixed64 timestamps, int64) as long.js Long objects if the \`long\` package loads ` +
      `(here: ${d.longAvailable ? 'yes' : 'no'}), else as JS numbers, LOSSY above 2^53 — e.g. start_time_unix_nano:`,
  );
  const lossy = d.sampleTimestamp.protobufjsNumber !== d.sampleTimestamp.ours;
  out.push(
    `    exact ${d.sampleTimestamp.ours} | protobufjs Long ${d.sampleTimestamp.protobufjsLong} | protobufjs number ${d.sampleTimestamp.protobufjsNumber}${lossy ? ' (wrong)' : ''}`,
  );
  out.push('  (Long objects still need a toString() each before storage.) Exactness is part of why our decoder is hand-written.');

  out.push('');
  out.push('== 2./3. Ingest: end-to-end vs raw-insert ceiling (same rows, same JSONEachRow lines, same client, same schema) ==');
  out.push(
    `workload: ${e.spans} spans, ${x.attrsPerSpan.toFixed(1)} attributes/span, in ${e.requests} requests of ≤${BATCH} spans from ` +
      `${CONCURRENCY} concurrent OTLPTraceExporter (protobuf); ${mb(x.payloadBytes)} of protobuf → ${mb(rw.bytes)} of JSONEachRow`,
  );
  const ratioRow = (v: number): string => ratio(v, ceiling.spansPerSec);
  out.push(
    table(
      ['measure', 'seconds', 'spans/s', 'MB/s rows', 'ratio to ceiling'],
      [
        ['end-to-end: acknowledged (200 OK = fsynced to spool)', fix(e.ackSeconds, 2), int(e.ackSpansPerSec), fix(rw.bytes / 1e6 / e.ackSeconds, 1), ratioRow(e.ackSpansPerSec)],
        ['end-to-end: durable in ClickHouse (pendingRows = 0)', fix(e.durableSeconds, 2), int(e.durableSpansPerSec), fix(rw.bytes / 1e6 / e.durableSeconds, 1), ratioRow(e.durableSpansPerSec)],
        [
          `raw insert, writer's limits (${rw.inserts} inserts ≤${maxBatchRows} rows/≤${maxBatchBytes >> 20} MiB)`,
          fix(rw.seconds, 2),
          int(rw.spansPerSec),
          fix(rw.mbPerSec, 1),
          ceiling === rw ? '1.00 (ceiling)' : ratioRow(rw.spansPerSec),
        ],
        [
          `raw insert, 20k-row batches (${r20.inserts} inserts)`,
          fix(r20.seconds, 2),
          int(r20.spansPerSec),
          fix(r20.mbPerSec, 1),
          ceiling === r20 ? '1.00 (ceiling)' : ratioRow(r20.spansPerSec),
        ],
      ],
    ),
  );
  const ratioE2E = e.durableSpansPerSec / ceiling.spansPerSec;
  out.push(`  end-to-end (durable) / raw ceiling = ${ratioE2E.toFixed(2)}  (goal ≥ 0.50: ${ratioE2E >= 0.5 ? 'met' : 'NOT met'})`);
  const l = e.ackLatencyMs;
  out.push(`  acknowledged latency per export request (${e.requests} requests of ~${int(e.spans / e.requests)} spans, ${CONCURRENCY} exporters): p50 ${int(l.p50)} ms, p95 ${int(l.p95)}, p99 ${int(l.p99)}, max ${int(l.max)}`);
  out.push(
    `  collector RSS: idle ${int(e.idleRssMb)} MB, peak ${int(e.peakRssMb)} MB (VmRSS every 200 ms; VmHWM ${int(e.hwmRssMb)} MB); ` +
      `largest write queue ${int(e.peakPendingRows)} rows / ${int(e.peakPendingMb)} MiB`,
  );
  out.push(
    `  rows in ClickHouse: collector ${e.insertedRows}/${e.spans}, raw ${rw.counted}/${rw.rows} and ${r20.counted}/${r20.rows}` +
      (e.resent ? `; ${e.resent} export(s) re-sent after the exporter reported failure` : '; no export failed'),
  );
  out.push('  The end-to-end run shares the CPUs with the exporters (serialization, HTTP) in this process; the raw runs do not.');

  out.push('');
  out.push('== 2b. Ingest over OTLP/gRPC beside OTLP/HTTP protobuf (same spans, same exporters count, a fresh collector each) ==');
  out.push(
    table(
      ['transport', 'acknowledged spans/s', 'durable spans/s', 'ratio to HTTP/protobuf (durable)', 'ratio to ceiling (durable)'],
      [
        ['OTLP/HTTP protobuf (OTLPTraceExporter, proto)', int(e.ackSpansPerSec), int(e.durableSpansPerSec), '1.00', ratioRow(e.durableSpansPerSec)],
        ['OTLP/gRPC (OTLPTraceExporter, grpc)', int(g.ackSpansPerSec), int(g.durableSpansPerSec), ratio(g.durableSpansPerSec, e.durableSpansPerSec), ratioRow(g.durableSpansPerSec)],
      ],
    ),
  );
  out.push(
    `  gRPC: acknowledged ${ratio(g.ackSpansPerSec, e.ackSpansPerSec)} of HTTP/protobuf; collector peak RSS ${int(g.peakRssMb)} MB; rows in ClickHouse ${g.insertedRows}/${g.spans}` +
      (g.resent ? `; ${g.resent} export(s) re-sent` : '; no export failed'),
  );

  out.push('');
  out.push('== Summary (ratios are what to compare between runs and machines) ==');
  out.push(
    table(
      ['figure', 'value', 'reference (same run)', 'ratio'],
      [
        ['protobuf decode, spans/s', int(oursPb.spansPerSec), `protobufjs reflection ${int(pbLong.spansPerSec)}`, ratio(oursPb.spansPerSec, pbLong.spansPerSec)],
        ['JSON decode, spans/s', int(oursJson.spansPerSec), `JSON.parse alone ${int(parse.spansPerSec)}`, ratio(oursJson.spansPerSec, parse.spansPerSec)],
        ['ingest acknowledged, spans/s', int(e.ackSpansPerSec), `raw insert ${int(ceiling.spansPerSec)}`, ratio(e.ackSpansPerSec, ceiling.spansPerSec)],
        ['ingest durable in ClickHouse, spans/s', int(e.durableSpansPerSec), `raw insert ${int(ceiling.spansPerSec)}`, `${ratioE2E.toFixed(2)} (goal ≥ 0.50)`],
        ['ingest durable over OTLP/gRPC, spans/s', int(g.durableSpansPerSec), `OTLP/HTTP protobuf ${int(e.durableSpansPerSec)}`, ratio(g.durableSpansPerSec, e.durableSpansPerSec)],
        ['collector peak RSS, MB', int(e.peakRssMb), `idle ${int(e.idleRssMb)}`, ratio(e.peakRssMb, e.idleRssMb)],
      ],
    ),
  );
  out.push(`${e.spans} spans, ${CONCURRENCY} exporters; ${cpus().length} × ${cpus()[0]?.model.trim() ?? '?'}, Node ${process.version}; bench took ${x.totalSeconds.toFixed(0)} s`);
  out.push('');
  process.stdout.write(out.join('\n'));
}

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(' | ')} |`;
  const sep = `|${w.map((n, i) => (i === 0 ? '-'.repeat(n + 2) : `${'-'.repeat(n + 1)}:`)).join('|')}|`;
  return [line(head), sep, ...rows.map(line)].join('\n');
}

const fix = (n: number, d: number): string => n.toFixed(d);
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const ratio = (a: number, b: number): string => (a / b).toFixed(2);
const sec = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

function intEnv(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  return positiveInt(v, name);
}

function positiveInt(v: string, name: string): number {
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${v}"`);
  return n;
}

/** `--name value` pairs (and `--name=value`); nothing else is accepted. */
function cliArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m || !['spans', 'only'].includes(m[1]!)) throw new Error(`unknown argument "${a}"; usage: npm run bench -- [--spans N] [--only ingest|provenance|redaction|auth|detections|event-loop|soak|explorer]`);
    const v = m[2] ?? argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    out[m[1]!] = v;
  }
  return out;
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    process.stderr.write(`bench failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
  },
);

function printRedaction(r: RedactionBench, e: IngestResult, worst: WorstCase): void {
  const budget = 1 / e.durableSpansPerSec; // wall seconds per span, end to end (redaction included)
  const share = 1 / r.spansPerSec / budget;
  const out = [
    '',
    '== 4. Redaction (one thread; every string of every span, as the collector runs it) ==',
    `| measure                          |   value |`,
    `|----------------------------------|--------:|`,
    `| redaction, spans/s               | ${fmt(r.spansPerSec)} |`,
    `| redaction, MB/s of string content| ${r.mbPerSec.toFixed(1).padStart(7)} |`,
    `| … every string scanned, spans/s  | ${fmt(r.coldSpansPerSec)} |`,
    `| … every string scanned, MB/s     | ${r.coldMbPerSec.toFixed(1).padStart(7)} |`,
    `| decode of the same spans, spans/s| ${fmt(r.decodeSpansPerSec)} |`,
    `  ${namesCost(r)}`,
    `| share of end-to-end cost per span| ${(share * 100).toFixed(1).padStart(6)}% |`,
    `  ${r.spans} spans, ${r.stringMB.toFixed(1)} MB of strings; values redacted per rule in them: ${JSON.stringify(r.findings)}`,
    '  share = (1 / redaction spans/s) / (1 / end-to-end durable spans/s): the fraction of the per-span wall-clock budget',
    `  The collector redacts identical strings once (agents re-send instructions and history in every call); this workload draws`,
    `  messages from a 512-message pool, so "every string scanned" is the figure for traffic where nothing repeats`,
    `  (its share would be ${((1 / r.coldSpansPerSec / (1 / e.durableSpansPerSec)) * 100).toFixed(1)}%).`,
    '',
    '== Redaction quality on fixtures/redaction/corpus.json (precision and recall per rule) ==',
    r.corpusTable,
    '',
    '== Redaction worst case: one adversarial input per redaction (median ms; ns per character) ==',
    formatWorstCase(worst),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

/** What person names and street addresses add to the redactor, measured in this run. */
function namesCost(r: RedactionBench): string {
  return `person names + street addresses: every string scanned ${r.coldMbPerSec.toFixed(1)} MB/s with them, ${r.coldMbPerSecWithoutNames.toFixed(1)} MB/s without: ${(r.coldMbPerSecWithoutNames / r.coldMbPerSec).toFixed(2)}x the time`;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US').padStart(7);
}
