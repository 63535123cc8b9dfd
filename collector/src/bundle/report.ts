// report.html of an evidence bundle: the evidence for a person, beside the machine files. One
// static page (no script, nothing fetched: a strict CSP) with the incident it was exported from,
// what was selected, the chain from untrusted content to the action in words (each step with how
// it is known: ids, copied text with its score, structure) and the chain's graph drawn as SVG.
// Built from graph.json and incident.json alone, so it says nothing they do not; it carries no
// time, so the same selection gives the same page.
import type { BundleIncident, SliceEdge, SliceNode, SliceResponse, TaintPath } from '@causeway/schemas';
import { edgeStrength, rankChains } from '@causeway/schemas';
import { ORDER_WORDS, chainReason } from './chain-order.ts';

export const REPORT_FILE = 'report.html';
/** Chains told at most (in schemas' rankChains order); the rest are in graph.json. */
const MAX_PATHS = 5;

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A node as a responder reads it: "tool send_email (billing-2)", "document "Invoice…" (untrusted)". */
export function nodeWords(n: SliceNode | undefined, id: string): string {
  if (!n) return id;
  if (n.type === 'activity') {
    const what = n.kind === 'tool' ? `tool ${n.toolName || n.name}` : n.kind === 'llm' ? `model call ${n.name}` : n.name;
    return n.agent ? `${what} (agent ${n.agent})` : what;
  }
  const text = n.preview.replace(/\s+/g, ' ').trim();
  return `${n.kind.replace(/_/g, ' ')} "${cut(text, 70)}" (${n.trust}${n.trustRule && n.trustRule !== 'none' ? `, rule ${n.trustRule}` : ''})`;
}

/** How one step of a chain is known. */
export function linkWords(links: SliceEdge[]): string {
  if (links.length === 0) return 'linked';
  return links
    .map((e) => {
      const verb = { used: 'was read by', generated: 'produced', executed: 'was executed as', part_of: 'is part of', derived_from: 'was copied into', child_of: 'ran', linked: 'is linked to' }[e.relation] ?? e.relation;
      const how = e.how === 'content' ? `copied text, score ${(e.score ?? 0).toFixed(2)}${e.shared ? `, ${e.shared} shared fingerprints` : ''}` : e.how === 'explicit' ? `recorded${e.detail ? ` (${e.detail})` : ''}` : 'structure';
      return `${verb} [${how}]`;
    })
    .join(' / ');
}

export function reportHtml(g: SliceResponse, selection: string, incident?: BundleIncident): string {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const edgesOf = new Map<string, SliceEdge[]>();
  for (const e of g.edges) {
    const k = `${e.from}>${e.to}`;
    (edgesOf.get(k) ?? edgesOf.set(k, []).get(k)!).push(e);
  }
  const links = (a: string, b: string): SliceEdge[] => edgesOf.get(`${a}>${b}`) ?? [];
  const ranked = rankChains(g.taintPaths, g).slice(0, MAX_PATHS);
  const paths = ranked.map((c) => c.path);
  const words = (id: string): string => esc(nodeWords(byId.get(id), id));
  const chains = ranked
    .map(
      ({ path: p, ...c }, k) =>
        `<li data-chain="${k}" data-source="${esc(p.source)}"><strong>Chain ${k + 1}</strong><p class="why" data-testid="chain-why">${esc(chainReason({ path: p, ...c }))}</p><ol class="chain">${p.nodes
          .map((id, i) => `<li data-node-id="${esc(id)}">${i > 0 ? `<span class="how">${esc(linkWords(links(p.nodes[i - 1]!, id)))}</span> ` : ''}${words(id)}</li>`)
          .join('')}</ol></li>`,
    )
    .join('\n');
  const inc = incident
    ? `<section id="incident"><h2>Incident: ${esc(incident.title)}</h2><p>${esc(incident.status)} · id ${esc(incident.id)} · created ${esc(incident.createdAt)} by ${esc(incident.createdBy)}</p>
<h3>About</h3><ul>${incident.seeds.map((s) => `<li>${words(s)}</li>`).join('')}</ul>
<h3>Notes</h3><ul>${incident.notes.map((n) => `<li><span class="muted">${esc(n.at)} ${esc(n.actor)}:</span> ${esc(n.text)}</li>`).join('')}</ul></section>`
    : '';
  const counts = `${g.nodes.filter((n) => n.type === 'activity').length} steps, ${g.nodes.filter((n) => n.type === 'artifact').length} pieces of content, ${g.edges.length} links`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(incident ? `Evidence: ${incident.title}` : 'Causeway evidence report')}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1b1f24;background:#fff}
