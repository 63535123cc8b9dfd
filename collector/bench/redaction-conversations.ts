// Redaction of re-sent conversations on the default path (issue 15): N generated agent spans
// (agent-traces.ts: every LLM call re-sends the conversation so far) through a collector on the
// default configuration, durable spans/s, and with --profile each thread's CPU profile: the share
// of the ingest worker's busy time spent with the redaction processor on the stack.
//
//   node --import tsx collector/bench/redaction-conversations.ts [--spans 20000] [--profile]
//
// Before it, in this process: the span strings redacted by a redactor that scans each text whole
// and by the default one (segmented.ts), CPU time and counted work steps, and whether both store
// the same text.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector, tempDataDir } from '@causeway/testkit/collector-process.ts';
import { createRedactor } from '../src/redaction/redactor.ts';
import { AgentTraceGenerator } from './agent-traces.ts';
import { postAll } from './provenance.ts';
import { stop } from './soak.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SPANS = Number(arg('spans') ?? 20_000);
const log = (s: string): void => void process.stderr.write(`${s}\n`);
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

/** Every string attribute value of the generated requests, with its trace id (the placeholder scope). */
function strings(spans: number): [string, string][] {
  const out: [string, string][] = [];
  const gen = new AgentTraceGenerator({ spans, seed: 11 });
  for (let r = gen.next(); r; r = gen.next()) {
    const req = JSON.parse(r.body.toString('utf8')) as { resourceSpans: { scopeSpans: { spans: { traceId: string; attributes: { value: { stringValue?: string } }[] }[] }[] }[] };
    for (const rs of req.resourceSpans) for (const ss of rs.scopeSpans) for (const sp of ss.spans) for (const a of sp.attributes) if (a.value.stringValue) out.push([a.value.stringValue, sp.traceId]);
  }
  return out;
}

function inProcess(): void {
  const all = strings(SPANS);
  const chars = all.reduce((n, [s]) => n + s.length, 0);
  const key = Buffer.alloc(32, 5);
  const outs: string[][] = [];
  for (const segmented of [false, true, false, true]) {
    const work = { steps: 0 };
    const r = createRedactor({ key, segmented, work });
    r.redactText('Dear Maria Müller', 'warm-up'); // the name lexicon loads on first use
    const t = process.cpuUsage();
    const out = all.map(([s, scope]) => r.redactText(s, scope).text);
    const u = process.cpuUsage(t);
    outs.push(out);
    log(`in process, ${all.length} strings (${(chars / 1e6).toFixed(1)} M chars): ${segmented ? 'segmented' : 'whole-text'} ${((u.user + u.system) / 1000).toFixed(0)} ms CPU, ${(work.steps / 1e6).toFixed(0)} M steps (load ${load()})`);
  }
  const same = outs[0]!.every((t, i) => t === outs[1]![i]);
  log(`stored text identical: ${same}`);
}

/** Share of a thread's busy samples with a frame of `file` on the stack. */
function share(profile: string, match: (url: string) => boolean): { busyS: number; share: number; top: string } {
  const p = JSON.parse(readFileSync(profile, 'utf8')) as { nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[]; samples: number[]; timeDeltas: number[] };
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const hit = new Map<number, boolean>();
  const under = (id: number): boolean => {
    const chain: number[] = [];
    let at: number | undefined = id;
    let found = false;
    while (at !== undefined) {
      const known = hit.get(at);
      if (known !== undefined) {
        found = known;
        break;
      }
      chain.push(at);
      if (match(byId.get(at)!.callFrame.url)) {
        found = true;
        break;
      }
      at = parent.get(at);
    }
    for (const c of chain) hit.set(c, found);
    return found;
  };
  let busy = 0;
  let inFile = 0;
  const self = new Map<string, number>();
  p.samples.forEach((s, i) => {
    const f = byId.get(s)!.callFrame;
    if (f.functionName === '(idle)') return;
    const dt = p.timeDeltas[i] ?? 0;
    busy += dt;
    if (!under(s)) return;
    inFile += dt;
    const k = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}`;
    self.set(k, (self.get(k) ?? 0) + dt);
  });
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([k, v]) => `${k} ${((100 * v) / busy).toFixed(1)}%`)
    .join('; ');
  return { busyS: busy / 1e6, share: busy > 0 ? inFile / busy : 0, top };
}

async function endToEnd(profile: boolean): Promise<void> {
  const dataDir = tempDataDir('causeway-redaction-conv-');
  const profDir = profile ? mkdtempSync(join(tmpdir(), 'causeway-redaction-prof-')) : undefined;
  const cw = await startCollector({ dataDir, nodeArgs: profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [] });
  try {
    const gen = new AgentTraceGenerator({ spans: SPANS, seed: 11 });
    log(`end to end: ${SPANS} agent spans, load before ${load()}`);
    const r = await postAll(cw, () => gen.next(), 8, log, SPANS);
    log(`${r.spans} spans durable in ${r.durableSeconds.toFixed(1)} s: ${(r.spans / r.durableSeconds).toFixed(0)} durable spans/s (load after ${load()})`);
  } finally {
    await stop(cw, log, 120);
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (!profDir) return;
  for (const f of readdirSync(profDir).filter((x) => x.endsWith('.cpuprofile'))) {
    const s = share(join(profDir, f), (url) => url.endsWith('processors/redact.ts'));
    if (s.share === 0) continue;
    const any = share(join(profDir, f), (url) => url.includes('/src/redaction/'));
    const all = share(join(profDir, f), () => true);
    log(`profile ${f}: busy ${s.busyS.toFixed(1)} s; the redaction processor on the stack ${(100 * s.share).toFixed(1)} % of it, any redaction code (provenance's included) ${(100 * any.share).toFixed(1)} %`);
    log(`  self time in redaction: ${any.top}`);
    log(`  self time overall: ${all.top}`);
  }
  if (process.argv.includes('--keep-profile')) log(`profiles kept in ${profDir}`);
  else rmSync(profDir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  if (!process.argv.includes('--no-in-process')) inProcess();
  if (!process.argv.includes('--no-collector')) await endToEnd(process.argv.includes('--profile'));
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
