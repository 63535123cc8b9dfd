// Agent traces for the provenance bench, as OTLP/JSON export requests (the bytes an
// OTLPTraceExporter with the JSON serializer posts), in the current OTel GenAI conventions:
//
//   invoke_agent <agent>                       input: the user's turn; output: the final answer
//   ├─ retrieval <kb>                         gen_ai.retrieval.query.text + gen_ai.retrieval.documents
//   ├─ chat <model>  × 5–8                     gen_ai.input.messages: system, earlier turns of the
//   │                                          conversation, the user's turn with the retrieved
//   │                                          context, then every tool_call / tool_call_response so
//   │                                          far (the history grows with each call); output: 1–3
//   │                                          tool_call parts, or the final text on the last one
//   └─ execute_tool <tool> per call            gen_ai.tool.call.id/arguments/result
//
// ~17 spans per trace. Content is drawn so that it is shared the way real agent traffic shares it:
// four system prompts; documents from a knowledge base of BENCH-sized pool with a Zipf-skewed
// popularity (the same article is retrieved by thousands of traces, so its artifact and its
// fingerprints are shared); order records, web pages and SQL results from pools; emails and
// tickets that quote retrieved text (content flow the winnowing fingerprints find); and
// conversations of 1–3 traces whose later turns re-send the earlier ones. Text comes from a
// Zipf-weighted vocabulary of ~6,000 words, so common phrases recur the way they do in prose.
// Deterministic (seeded); spans of a service are batched ≤ batchSpans per request in end order,
// as a BatchSpanProcessor would, so a trace may be split over two requests.
import { prng } from './genai-spans.ts';

export interface AgentTraceOptions {
  /** stop once at least this many spans were made (whole traces) */
  spans: number;
  batchSpans?: number;
  seed?: number;
  /** knowledge-base articles to draw from (default: scales with the trace count, ≥ 2,000) */
  documents?: number;
  /** when the first trace starts (default: six hours ago); fixed, the output is the same every run */
  startUnixNano?: bigint;
}

export interface TraceInfo {
  traceId: string;
  spans: number;
  /** span ids of the execute_tool spans */
  tools: string[];
}

export interface AgentRequest {
  body: Buffer;
  spans: number;
}

const AGENTS = ['support-bot', 'research-agent', 'billing-assistant', 'data-analyst'];
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', 'gemini-2.5-pro'];
const PROVIDERS: Record<string, string> = { 'gpt-4o': 'openai', 'gpt-4o-mini': 'openai', 'claude-sonnet-4': 'anthropic', 'gemini-2.5-pro': 'gcp.gemini' };
const TOOLS: [string, number][] = [
  ['search_knowledge_base', 0.34],
  ['lookup_order', 0.2],
  ['fetch_url', 0.14],
  ['run_sql', 0.12],
  ['send_email', 0.1],
  ['create_ticket', 0.1],
];
const FUNCTION_WORDS = (
  'the of and to a in is for that on with as it be by this are or from at an not was have can your you we our ' +
  'if will please which their has but all when any may should must more also been there one about would so its'
).split(' ');
const SYLLABLES = 'ka lo ri pe sta mon vel dra qui ne tor ba shi zu mar en ol ix ath um cor li fen ga ho pra sel tu vin rea dos ky ber nal ot'.split(' ');

/** A Zipf-weighted vocabulary: prose-like repetition of words and phrases, without being a word list on a loop. */
class Text {
  constructor(
    private readonly rnd: () => number,
    private readonly vocab: string[] = [],
  ) {
    if (vocab.length > 0) return;
    const seen = new Set<string>();
    while (this.vocab.length < 6000) {
      const n = 2 + Math.floor(rnd() * 3);
      let w = '';
      for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(rnd() * SYLLABLES.length)];
      if (!seen.has(w)) {
        seen.add(w);
        this.vocab.push(w);
      }
    }
  }
  word(): string {
    const r = this.rnd();
    if (r < 0.42) return FUNCTION_WORDS[Math.floor(this.rnd() * FUNCTION_WORDS.length)]!;
    return this.vocab[Math.floor(this.vocab.length * this.rnd() ** 2.5)]!;
  }
  /** Sentences up to about `chars` characters. */
  prose(chars: number): string {
    let s = '';
    let inSentence = 0;
    while (s.length < chars) {
      let w = this.word();
      if (inSentence === 0) w = w[0]!.toUpperCase() + w.slice(1);
      s += (s ? ' ' : '') + w;
      if (++inSentence > 6 && this.rnd() < 0.12) {
        s += this.rnd() < 0.85 ? '.' : '?';
        inSentence = 0;
      } else if (this.rnd() < 0.04) s += ',';
    }
    return inSentence ? `${s}.` : s;
  }
  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  /** The same vocabulary, another random stream. */
  with(rnd: () => number): Text {
    return new Text(rnd, this.vocab);
  }
}

