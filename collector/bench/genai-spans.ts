// Realistic GenAI agent spans, made by the real OpenTelemetry SDK (BasicTracerProvider) and
// collected as ended ReadableSpans, so the exporters and serializers see exactly what an
// instrumented agent would hand them. Content is varied but reproducible (seeded PRNG);
// span and trace ids come from the SDK's own random id generator, so every span id is unique.
import { type Attributes, type Context, type HrTime, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** A tiny deterministic PRNG (mulberry32): the same seed gives the same corpus. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the customer asked about their invoice from last month and whether the refund for order was processed ' +
  'please check the shipping status of the package export quarterly revenue table into a csv file summarize ' +
  'recent support tickets mentioning latency in the eu region compare pricing tiers for enterprise plan ' +
  'database query returned rows with null values in the email column retry the request with exponential backoff ' +
  'according to the knowledge base article the feature flag must be enabled before migration the agent ' +
  'should verify identity before disclosing account details schedule a follow up call next tuesday at ' +
  'noon draft a polite reply explaining the delay and offering a discount code translate the answer into ' +
  'german and french café naïve résumé 東京 データ 🚀 ✓ quotes "like this" and a backslash \\ path'
).split(' ');

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', 'gemini-2.5-pro', 'llama-3.1-70b-instruct'];
const PROVIDERS: Record<string, string> = {
  'gpt-4o': 'openai',
  'gpt-4o-mini': 'openai',
  'claude-sonnet-4': 'anthropic',
  'gemini-2.5-pro': 'gcp.gemini',
  'llama-3.1-70b-instruct': 'aws.bedrock',
};
const TOOLS = ['search_knowledge_base', 'lookup_order', 'run_sql', 'send_email', 'fetch_url', 'create_ticket'];
const AGENTS = ['support-bot', 'research-agent', 'billing-assistant', 'data-analyst'];
const FINISH = ['stop', 'tool_calls', 'length'];

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

function sentence(rnd: () => number, bytes: number): string {
  let s = '';
  while (s.length < bytes) s += (s ? ' ' : '') + pick(rnd, WORDS);
  return s;
}

/** A pool of gen_ai.input.messages / gen_ai.output.messages JSON strings, ~300 B to ~2 KB. */
function messagePool(rnd: () => number, n: number): { input: string[]; output: string[]; toolResult: string[] } {
  const input: string[] = [];
  const output: string[] = [];
  const toolResult: string[] = [];
  for (let i = 0; i < n; i++) {
    const size = 150 + Math.floor(rnd() ** 2 * 1700); // skewed towards short, tail to ~2 KB
    const msgs: unknown[] = [{ role: 'system', parts: [{ type: 'text', content: sentence(rnd, 80 + Math.floor(rnd() * 120)) }] }];
    msgs.push({ role: 'user', parts: [{ type: 'text', content: sentence(rnd, size) }] });
    if (rnd() < 0.3) {
      msgs.push({ role: 'assistant', parts: [{ type: 'tool_call', id: `call_${i}`, name: pick(rnd, TOOLS), arguments: { query: sentence(rnd, 40) } }] });
      msgs.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: `call_${i}`, response: sentence(rnd, 120) }] });
    }
    input.push(JSON.stringify(msgs));
    const out =
      rnd() < 0.25
        ? [{ role: 'assistant', parts: [{ type: 'tool_call', id: `call_${i}_b`, name: pick(rnd, TOOLS), arguments: { q: sentence(rnd, 60), limit: 10 } }], finish_reason: 'tool_calls' }]
        : [{ role: 'assistant', parts: [{ type: 'text', content: sentence(rnd, 100 + Math.floor(rnd() * 900)) }], finish_reason: 'stop' }];
    output.push(JSON.stringify(out));
    toolResult.push(JSON.stringify({ ok: rnd() > 0.05, rows: Math.floor(rnd() * 50), text: sentence(rnd, 80 + Math.floor(rnd() * 400)) }));
  }
  return { input, output, toolResult };
}

const hr = (ns: bigint): HrTime => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];

export interface Corpus {
  spans: ReadableSpan[];
  /** spans grouped by service (one resource each) into export batches */
  batches: ReadableSpan[][];
}

/**
 * About `total` spans as agent runs: `invoke_agent` → N × (`chat` → optional `execute_tool`),
 * spread over 4 services, batched per service in groups of `batchSize` (as a BatchSpanProcessor would).
 */
