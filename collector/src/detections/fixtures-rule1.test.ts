// The four libraries' captured incidents, read through the real pipeline into an in-memory
// provenance store: the prompt injection raises R1 on the tool calls it steered, with the taint
// path from the injected email as evidence; the benign runs raise nothing.
import type { Finding } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { loadCaptured } from '../../../fixtures/agents/captured.ts';
import { MEMORY_TENANT, MemoryIngest } from '../../../testkit/memory-provenance.ts';
import { DEFAULT_TRUST_RULES } from '../provenance/trust.ts';
import { Evaluator } from './evaluate.ts';
import { defaultPolicy } from './policy.ts';

const LIBRARIES = ['vercel-ai', 'langchain', 'openai', 'traceloop'] as const;
const SCENARIOS = ['prompt-injection', 'data-mixing', 'over-broad-action', 'benign'] as const;

async function findingsOf(library: (typeof LIBRARIES)[number]): Promise<Map<string, Finding[]>> {
  const m = new MemoryIngest();
  const traces = new Map<string, string>();
  for (const sc of SCENARIOS) {
    const t = loadCaptured(library, sc, 'traces')!;
    const l = loadCaptured(library, sc, 'logs');
    for (const r of [...t.requests, ...(l?.requests ?? [])]) await m.post(r.path, r.body);
    traces.set(sc, t.traceId);
  }
  const ev = new Evaluator(m.store, MEMORY_TENANT, defaultPolicy(), DEFAULT_TRUST_RULES);
  const out = new Map<string, Finding[]>();
  for (const [sc, trace] of traces) out.set(sc, await ev.evaluate(trace));
  return out;
}

describe.each(LIBRARIES)('detections on %s captured runs', (library) => {
  it('raises R1 on the injected export_customers and send_email calls, with the email on the taint path, and nothing on the benign run', async () => {
    const f = await findingsOf(library);
    const pi = f.get('prompt-injection')!;
    const r1 = pi.filter((x) => x.ruleId === 'R1');
    expect(r1.map((x) => x.evidence.detail.tool).sort()).toEqual(['export_customers', 'send_email']);
    for (const x of r1) {
      expect(x.evidence.taintPaths.length).toBeGreaterThan(0);
      // every path starts at an untrusted node and ends at the call
      for (const p of x.evidence.taintPaths) {
        expect(p.nodes[0]).toBe(p.source);
        expect(p.nodes.at(-1)).toBe(x.evidence.seed);
      }
      expect(x.evidence.nodes).toContain(x.evidence.seed);
    }
    const send = r1.find((x) => x.evidence.detail.tool === 'send_email')!;
    const sources = send.evidence.detail.untrustedSources as { preview: string; documentId: string }[];
    expect(sources.some((s) => s.preview.includes('IMPORTANT SYSTEM NOTICE') || s.documentId === 'msg-7f3a91')).toBe(true);
    expect(f.get('benign')).toEqual([]);
  });
});
