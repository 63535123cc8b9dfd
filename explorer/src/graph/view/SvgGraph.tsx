// The SVG renderer (small graphs): every node and edge is a DOM element with its state in data
// attributes, easy to inspect and to test.
import { useEffect, useRef } from 'react';
import { edgeKey } from '../highlight.ts';
import { COLORS, EDGE_DASH, KIND_FILL } from '../style.ts';
import type { GraphViewProps } from './GraphView.tsx';
import { nodeStyle, type Placed } from './placed.ts';
import type { ZoomApi } from './useZoom.ts';

/** Characters of a group's label per line (11 px text in its 170 px box). */
const GROUP_LINE = 28;

/**
 * A group's label on at most two lines, broken between words, the failures last. SVG text, not
 * an HTML box in a foreignObject: ~80 of those made the big trace's first drawing lay out a
 * separate HTML flow per group.
 */
export function groupLines(label: string, errors: number): { text: string; failed?: boolean }[] {
  const words = label.split(' ');
  const lines: string[] = [''];
  for (const w of words) {
    const cur = lines[lines.length - 1]!;
    if (cur && cur.length + 1 + w.length > GROUP_LINE) lines.push(w);
    else lines[lines.length - 1] = cur ? `${cur} ${w}` : w;
  }
  // failures take the second line; the label then keeps one
  const room = errors ? 1 : 2;
  const shown = lines.length > room ? [...lines.slice(0, room - 1), `${lines.slice(room - 1).join(' ').slice(0, GROUP_LINE - 1)}…`] : lines;
  return [...shown.map((text) => ({ text })), ...(errors ? [{ text: `${errors} failed`, failed: true }] : [])];
}