/** A pool of items made on first use from their own seed: cheap to address, the same every run. */
class Pool<T> {
  private readonly made = new Map<number, T>();
  constructor(
    readonly size: number,
    private readonly make: (i: number, rnd: () => number) => T,
    private readonly seed: number,
  ) {}
  get(i: number): T {
    let v = this.made.get(i);
    if (v === undefined) {
      v = this.make(i, prng(this.seed * 1_000_003 + i));
      this.made.set(i, v);
      if (this.made.size > 50_000) this.made.delete(this.made.keys().next().value!);
    }
    return v;
  }
  /** Zipf-skewed pick: low indexes are popular. */
  pick(rnd: () => number, skew = 2.2): T {
    return this.get(Math.floor(this.size * rnd() ** skew));
  }
}

interface Doc {
  id: string;
  title: string;
  text: string;
  url: string;
}

const snippet = (text: string): string => (text.length > 220 ? `${text.slice(0, text.lastIndexOf(' ', 220))} …` : text);

type Attr = { key: string; value: Record<string, unknown> };
const s = (key: string, v: string): Attr => ({ key, value: { stringValue: v } });
const i64 = (key: string, v: number): Attr => ({ key, value: { intValue: String(v) } });
const dbl = (key: string, v: number): Attr => ({ key, value: { doubleValue: v } });
const strs = (key: string, v: string[]): Attr => ({ key, value: { arrayValue: { values: v.map((x) => ({ stringValue: x })) } } });

interface SpanJson {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attr[];
  status: { code: number; message?: string };
}

export class AgentTraceGenerator {
  readonly traces: TraceInfo[] = [];
  spansMade = 0;
  bytesMade = 0;
  private readonly rnd: () => number;
  private readonly text: Text;
  private readonly docs: Pool<Doc>;
  private readonly orders: Pool<string>;
  private readonly pages: Pool<{ url: string; content: string }>;
  private readonly system: string[];
  private clock: bigint;
  private readonly batchSpans: number;
  private readonly pending: SpanJson[][];
  private readonly outbox: AgentRequest[] = [];
  /** open conversations per service: their earlier turns (user text, final answer) */
  private readonly convos: { id: string; turns: { user: string; answer: string }[]; left: number }[][];
  private convSeq = 0;

  constructor(private readonly o: AgentTraceOptions) {
    const seed = o.seed ?? 1;
    this.rnd = prng(seed);
    this.text = new Text(prng(seed + 17));
    this.batchSpans = o.batchSpans ?? 512;
    const nDocs = o.documents ?? Math.max(2000, Math.round(o.spans / 50));
    const textFor = (rnd: () => number): Text => this.text.with(rnd);
    this.docs = new Pool<Doc>(nDocs, (i, rnd) => {
      const t = textFor(rnd);
      return { id: `kb-${i}`, title: t.prose(30 + t.int(40)).replace(/[.?]$/, ''), text: t.prose(120 + t.int(300)), url: `https://kb.example.com/articles/${i}` };
    }, seed + 1);
    this.orders = new Pool<string>(Math.max(1000, Math.round(o.spans / 40)), (i, rnd) => {
      const t = textFor(rnd);
      const items = Array.from({ length: 1 + t.int(4) }, () => ({ sku: `SKU-${10000 + t.int(90000)}`, name: t.prose(20 + t.int(30)), qty: 1 + t.int(3), price: Math.round(rnd() * 20000) / 100 }));
      const name = `${t.word()} ${t.word()}`;
      return JSON.stringify({
        order_id: `ORD-${100000 + i}`,
        status: ['shipped', 'processing', 'delivered', 'refunded', 'cancelled'][t.int(5)],
        customer: { name, email: `${name.replace(/ /g, '.')}@example.com` },
        items,
        total: Math.round(items.reduce((n, x) => n + x.qty * x.price, 0) * 100) / 100,
        notes: t.prose(60 + t.int(200)),
      });
    }, seed + 2);
    this.pages = new Pool(Math.max(500, Math.round(o.spans / 200)), (i, rnd) => {
      const t = textFor(rnd);
      return { url: `https://docs.example.org/${t.word()}/${i}`, content: t.prose(200 + t.int(450)) };
    }, seed + 3);
    this.system = AGENTS.map((a) => `You are ${a}, an assistant for Example Corp. ${this.text.prose(300 + this.text.int(300))}`);
    this.clock = o.startUnixNano ?? BigInt(Date.now() - 6 * 3_600_000) * 1_000_000n;
    this.pending = AGENTS.map(() => []);
    this.convos = AGENTS.map(() => []);
  }

