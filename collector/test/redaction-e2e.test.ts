// Secrets planted in every kind of field, sent through the real OTel SDK and exporters, must
// not reach disk (spool, ClickHouse, any file in the data directory), the logs, or the API;
// the same secret in two traces must carry the same placeholder.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { HealthResponse, RedactionSummaryResponse, TraceResponse } from '@causeway/schemas';
import { expect, it } from 'vitest';
import { getJson, startCollector, tempDataDir } from '@causeway/testkit/collector-process.ts';
import { exportSpans } from '@causeway/testkit/sdk-spans.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const tag = Date.now().toString(36);

// Fake but format-valid secrets and personal data, each unique to this run.
const C = {
  awsKey: 'AKIAQ3EGRH7TZKX4NWB6',
  awsSecret: `wJalrXUtnFEMI/K7MDENG/bPxRfiCY${'Zq8Lm2Vn4R'}`,
  email: `canary.${tag}@exfil-domain.example`,
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjYW5hcnktdXNlci00MiIsImlhdCI6MTUxNjIzOTAyMn0.Xq3b7nC9kT1vR5mW2pL8sD4fG6hJ0aZ2cV4bN6mQ8wE',
  pemBody: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjCanaryPemBody0xYz',
  urlPassword: `Pa55-${tag}-wOrd`,
  card: '4539 1488 0343 6467',
  ghToken: 'ghp_R7nB2kQ9xW4mT6vL8pZ3cY5hJ1dF0gS2aE4u',
  stripe: 'sk_live_51Hc7QmCanaryK3yZx9Wv2Ls8Tq4Rn6Pm',
  iban: 'GB82 WEST 1234 5698 7654 32',
  ssn: '219-09-9999',
  authHeader: `letmein-${tag}`,
  cookie: `sid=${tag}-cookie-value`,
  apiKeyKv: `kv-api-key-${tag}`,
  phone: '+44 20 7946 0958',
  ipv4: '203.0.113.77',
};
const pem = (newline: string): string => `-----BEGIN PRIVATE KEY-----${newline}${C.pemBody}${newline}-----END PRIVATE KEY-----`;
/** What must never be found: each canary, and the parts of the PEM body. */
const NEEDLES = [...Object.values(C), C.awsSecret.slice(0, 20), C.pemBody.slice(10, 40)];
const BENIGN = `benign-marker-${tag}`;

function plantedTrace(service: string): ReadableSpan[] {
  const spans: ReadableSpan[] = [];
  const rec: SpanProcessor = { onStart() {}, onEnd: (s) => void spans.push(s), forceFlush: async () => {}, shutdown: async () => {} };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': service,
      'deployment.owner': C.email, // resource string
      'host.config': { db: { password: 'nested-kv-password', dsn: `postgres://app:${C.urlPassword}@db:5432/x` }, card: C.card } as never, // nested kvlist
    }),
    spanProcessors: [rec],
  });
  const tracer = provider.getTracer('canary-scope', '1.0.0');
  const root = tracer.startSpan(`invoke_agent for ${C.email}`, { kind: SpanKind.SERVER }, ROOT_CONTEXT); // span name
  root.setAttributes({
    'benign.marker': BENIGN,
    'aws.access_key': C.awsKey,
    'config.env': `AWS_SECRET_ACCESS_KEY=${C.awsSecret}\nPHONE=${C.phone}`,
    'http.request.header.authorization': [C.authHeader], // key rule, string array
    'http.request.header.cookie': [C.cookie],
    'app.api_key': C.apiKeyKv, // key rule
    'tokens.seen': ['harmless', C.ghToken], // detector inside an array
    'client.address': C.ipv4,
    // JSON in a string, with a PEM whose newlines arrive escaped, and JSON inside JSON (escaped twice)
    'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `use this key:\n${pem('\n')}` }] }]),
    'gen_ai.tool.call.arguments': JSON.stringify({ payload: JSON.stringify({ iban: C.iban, ssn: C.ssn, key: pem('\\n') }) }),
  });
  const ctx = trace.setSpan(ROOT_CONTEXT, root);
  const tool = tracer.startSpan('execute_tool charge', { links: [{ context: root.spanContext(), attributes: { 'link.note': `retry with ${C.stripe}` } }] }, ctx);
  tool.addEvent(`sent to ${C.email}`, { 'log.body': `card ${C.card}, bearer ${C.jwt}` }); // event name + event attribute
  tool.recordException(Object.assign(new Error(`auth failed for token ${C.jwt}`), { stack: `Error: auth failed\n    at login (postgres://svc:${C.urlPassword}@10.0.0.1/db)\n    at ${C.ghToken}` }));
  tool.setStatus({ code: SpanStatusCode.ERROR, message: `declined: ${C.card} / ${C.email}` }); // status message
  tool.end();
  root.end();
  return spans;
}

