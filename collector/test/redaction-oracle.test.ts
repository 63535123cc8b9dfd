// The redaction oracle of the security report (issue 13, defect 2), run against a real
// collector: someone who can ingest and read sends guesses and compares what comes back with a
// victim's redacted values. Each attack must now learn nothing, while the same mechanisms still
// link a value within its own trace (so the tests cannot pass by linking nothing at all).
import { randomBytes } from 'node:crypto';
import type { SliceArtifact, SliceResponse, TraceResponse } from '@causeway/schemas';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CollectorProcess, getJson, startCollector } from '@causeway/testkit/collector-process.ts';

let cw: CollectorProcess;
beforeAll(async () => {
  cw = await startCollector();
});
afterAll(async () => {
  await cw?.stop();
});

type Attr = { key: string; value: { stringValue: string } };
const str = (key: string, value: string): Attr => ({ key, value: { stringValue: value } });
const newTrace = (): string => randomBytes(16).toString('hex');
let span = 0;

async function send(traceId: string, spans: { name: string; attributes: Attr[] }[]): Promise<void> {
  const now = BigInt(Date.now()) * 1_000_000n;
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'oracle-test')] },
        scopeSpans: [
          {
            spans: spans.map((s, i) => ({
              traceId,
              spanId: (++span).toString(16).padStart(16, '0'),
              name: s.name,
              startTimeUnixNano: `${now + BigInt(i) * 1_000_000n}`,
              endTimeUnixNano: `${now + BigInt(i) * 1_000_000n + 500_000n}`,
              attributes: s.attributes,
            })),
          },
        ],
      },
    ],
  };
  const res = await fetch(`${cw.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

async function attributes(traceId: string): Promise<Map<string, string>> {
  await cw.settled();
  const { body } = await getJson<TraceResponse>(`${cw.apiUrl}/api/traces/${traceId}`);
  const out = new Map<string, string>();
  for (const s of body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((x) => x.spans))) for (const a of s.attributes) out.set(a.key, (a.value as { stringValue?: string }).stringValue ?? '');
  return out;
}

const luhn = (d: string): boolean => [...d].reverse().reduce((s, c, i) => s + (i % 2 ? ((x) => (x > 9 ? x - 9 : x))(2 * Number(c)) : Number(c)), 0) % 10 === 0;
const VICTIM_CARD = '4539148803436467';
const spaced = (d: string): string => d.replace(/(\d{4})(?=\d)/g, '$1 ');
const WORDS = ['hunter2', 'Summer2024!', 'Sunshine!2023', 'Sunshine!2024', 'letmein1', 'Password1!'];
const fp = (s: string, rule: string): string | undefined => new RegExp(`\\[REDACTED:${rule}:([0-9a-f]{8})\\]`).exec(s)?.[1];

it('the card brute force and the password dictionary recover nothing from placeholders', async () => {
  const victim = newTrace();
  await send(victim, [{ name: 'x', attributes: [str('mail.body', `charge card ${spaced(VICTIM_CARD)} please`), str('db.password', 'Sunshine!2024')] }]);
  const v = await attributes(victim);
  const card = fp(v.get('mail.body')!, 'credit_card');
  const pw = fp(v.get('db.password')!, 'sensitive_key');
  expect(card).toBeDefined();
  expect(pw).toBeDefined();

  // ~1,000 Luhn-valid cards with the victim's known 12-digit prefix, and a small dictionary
  const candidates = Array.from({ length: 10_000 }, (_, i) => `453914880343${String(i).padStart(4, '0')}`).filter(luhn);
  expect(candidates).toContain(VICTIM_CARD);
  const guess = newTrace();
  await send(guess, [
    {
      name: 'guesses',
      attributes: [
        // keys carry an index: a card in a key would be redacted too
        ...candidates.map((c, i) => str(`c${i}`, spaced(c))),
        ...WORDS.map((w, i) => str(`pw${i}`, `password=${w}`)),
        ...WORDS.map((w, i) => str(`db.password.${i}`, w)),
        str('again', `card ${spaced(VICTIM_CARD)} again`),
      ],
    },
  ]);
  const g = await attributes(guess);
  const recovered = [...g].filter(([, value]) => value.includes(card!) || value.includes(pw!)).map(([k]) => k);
  expect(recovered).toEqual([]);
  // Not vacuous: within the guessing trace, the same card still has one placeholder.
  const mine = fp(g.get(`c${candidates.indexOf(VICTIM_CARD)}`)!, 'credit_card');
  expect(mine).toBeDefined();
  expect(fp(g.get('again')!, 'credit_card')).toBe(mine);
  expect(mine).not.toBe(card);
});

it('the content-flow guess learns nothing: a guess from another trace links to the victim the same whatever the card', async () => {
  const victim = newTrace();
  const phrase = 'renewal of the quarterly vendor reconciliation service for the northern region';
  const mail = { id: 'msg-oracle-1', from: 'ops@vendor.example', subject: 'Renewal', body: `Hi, please charge my card ${spaced(VICTIM_CARD)} for the ${phrase}. Thanks` };
  const tool = (name: string, args: unknown, result?: unknown) => ({
    name: `execute_tool ${name}`,
    attributes: [
      str('gen_ai.operation.name', 'execute_tool'),
      str('gen_ai.tool.name', name),
      str('gen_ai.tool.call.id', `call_${name}_${span}`),
      str('gen_ai.tool.call.arguments', JSON.stringify(args)),
      ...(result === undefined ? [] : [str('gen_ai.tool.call.result', JSON.stringify(result))]),
    ],
  });
  // in the victim's trace the agent copies the card into a payment call: linked by content
  await send(victim, [tool('search_email', { q: 'renewal' }, { emails: [mail] }), tool('charge', { card: spaced(VICTIM_CARD), amount: 40 })]);
  await cw.settled();
  const { body: graph } = await getJson<SliceResponse>(`${cw.apiUrl}/api/provenance/traces/${victim}`);
  const doc = graph.nodes.find((n): n is SliceArtifact => n.type === 'artifact' && n.kind === 'document' && n.preview.includes('Renewal'));
  expect(doc).toBeDefined();
  const charge = graph.nodes.find((n): n is SliceArtifact => n.type === 'artifact' && n.kind === 'tool_request' && n.preview.startsWith('charge('));
  expect(charge).toBeDefined();
  expect(graph.edges.some((e) => e.relation === 'derived_from' && e.from === doc!.id && e.to === charge!.id), 'within the trace the copied card links').toBe(true);

  // the attacker's guesses, each in its own trace: with and without text of the email around the card
  const edgeFor = async (text: string): Promise<{ shared?: number; score?: number } | undefined> => {
    const t = newTrace();
    await send(t, [tool('note', { text })]);
    await cw.settled();
    const { body } = await getJson<SliceResponse>(`${cw.apiUrl}/api/provenance/traces/${t}`);
    const request = body.nodes.find((n): n is SliceArtifact => n.type === 'artifact' && n.kind === 'tool_request')!;
    const { body: slice } = await getJson<SliceResponse>(`${cw.apiUrl}/api/provenance/slice?artifact=${request.artifactId}&direction=backward`);
    const e = slice.edges.find((x) => x.relation === 'derived_from' && x.from === doc!.id);
    return e && { shared: e.shared, score: e.score };
  };
  const wrong = candidatesNear(VICTIM_CARD);
  expect(await edgeFor(`my card ${spaced(VICTIM_CARD)} for the`)).toBeUndefined();
  expect(await edgeFor(`my card ${spaced(wrong)} for the`)).toBeUndefined();
  const right = await edgeFor(`charge my card ${spaced(VICTIM_CARD)} for the ${phrase}`);
  const other = await edgeFor(`charge my card ${spaced(wrong)} for the ${phrase}`);
  expect(right, 'text shared across traces still links').toBeDefined();
  expect(right).toEqual(other);
});

function candidatesNear(card: string): string {
  for (let i = 0; i < 10_000; i++) {
    const c = `${card.slice(0, 12)}${String(i).padStart(4, '0')}`;
    if (c !== card && luhn(c)) return c;
  }
  throw new Error('no other Luhn-valid card');
}