  private finished = false;

  /** Makes no further trace: next() hands out the spans of those already made, then undefined. */
  finish(): void {
    this.finished = true;
  }

  /** The next export request, or undefined once `spans` spans were made (or finish()) and every batch sent. */
  next(): AgentRequest | undefined {
    while (this.outbox.length === 0) {
      if (this.finished || this.spansMade >= this.o.spans) {
        const svc = this.pending.findIndex((p) => p.length > 0);
        if (svc < 0) return undefined;
        this.flush(svc);
        break;
      }
      this.trace();
    }
    return this.outbox.shift();
  }

  private id(bytes: number): string {
    let h = '';
    for (let i = 0; i < bytes; i += 4) h += Math.floor(this.rnd() * 2 ** 32).toString(16).padStart(8, '0');
    return h.slice(0, bytes * 2);
  }

  private trace(): void {
    const r = this.rnd;
    const t = this.text;
    const svc = this.traces.length % AGENTS.length;
    const agent = AGENTS[svc]!;
    const model = MODELS[Math.floor(r() * MODELS.length)]!;
    const provider = PROVIDERS[model]!;
    // a conversation: 1–3 traces, later ones carry the earlier turns
    const open = this.convos[svc]!;
    let convo = open.length > 0 && r() < 0.5 ? open[Math.floor(r() * open.length)]! : undefined;
    if (!convo) {
      convo = { id: `conv_${++this.convSeq}`, turns: [], left: 1 + Math.floor(r() ** 2 * 3) };
      open.push(convo);
    }
    const traceId = this.id(16);
    const rootId = this.id(8);
    const info: TraceInfo = { traceId, spans: 0, tools: [] };
    const spans: SpanJson[] = [];
    this.clock += BigInt(Math.floor(r() * 400_000_000));
    const t0 = this.clock;
    let now = t0 + 2_000_000n;
    const span = (name: string, kind: number, dur: bigint, attributes: Attr[], parent = rootId, status = 1): SpanJson => {
      const sp: SpanJson = { traceId, spanId: this.id(8), parentSpanId: parent, name, kind, startTimeUnixNano: String(now), endTimeUnixNano: String(now + dur), attributes, status: { code: status } };
      now += dur + BigInt(1_000_000 + Math.floor(r() * 20_000_000));
      spans.push(sp);
      return sp;
    };

    const question = `${t.prose(60 + t.int(200))}${r() < 0.3 ? ` My order is ORD-${100000 + t.int(this.orders.size)}.` : ''}`;
    const msg = (role: string, parts: unknown[], extra: Record<string, unknown> = {}): string => JSON.stringify({ role, parts, ...extra });
    const textPart = (content: string): { type: string; content: string } => ({ type: 'text', content });

    // retrieval
    const retrieved = Array.from({ length: 2 + Math.floor(r() * 2) }, () => this.docs.pick(r));
    const kb = `kb-${agent}`;
    span(`retrieval ${kb}`, 3, BigInt(30_000_000 + Math.floor(r() * 250_000_000)), [
      s('gen_ai.operation.name', 'retrieval'),
      s('gen_ai.data_source.id', kb),
      s('gen_ai.conversation.id', convo.id),
      s('gen_ai.retrieval.query.text', question),
      s('gen_ai.retrieval.documents', JSON.stringify(retrieved.map((d) => ({ id: d.id, content: d.text, score: Math.round((0.5 + r() / 2) * 1000) / 1000, metadata: { source: d.url, title: d.title } })))),
    ]);

    const context = retrieved.map((d) => `[${d.id}] ${d.title}\n${d.text}`).join('\n\n');
    const history: string[] = [msg('system', [textPart(this.system[svc]!)])];
    for (const turn of convo.turns) history.push(msg('user', [textPart(turn.user)]), msg('assistant', [textPart(turn.answer)], { finish_reason: 'stop' }));
    history.push(msg('user', [textPart(`${question}\n\nContext:\n${context}`)]));
    const seen: string[] = retrieved.map((d) => d.text); // text the agent has read: what it may quote

    const turns = 5 + Math.floor(r() * 4);
    let inTok = 0;
    let outTok = 0;
    let answer = '';
    for (let k = 0; k < turns; k++) {
      const last = k === turns - 1;
      const calls = last ? [] : Array.from({ length: r() < 0.6 ? 1 : r() < 0.75 ? 2 : 3 }, () => this.toolCall(question, seen));
      const it = Math.round(history.reduce((n, m) => n + m.length, 0) / 4);
      const ot = last ? 150 + Math.floor(r() * 400) : 20 + 30 * calls.length;
      inTok += it;
      outTok += ot;
      let output: string;
      if (last) {
        const quote = seen[Math.floor(r() * seen.length)]!;
        const from = Math.floor(r() * Math.max(1, quote.length - 200));
        answer = `${t.prose(60 + t.int(200))} ${quote.slice(from, from + 80 + t.int(160))} ${t.prose(40 + t.int(250))}`;
        output = msg('assistant', [textPart(answer)], { finish_reason: 'stop' });
      } else output = msg('assistant', calls.map((c) => ({ type: 'tool_call', id: c.id, name: c.name, arguments: c.args })), { finish_reason: 'tool_calls' });
      span(`chat ${model}`, 3, BigInt(300_000_000 + Math.floor(r() * 3_500_000_000)), [
        s('gen_ai.operation.name', 'chat'),
        s('gen_ai.provider.name', provider),
        s('gen_ai.request.model', model),
        s('gen_ai.response.model', `${model}-2025-06-01`),
        s('gen_ai.response.id', `chatcmpl-${this.id(6)}`),
        dbl('gen_ai.request.temperature', Math.round(r() * 10) / 10),
        i64('gen_ai.request.max_tokens', 4096),
        i64('gen_ai.usage.input_tokens', it),
        i64('gen_ai.usage.output_tokens', ot),
        strs('gen_ai.response.finish_reasons', [last ? 'stop' : 'tool_calls']),
        s('gen_ai.conversation.id', convo.id),
        s('gen_ai.input.messages', `[${history.join(',')}]`),
        s('gen_ai.output.messages', `[${output}]`),
      ]);
      if (last) break;
      history.push(output);
      const responses: unknown[] = [];
      for (const c of calls) {
        const sp = span(`execute_tool ${c.name}`, 1, BigInt(20_000_000 + Math.floor(r() * 1_500_000_000)), [
          s('gen_ai.operation.name', 'execute_tool'),
          s('gen_ai.tool.name', c.name),
          s('gen_ai.tool.type', 'function'),
          s('gen_ai.tool.call.id', c.id),
          s('gen_ai.agent.name', agent),
          s('gen_ai.conversation.id', convo.id),
          s('gen_ai.tool.call.arguments', JSON.stringify(c.args)),
          s('gen_ai.tool.call.result', c.result),
        ]);
        info.tools.push(sp.spanId);
        responses.push({ type: 'tool_call_response', id: c.id, response: JSON.parse(c.result) as unknown });
      }
      history.push(msg('tool', responses));
    }
    const root: SpanJson = {
      traceId,
      spanId: rootId,
      parentSpanId: '',
      name: `invoke_agent ${agent}`,
      kind: 1,
      startTimeUnixNano: String(t0),
      endTimeUnixNano: String(now),
      attributes: [
        s('gen_ai.operation.name', 'invoke_agent'),
        s('gen_ai.agent.name', agent),
        s('gen_ai.agent.id', `agent_${agent}`),
        s('gen_ai.conversation.id', convo.id),
        s('gen_ai.provider.name', provider),
        s('gen_ai.request.model', model),
        i64('gen_ai.usage.input_tokens', inTok),
        i64('gen_ai.usage.output_tokens', outTok),
        s('gen_ai.input.messages', `[${msg('user', [textPart(question)])}]`),
        s('gen_ai.output.messages', `[${msg('assistant', [textPart(answer)], { finish_reason: 'stop' })}]`),
      ],
      status: { code: 1 },
    };
    spans.push(root); // ends last, exported last
    convo.turns.push({ user: question, answer });
    if (--convo.left <= 0) open.splice(open.indexOf(convo), 1);
    if (open.length > 64) open.shift();

    info.spans = spans.length;
    this.traces.push(info);
    this.spansMade += spans.length;
    for (const sp of spans) {
      const p = this.pending[svc]!; // flush() starts a new array
      p.push(sp);
      if (p.length >= this.batchSpans) this.flush(svc);
    }
  }