export function SvgGraph(p: GraphViewProps & { placed: Placed[]; byId: Map<string, Placed>; zoom: ZoomApi; size: { w: number; h: number }; focusId: string | undefined }): React.JSX.Element {
  const tabStop = p.focusId ?? p.selected ?? p.placed[0]?.node.id;
  const gRef = useRef<SVGGElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  useEffect(() => {
    gRef.current?.setAttribute('transform', p.zoom.current().toString());
    return p.zoom.subscribe((t) => gRef.current?.setAttribute('transform', t.toString()));
  }, [p.zoom]);
  const h = p.highlight;
  const layout = p.layout!;
  return (
    <svg ref={svgRef} width={p.size.w} height={p.size.h} role="img" aria-label="causal graph" onClick={(ev) => ev.target === svgRef.current && p.onSelect(undefined)}>
      <defs>
        {['normal', 'cause', 'effect', 'taint'].map((c) => (
          <marker key={c} id={`arrow-${c}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" fill={c === 'taint' ? COLORS.taint : c === 'cause' ? COLORS.cause : c === 'effect' ? COLORS.effect : COLORS.edge} />
          </marker>
        ))}
      </defs>
      <g ref={gRef} transform={p.zoom.current().toString()}>
        {layout.lanes.map((lane, i) => (
          <g key={lane.name} data-testid="lane" data-lane={lane.name}>
            <rect x={-100_000} y={lane.y0} width={layout.width + 200_000} height={lane.y1 - lane.y0} className={i % 2 ? 'lane-band odd' : 'lane-band'} />
          </g>
        ))}
        {p.graph.edges.map((e) => {
          const a = p.byId.get(e.from);
          const b = p.byId.get(e.to);
          if (!a || !b) return null;
          const k = edgeKey(e.from, e.to);
          const cls = h?.taintEdges.has(k) ? 'taint' : h?.causeEdges.has(k) ? 'cause' : h?.effectEdges.has(k) ? 'effect' : 'normal';
          const dim = (h?.seed && cls === 'normal') || (p.visible && (!p.visible.has(e.from) || !p.visible.has(e.to)));
          const x1 = a.x + a.w / 2;
          const x2 = b.x - b.w / 2;
          const back = x2 < x1;
          const d = back ? `M${a.x},${a.y + a.h / 2} C${a.x},${a.y + 60} ${b.x},${b.y + 60} ${b.x},${b.y + b.h / 2}` : `M${x1},${a.y} C${(x1 + x2) / 2},${a.y} ${(x1 + x2) / 2},${b.y} ${x2},${b.y}`;
          const strength = e.how === 'content' ? (e.score ?? 0) : 1;
          return (
            <g
              key={k}
              className={`edge edge-${cls} how-${e.how}${dim ? ' dim' : ''}${e.how === 'content' && strength < 0.15 ? ' weak' : ''}`}
              data-testid="graph-edge"
              data-from={e.from}
              data-to={e.to}
              data-relation={e.relation}
              data-how={e.how}
              data-class={cls}
              data-score={e.score ?? ''}
              onClick={(ev) => {
                ev.stopPropagation();
                p.onEdge?.(e.from, e.to);
              }}
            >
              {/* a wide transparent stroke makes the thin line easy to click */}
              <path d={d} className="edge-hit" />
              <path d={d} markerEnd={`url(#arrow-${cls})`} strokeDasharray={EDGE_DASH[e.how]?.join(' ')} style={e.how === 'content' ? { strokeWidth: 1 + 3 * strength } : undefined} />
              {e.how === 'content' && e.score !== undefined && !dim && (cls !== 'normal' || strength >= 0.15) && Math.abs(x2 - x1) > 80 ? (
                <text x={(x1 + x2) / 2} y={(a.y + b.y) / 2 - 5} textAnchor="middle" className="edge-score">
                  copied {Math.round(e.score * 100)}%
                </text>
              ) : null}
              <title>{`${e.relation} (${e.how === 'explicit' ? 'known by ids' : e.how === 'content' ? 'copied text' : 'structural'}${e.score !== undefined ? `, score ${e.score.toFixed(2)}` : ''}${e.count && e.count > 1 ? `, ${e.count} links` : ''}) — click for the evidence`}</title>
            </g>
          );
        })}
        {p.placed.map((q) => {
          const s = nodeStyle(q.node.id, p.highlight, p.visible);
          const n = q.node;
          const current = p.replayCurrent === n.id;
          const context = p.replayContext?.has(n.id) ?? false;
          const group = n.type === 'group';
          const label = group ? n.label : n.label.length > 26 ? `${n.label.slice(0, 25)}…` : n.label;
          return (
            <g
              key={n.id}
              transform={`translate(${q.x - q.w / 2},${q.y - q.h / 2})`}
              className={`node node-${n.type} role-${s.role}${s.taint ? ' taint' : ''}${s.dim ? ' dim' : ''}${p.selected === n.id ? ' selected' : ''}${n.trust === 'untrusted' ? ' untrusted' : ''}${current ? ' replay-current' : ''}${context ? ' replay-context' : ''}`}
              data-testid="graph-node"
              data-node-id={n.id}
              data-type={n.type}
              data-kind={n.kind}
              data-label={n.label}
              data-role={s.role}
              data-taint={s.taint ? 'true' : 'false'}
              data-trust={n.trust ?? ''}
              data-visible={p.visible ? String(p.visible.has(n.id)) : 'true'}
              data-replay={current ? 'current' : context ? 'context' : ''}
              data-members={group ? String(n.members?.length ?? 0) : undefined}
              role="button"
              tabIndex={n.id === tabStop ? 0 : -1}
              aria-label={group ? `${n.label} by ${n.lane}: press to expand` : `${n.type} ${n.kind}: ${n.label}${n.trust === 'untrusted' ? ', untrusted' : ''}`}
              aria-pressed={group ? undefined : p.selected === n.id}
              onClick={(ev) => {
                ev.stopPropagation();
                if (group) p.onExpand?.(n.id);
                else p.onSelect(n.id);
              }}
            >
              {group ? null : <rect width={q.w} height={q.h} rx={n.type === 'artifact' ? 2 : 6} fill={KIND_FILL[n.kind] ?? '#eee'} />}
              {group ? (
                <>
                  <rect x={3} y={3} width={q.w} height={q.h} rx={6} className="group-shadow" />
                  <rect width={q.w} height={q.h} rx={6} fill={KIND_FILL.group} />
                  <text x={6} y={q.h / 2} className="group-label">
                    {groupLines(label, n.errors ?? 0).map((l, i, all) => (
                      <tspan key={i} x={6} dy={i === 0 ? `${0.35 - (all.length - 1) * 0.6}em` : '1.2em'} className={l.failed ? 'group-errors' : undefined}>
                        {l.text}
                      </tspan>
                    ))}
                  </text>
                </>
              ) : (
                <text x={6} y={q.h / 2} dominantBaseline="middle" className="node-label">
                  {n.type === 'activity' ? <tspan className="node-kind">{n.kind} </tspan> : null}
                  {label}
                </text>
              )}
              {n.trust === 'untrusted' && !group ? (
                <text x={q.w - 2} y={-3} textAnchor="end" className="badge-untrusted">
                  untrusted
                </text>
              ) : null}
              {n.folded && !group ? (
                <text x={q.w - 4} y={q.h - 3} textAnchor="end" className="badge-folded">
                  +{n.folded}
                </text>
              ) : null}
              <title>{`${group ? 'group' : n.kind}: ${n.label}${n.trust ? ` (${n.trust})` : ''}${group ? ' — click to expand' : ''}`}</title>
            </g>
          );
        })}
      </g>
    </svg>
  );
}
