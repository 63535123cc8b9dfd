// Generated causal graphs shaped like agent traces (for the bench and the large-graph tests):
// a few agents, each looping llm call → tool request → tool call → result, with documents
// retrieved along the way and content edges back to earlier artifacts.
import type { SliceActivity, SliceArtifact, SliceEdge, SliceNode, SliceResponse } from '@causeway/schemas';

export function syntheticTrace(nodeCount: number, seed = 1): SliceResponse {
  let s = seed >>> 0 || 1;
  const rnd = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const trace = 'f'.repeat(32);
  const agents = ['planner', 'researcher', 'mailer', 'reviewer', 'executor'].slice(0, Math.max(1, Math.min(5, Math.ceil(nodeCount / 400))));
  const nodes: SliceNode[] = [];
  const edges: SliceEdge[] = [];
  let span = 0;
  let t = 1_700_000_000_000_000_000n;
  const hex = (v: number, len: number): string => v.toString(16).padStart(len, '0');
  const act = (kind: SliceActivity['kind'], agent: string, name: string, tool = ''): SliceActivity => {
    const id = hex(++span, 16);
    t += BigInt(1_000_000 + Math.floor(rnd() * 5_000_000));
    const a: SliceActivity = {
      id: `act:${trace}/${id}`, type: 'activity', traceId: trace, spanId: id, parentSpanId: '', kind, name, operation: kind, convention: 'synthetic',
      agent, toolName: tool, callId: '', service: 'synthetic', start: t.toString(), end: (t + 800_000n).toString(), status: 0, depth: 0, tainted: false,
    };
    nodes.push(a);
    return a;
  };
  let artN = 0;
  const artifact = (kind: SliceArtifact['kind'], trust: SliceArtifact['trust'], preview: string): SliceArtifact => {
    const id = hex(++artN, 32);
    const a: SliceArtifact = { id: `art:${id}`, type: 'artifact', artifactId: id, kind, trust, trustWhy: 'synthetic', trustRule: 'synthetic', preview, contentLength: preview.length, toolName: '', documentId: '', source: '', traces: [trace], depth: 0, tainted: false };
    nodes.push(a);
    return a;
  };
  const system = artifact('system_instruction', 'trusted', 'You are a helpful operations agent.');
  const prompt = artifact('user_prompt', 'trusted', 'Reconcile the accounts and report.');
  const recent: SliceArtifact[] = [system, prompt];
  const tools = ['search_docs', 'search_email', 'get_ticket', 'send_email', 'export_customers'];
  while (nodes.length < nodeCount) {
    const agent = agents[Math.floor(rnd() * agents.length)]!;
    const llm = act('llm', agent, 'chat');
    for (const c of [system, prompt, ...recent.slice(-4)]) edges.push({ from: c.id, to: llm.id, relation: 'used', how: 'explicit' });
    if (nodes.length >= nodeCount) break;
    const tool = tools[Math.floor(rnd() * tools.length)]!;
    const req = artifact('tool_request', 'unknown', `${tool}({"q":"step ${span}"})`);
    edges.push({ from: llm.id, to: req.id, relation: 'generated', how: 'explicit' });
    const call = act('tool', agent, `execute_tool ${tool}`, tool);
    edges.push({ from: req.id, to: call.id, relation: 'executed', how: 'explicit' });
    const res = artifact('tool_result', tool === 'search_email' ? 'untrusted' : 'unknown', `result of ${tool} #${span}`);
    edges.push({ from: call.id, to: res.id, relation: 'generated', how: 'explicit' });
    if (tool.startsWith('search')) {
      const doc = artifact('document', tool === 'search_email' ? 'untrusted' : 'trusted', `document ${artN}: quarterly notes`);
      edges.push({ from: doc.id, to: res.id, relation: 'part_of', how: 'explicit' });
      const earlier = recent[Math.floor(rnd() * recent.length)];
      if (earlier && rnd() < 0.3) edges.push({ from: earlier.id, to: doc.id, relation: 'derived_from', how: 'content', score: Math.round(rnd() * 100) / 100 });
    }
    recent.push(res);
    if (recent.length > 12) recent.shift();
  }
  const kept = nodes.slice(0, nodeCount);
  const ids = new Set(kept.map((n) => n.id));
  return { seed: `trace:${trace}`, direction: 'trace', depth: 1, nodes: kept, edges: edges.filter((e) => ids.has(e.from) && ids.has(e.to)), taintPaths: [], truncated: false };
}