  private toolCall(question: string, seen: string[]): { id: string; name: string; args: Record<string, unknown>; result: string } {
    const r = this.rnd;
    const t = this.text;
    let x = r();
    let name = TOOLS[0]![0];
    for (const [n, w] of TOOLS) {
      if ((x -= w) < 0) {
        name = n;
        break;
      }
    }
    const id = `call_${this.id(12)}`;
    const quote = (): string => {
      const q = seen[Math.floor(r() * seen.length)]!;
      const from = Math.floor(r() * Math.max(1, q.length - 150));
      return q.slice(from, from + 60 + t.int(120));
    };
    let args: Record<string, unknown>;
    let result: string;
    switch (name) {
      case 'search_knowledge_base': {
        const hits = Array.from({ length: 2 + Math.floor(r() * 2) }, () => this.docs.pick(r));
        args = { query: question.slice(0, 40 + t.int(80)), top_k: hits.length };
        // a search hit shows the article's opening (the same for every search that finds it)
        result = JSON.stringify({ results: hits.map((d) => ({ id: d.id, title: d.title, url: d.url, snippet: snippet(d.text) })) });
        for (const d of hits) seen.push(snippet(d.text));
        break;
      }
      case 'lookup_order': {
        const i = Math.floor(this.orders.size * r() ** 1.5);
        args = { order_id: `ORD-${100000 + i}` };
        result = this.orders.get(i);
        break;
      }
      case 'fetch_url': {
        const p = this.pages.pick(r, 1.8);
        args = { url: p.url };
        result = JSON.stringify({ url: p.url, status: 200, content: p.content });
        seen.push(p.content);
        break;
      }
      case 'run_sql': {
        const cols = ['region', 'month', 'revenue', 'tickets'];
        args = { query: `SELECT region, month, sum(revenue), count() FROM sales WHERE region = '${t.word()}' GROUP BY region, month` };
        result = JSON.stringify({ columns: cols, rows: Array.from({ length: 2 + t.int(12) }, () => [t.word(), `2025-${String(1 + t.int(12)).padStart(2, '0')}`, t.int(1e6), t.int(500)]) });
        break;
      }
      case 'send_email':
        args = { to: `${t.word()}@example.com`, subject: t.prose(30 + t.int(30)), body: `${t.prose(60 + t.int(150))} ${quote()} ${t.prose(30 + t.int(100))}` };
        result = JSON.stringify({ ok: true, message_id: `msg_${this.id(8)}` });
        break;
      default:
        args = { title: t.prose(30 + t.int(40)), description: `${question.slice(0, 120)} ${quote()}`, priority: ['low', 'normal', 'high'][t.int(3)] };
        result = JSON.stringify({ ticket_id: `TCK-${this.id(4)}`, status: 'open' });
    }
    return { id, name, args, result };
  }

  private flush(svc: number): void {
    const p = this.pending[svc]!;
    if (p.length === 0) return;
    const agent = AGENTS[svc]!;
    const req = {
      resourceSpans: [
        {
          resource: {
            attributes: [
              s('service.name', agent),
              s('service.version', `1.${svc}.0`),
              s('deployment.environment.name', 'production'),
              s('telemetry.sdk.language', 'nodejs'),
              s('telemetry.sdk.name', 'opentelemetry'),
              s('host.name', `worker-${svc}`),
            ],
          },
          scopeSpans: [{ scope: { name: 'causeway-bench-agent', version: '0.1.0' }, spans: p }],
        },
      ],
    };
    const body = Buffer.from(JSON.stringify(req), 'utf8');
    this.bytesMade += body.length;
    this.outbox.push({ body, spans: p.length });
    this.pending[svc] = [];
  }
}