function scanFiles(dir: string): { files: number; hits: Map<string, string[]> } {
  const hits = new Map<string, string[]>();
  let files = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) {
        files++;
        const bytes = readFileSync(p);
        for (const n of [...NEEDLES, BENIGN]) if (bytes.includes(n)) hits.set(n, [...(hits.get(n) ?? []), p]);
      }
    }
  };
  walk(dir);
  return { files, hits };
}

it('no planted secret reaches the spool, ClickHouse, any file, the logs or the API; same secret, same placeholder', async () => {
  const dataDir = tempDataDir();
  // A long flush interval keeps the rows in the spool, uncompressed, while it is scanned.
  const cw = await startCollector({ dataDir, env: { CAUSEWAY_FLUSH_INTERVAL_MS: '600000' } });
  const first = plantedTrace('canary-agent-a');
  const second = plantedTrace('canary-agent-b');
  expect(await exportSpans(new JsonExporter({ url: `${cw.otlpUrl}/v1/traces` }), first)).toBe(true);
  expect(await exportSpans(new ProtoExporter({ url: `${cw.otlpUrl}/v1/traces` }), second)).toBe(true);

  // 1. acknowledged = on disk in the spool: the scan sees the benign marker there, and no canary
  const spooled = scanFiles(dataDir);
  expect(spooled.hits.get(BENIGN)?.some((p) => p.includes('/spool/'))).toBe(true);
  expect(NEEDLES.filter((n) => spooled.hits.has(n))).toEqual([]);
  const health = (await getJson<HealthResponse>(`${cw.apiUrl}/healthz`)).body;
  expect(health.redaction.spansRedacted).toBe(4);

  // 2. drained into ClickHouse by a clean stop; then every column of every table, as text
  await cw.stop();
  const dump = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'testkit/dump-store.ts'), dataDir], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(dump).toContain(BENIGN);
  expect(dump).toMatch(/== spans \(\d+ columns\)/);
  expect(NEEDLES.filter((n) => dump.includes(n))).toEqual([]);
  expect(NEEDLES.filter((n) => scanFiles(dataDir).hits.has(n))).toEqual([]);
  expect(statSync(join(dataDir, 'keys', 'default.key')).mode & 0o777).toBe(0o600);

  // 3. the API, after a restart, shows placeholders and the redaction report
  const again = await startCollector({ dataDir });
  try {
    const a = (await getJson<TraceResponse>(`${again.apiUrl}/api/traces/${first[0]!.spanContext().traceId}`)).body;
    const b = (await getJson<TraceResponse>(`${again.apiUrl}/api/traces/${second[0]!.spanContext().traceId}`)).body;
    const text = JSON.stringify([a, b]);
    expect(NEEDLES.filter((n) => text.includes(n))).toEqual([]);
    expect(text).toContain(BENIGN);
    // Within a trace the same email has one placeholder; in another trace another one (a
    // low-entropy value's placeholder is scoped to its trace: no guess sent elsewhere can match).
    // A high-entropy secret keeps one placeholder across traces (different services, encodings).
    const placeholders = (t: TraceResponse, rule: string): Set<string> => new Set([...JSON.stringify(t).matchAll(new RegExp(`\\[REDACTED:${rule}:[0-9a-f]{8}\\]`, 'g'))].map((m) => m[0]));
    expect(placeholders(a, 'email').size).toBe(1);
    expect(placeholders(b, 'email').size).toBe(1);
    expect(placeholders(b, 'email')).not.toEqual(placeholders(a, 'email'));
    expect(placeholders(a, 'github_token').size).toBe(1);
    expect(placeholders(b, 'github_token')).toEqual(placeholders(a, 'github_token'));
    // Every kind of field is covered, and the report names rule and field, never the value.
    const all = Object.values(a.redactions).flat();
    const fields = all.map((r) => r.field);
    for (const f of ['name', 'status.message', 'events[0].name', 'events[0].attributes["log.body"]', 'links[0].attributes["link.note"]', 'resource.attributes["deployment.owner"]', 'resource.attributes["host.config"]/db/password', 'attributes["http.request.header.authorization"]', 'attributes["gen_ai.input.messages"]', 'attributes["gen_ai.tool.call.arguments"]']) {
      expect(fields, f).toContain(f);
    }
    expect(fields.some((f) => f.startsWith('events[1].attributes["exception.message"]'))).toBe(true);
    expect(fields.some((f) => f.startsWith('events[1].attributes["exception.stacktrace"]'))).toBe(true);
    expect(new Set(all.map((r) => r.rule))).toEqual(new Set(['email', 'sensitive_key', 'url_password', 'credit_card', 'aws_access_key_id', 'aws_secret_access_key', 'phone', 'github_token', 'ipv4', 'private_key', 'iban', 'us_ssn', 'stripe_key', 'jwt']));
    // The JSON held in strings stayed valid JSON with its structure.
    const root = a.resourceSpans[0]!.scopeSpans[0]!.spans.find((s) => s.parentSpanId === '')!;
    const get = (k: string): string => (root.attributes.find((x) => x.key === k)!.value as { stringValue: string }).stringValue;
    const msgs = JSON.parse(get('gen_ai.input.messages')) as { parts: { content: string }[] }[];
    expect(msgs[0]!.parts[0]!.content).toMatch(/^use this key:\n\[REDACTED:private_key:[0-9a-f]{8}\]$/);
    const inner = JSON.parse((JSON.parse(get('gen_ai.tool.call.arguments')) as { payload: string }).payload) as Record<string, string>;
    expect(inner).toEqual({ iban: expect.stringMatching(/^\[REDACTED:iban:/), ssn: expect.stringMatching(/^\[REDACTED:us_ssn:/), key: expect.stringMatching(/^\[REDACTED:private_key:/) });
    // the PEM in real newlines and in escaped newlines is one key: one fingerprint
    expect(inner.key!.slice(0, -1)).toBe(msgs[0]!.parts[0]!.content.split('\n')[1]!.slice(0, -1));
    const summary = (await getJson<RedactionSummaryResponse>(`${again.apiUrl}/api/redactions`)).body;
    expect(summary.rules.find((r) => r.rule === 'email')!.spans).toBe(4);
  } finally {
    await again.stop();
  }
  // 4. nothing in the logs either
  const logs = cw.output() + again.output();
  expect(NEEDLES.filter((n) => logs.includes(n))).toEqual([]);
});

it('refuses to start with a redaction policy that does not load (fails closed)', async () => {
  const dataDir = tempDataDir();
  const policy = join(dataDir, 'policy.json');
  writeFileSync(policy, JSON.stringify({ rules: { emial: { enabled: false } } }));
  await expect(startCollector({ dataDir, env: { CAUSEWAY_REDACTION_POLICY: policy } })).rejects.toThrow(/redaction policy .* is invalid: rules: unknown rule id "emial"/);
});