export function makeCorpus(total: number, batchSize = 512, seed = 42): Corpus {
  const rnd = prng(seed);
  const pool = messagePool(rnd, 512);
  const services = AGENTS.map((agent, i) => {
    const ended: ReadableSpan[] = [];
    const collector: SpanProcessor = {
      onStart() {},
      onEnd(s) {
        ended.push(s);
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': `${agent}`,
        'service.version': `1.${i}.0`,
        'deployment.environment.name': 'production',
        'telemetry.sdk.language': 'nodejs',
        'host.name': `worker-${i}`,
      }),
      spanProcessors: [collector],
    });
    return { agent, ended, tracer: provider.getTracer('causeway-bench-genai', '0.1.0') };
  });

  // Recent timestamps (the table is partitioned by month of start time).
  let clock = BigInt(Date.now() - 3_600_000) * 1_000_000n + BigInt(Math.floor(rnd() * 1_000_000));
  let made = 0;
  let conv = 0;
  while (made < total) {
    const svc = services[conv % services.length]!;
    const model = pick(rnd, MODELS);
    const provider = PROVIDERS[model]!;
    const convId = `conv_${seed}_${conv++}`;
    const start = clock;
    clock += BigInt(Math.floor(rnd() * 50_000_000));
    const root = svc.tracer.startSpan(`invoke_agent ${svc.agent}`, {
      kind: SpanKind.INTERNAL,
      startTime: hr(start),
    });
    const ctx: Context = trace.setSpan(context.active(), root);
    let t = start + 1_000_000n;
    let inTok = 0;
    let outTok = 0;
    const turns = 1 + Math.floor(rnd() * 4);
    made++;
    for (let k = 0; k < turns && made < total; k++) {
      const chatStart = t;
      const dur = BigInt(200_000_000 + Math.floor(rnd() * 3_000_000_000));
      const i = Math.floor(rnd() * pool.input.length);
      const it = 200 + Math.floor(rnd() * 4000);
      const ot = 20 + Math.floor(rnd() * 800);
      inTok += it;
      outTok += ot;
      const finish = pick(rnd, FINISH);
      const attrs: Attributes = {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': provider,
        'gen_ai.request.model': model,
        'gen_ai.response.model': `${model}-2025-06-01`,
        'gen_ai.response.id': `chatcmpl-${Math.floor(rnd() * 1e12).toString(36)}`,
        'gen_ai.request.temperature': Math.round(rnd() * 10) / 10,
        'gen_ai.request.max_tokens': 4096,
        'gen_ai.usage.input_tokens': it,
        'gen_ai.usage.output_tokens': ot,
        'gen_ai.response.finish_reasons': [finish],
        'gen_ai.conversation.id': convId,
        'gen_ai.input.messages': pool.input[i]!,
        'gen_ai.output.messages': pool.output[(i + k) % pool.output.length]!,
      };
      const chat = svc.tracer.startSpan(`chat ${model}`, { kind: SpanKind.CLIENT, startTime: hr(chatStart), attributes: attrs }, ctx);
      if (rnd() < 0.03) {
        chat.recordException({ name: 'RateLimitError', message: '429 Too Many Requests: rate limit reached for requests' }, hr(chatStart + dur / 2n));
        chat.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
      }
      chat.end(hr(chatStart + dur));
      made++;
      t = chatStart + dur + 1_000_000n;
      if (finish === 'tool_calls' && made < total) {
        const tool = pick(rnd, TOOLS);
        const tdur = BigInt(5_000_000 + Math.floor(rnd() * 900_000_000));
        const span = svc.tracer.startSpan(
          `execute_tool ${tool}`,
          {
            kind: SpanKind.INTERNAL,
            startTime: hr(t),
            attributes: {
              'gen_ai.operation.name': 'execute_tool',
              'gen_ai.tool.name': tool,
              'gen_ai.tool.type': 'function',
              'gen_ai.tool.call.id': `call_${Math.floor(rnd() * 1e12).toString(36)}`,
              'gen_ai.tool.description': sentence(rnd, 40),
              'gen_ai.conversation.id': convId,
              'gen_ai.agent.name': svc.agent,
              'gen_ai.tool.call.arguments': JSON.stringify({ query: sentence(rnd, 30 + Math.floor(rnd() * 120)), limit: 10 }),
              'gen_ai.tool.call.result': pool.toolResult[Math.floor(rnd() * pool.toolResult.length)]!,
              'code.function.name': `tools.${tool}`,
            },
          },
          ctx,
        );
        span.setStatus({ code: SpanStatusCode.OK });
        span.end(hr(t + tdur));
        made++;
        t += tdur + 1_000_000n;
      }
    }
    root.setAttributes({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': svc.agent,
      'gen_ai.agent.id': `agent_${svc.agent}`,
      'gen_ai.conversation.id': convId,
      'gen_ai.provider.name': provider,
      'gen_ai.request.model': model,
      'gen_ai.usage.input_tokens': inTok,
      'gen_ai.usage.output_tokens': outTok,
      'gen_ai.input.messages': pool.input[Math.floor(rnd() * pool.input.length)]!,
      'gen_ai.output.messages': pool.output[Math.floor(rnd() * pool.output.length)]!,
    });
    root.end(hr(t));
  }

  const spans: ReadableSpan[] = [];
  const batches: ReadableSpan[][] = [];
  for (const s of services) {
    spans.push(...s.ended);
    for (let i = 0; i < s.ended.length; i += batchSize) batches.push(s.ended.slice(i, i + batchSize));
  }
  // Interleave services, as concurrent exporters from several agents would arrive.
  batches.sort((a, b) => hrNs(a[0]!.startTime) - hrNs(b[0]!.startTime));
  return { spans, batches };
}

function hrNs(h: HrTime): number {
  return h[0] * 1e9 + h[1];
}