.muted,.how,.why{color:#4a5360}.how{font-style:italic}.why{margin:.2em 0}ol.chain li{margin:.3em 0}ul.chains{list-style:none;padding-left:0}ul.chains>li{margin-bottom:1em}
svg{border:1px solid #c9ced6;background:#fafbfc;max-width:100%;height:auto}
@media (prefers-color-scheme: dark){body{color:#e6e9ee;background:#15181d}.muted,.how,.why{color:#aab2bf}svg{background:#1d2127;border-color:#3a414b}}
</style></head><body>
<h1>Causeway evidence report</h1>
<p>This page tells what the bundle's <code>graph.json</code> holds${incident ? ' and the incident it was exported from (<code>incident.json</code>)' : ''}. The rows behind it, their proofs and the signed manifest are the evidence: verify them as <code>README.md</code> says.</p>
${inc}
<section id="selection"><h2>What was exported</h2><p>${esc(selection)}: ${counts}${g.truncated ? ` (cut short: ${esc(g.truncatedReason ?? 'limit reached')})` : ''}.</p></section>
<section id="chains"><h2>How untrusted content reached what the agent did</h2>
${paths.length ? `<p>${g.taintPaths.length} chain(s) from untrusted content${g.taintPaths.length > paths.length ? `; the first ${paths.length} in this order` : ''}, each with why it is listed and each step with how it is known. ${esc(ORDER_WORDS)}</p><ul class="chains">${chains}</ul>` : '<p id="no-chain">No untrusted content reached anything in this selection.</p>'}
</section>
<section id="graph"><h2>The chain drawn</h2>${drawPaths(paths, byId, links)}</section>
</body></html>
`;
}

/** The chains' nodes in columns (longest distance from a source), their links as arrows; no layout library, no script. */
function drawPaths(paths: TaintPath[], byId: Map<string, SliceNode>, links: (a: string, b: string) => SliceEdge[]): string {
  if (paths.length === 0) return '<p class="muted">Nothing to draw.</p>';
  const col = new Map<string, number>();
  for (const p of paths) p.nodes.forEach((id, i) => col.set(id, Math.max(col.get(id) ?? 0, i)));
  const rows = new Map<number, string[]>();
  for (const [id, c] of col) (rows.get(c) ?? rows.set(c, []).get(c)!).push(id);
  const W = 200;
  const H = 64;
  const GX = 60;
  const GY = 24;
  const pos = new Map<string, { x: number; y: number }>();
  for (const [c, ids] of rows) ids.forEach((id, r) => pos.set(id, { x: 10 + c * (W + GX), y: 10 + r * (H + GY) }));
  const width = 20 + (Math.max(...col.values()) + 1) * (W + GX) - GX;
  const height = 20 + Math.max(...[...rows.values()].map((r) => r.length)) * (H + GY) - GY;
  const seen = new Set<string>();
  const arrows: string[] = [];
  for (const p of paths) {
    for (let i = 1; i < p.nodes.length; i++) {
      const [a, b] = [p.nodes[i - 1]!, p.nodes[i]!];
      if (seen.has(`${a}>${b}`)) continue;
      seen.add(`${a}>${b}`);
      const [pa, pb] = [pos.get(a)!, pos.get(b)!];
      const weak = Math.max(0, ...links(a, b).map(edgeStrength)) < 0.5;
      arrows.push(`<line x1="${pa.x + W}" y1="${pa.y + H / 2}" x2="${pb.x}" y2="${pb.y + H / 2}" stroke="currentColor" stroke-width="1.5"${weak ? ' stroke-dasharray="5 4"' : ''} marker-end="url(#arrow)"/>`);
    }
  }
  const boxes = [...pos].map(([id, { x, y }]) => {
    const n = byId.get(id);
    const untrusted = n?.type === 'artifact' && n.trust === 'untrusted';
    const [l1, l2] = [cut(nodeWords(n, id), 34), n?.type === 'activity' ? cut(n.agent, 30) : n ? cut(n.preview.replace(/\s+/g, ' '), 30) : ''];
    return `<g data-node-id="${esc(id)}"><rect x="${x}" y="${y}" width="${W}" height="${H}" rx="6" fill="none" stroke="${untrusted ? '#b3261e' : 'currentColor'}" stroke-width="${untrusted ? 2.5 : 1}"/><text x="${x + 8}" y="${y + 25}" font-size="13" fill="currentColor">${esc(l1)}</text><text x="${x + 8}" y="${y + 46}" font-size="12" fill="currentColor" opacity=".75">${esc(l2)}</text></g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="the chain from untrusted content to the action"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="currentColor"/></marker></defs>${arrows.join('')}${boxes.join('')}</svg>`;
}
