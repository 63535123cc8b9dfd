// The evidence behind one link: how it is known (ids, copied text, structure), how strong it is,
// and for copied text the shared passage highlighted in both contents as stored.
import type { SliceEdge } from '@causeway/schemas';
import { useMemo } from 'react';
import { api } from '../../api.ts';
import { describeLink } from '../../evidence/links.ts';
import { mergeRanges, sharedPassages } from '../../evidence/passages.ts';
import { parseNodeId } from '@causeway/schemas';
import { useLoad } from '../../load.ts';
import { Marked } from '../inspector/Redacted.tsx';

export function EdgeEvidence(p: { edge: { from: string; to: string }; links: SliceEdge[]; label(id: string): string; onSelect(id: string): void; onClose(): void }): React.JSX.Element {
  // several links may join the same two nodes (a request read by a tool call and run by it; text
  // copied and a document part of a result): copied text is what needs evidence, ids come next
  const link = p.links.find((l) => l.how === 'content') ?? p.links.find((l) => l.relation === 'executed') ?? p.links[0];
  const others = p.links.filter((l) => l !== link);
  const { from, to } = p.edge;
  const a = parseNodeId(from);
  const b = parseNodeId(to);
  const [ca] = useLoad(a?.type === 'artifact' ? (s) => api.artifact(a.artifactId, s) : undefined, [from]);
  const [cb] = useLoad(b?.type === 'artifact' ? (s) => api.artifact(b.artifactId, s) : undefined, [to]);
  const textA = ca.state === 'ready' ? ca.value.artifact.content : undefined;
  const textB = cb.state === 'ready' ? cb.value.artifact.content : undefined;
  const passages = useMemo(() => (textA !== undefined && textB !== undefined ? sharedPassages(textA, textB) : []), [textA, textB]);
  const words = link ? describeLink(link) : undefined;
  const copied = link?.how === 'content';
  return (
    <section className="evidence" data-testid="edge-evidence" data-from={from} data-to={to} data-kind={words?.kind ?? ''} data-strength={words?.strength ?? ''} aria-label="link evidence">
      <header>
        <h3>Why these are linked</h3>
        <button className="small" onClick={p.onClose} aria-label="close the link evidence">
          Close
        </button>
      </header>
      <p>
        <button className="linkish" onClick={() => p.onSelect(from)}>
          {p.label(from)}
        </button>{' '}
        → {words ? <strong data-testid="link-says">{words.says}</strong> : 'linked (this link is not in the loaded graph)'} →{' '}
        <button className="linkish" onClick={() => p.onSelect(to)}>
          {p.label(to)}
        </button>
      </p>
      {words ? (
        <dl className="link-facts">
          <dt>known by</dt>
          <dd data-testid="link-kind">{words.kind === 'ids' ? 'ids (call id, tool name and arguments, span ids)' : words.kind === 'copied text' ? 'copied text (keyed text fingerprints)' : 'structure (order, containment)'}</dd>
          <dt>strength</dt>
          <dd data-testid="link-strength">
            <meter min={0} max={1} value={words.score} low={0.15} high={0.5} optimum={1} aria-label="link strength" /> {words.strength}
            {copied ? ` (score ${words.score.toFixed(2)}${link?.shared !== undefined ? `, ${link.shared} shared fingerprints` : ''})` : ''}
          </dd>
          {link?.extent ? (
            <>
              <dt>where</dt>
              <dd className="small">
                characters {link.extent.from[0]}–{link.extent.from[1]} of the source, {link.extent.to[0]}–{link.extent.to[1]} of the copy (text values, before redaction)
              </dd>
            </>
          ) : null}
          {others.length ? (
            <>
              <dt>also</dt>
              <dd className="small" data-testid="other-links">
                {others.map((l) => describeLink(l).says).join('; ')}
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {copied ? (
        textA === undefined || textB === undefined ? (
          <div className="loading">Loading both contents to find the copied passage…</div>
        ) : passages.length === 0 ? (
          <p className="note" data-testid="no-passage">
            No shared passage of 16 characters or more is visible in the stored text: what matched may have been redacted differently, or is shorter than this view looks for.
          </p>
        ) : (
          <>
            <p className="small" data-testid="passage-summary">
              {passages.length} shared passage{passages.length > 1 ? 's' : ''}; the longest: <q data-testid="longest-passage">{passages[0]!.text.slice(0, 160)}</q>
            </p>
            <h4>Source: {p.label(from)}</h4>
            <pre className="content" data-testid="evidence-source">
              <Marked text={textA} ranges={mergeRanges(passages.map((x) => x.a))} />
            </pre>
            <h4>Copy: {p.label(to)}</h4>
            <pre className="content" data-testid="evidence-copy">
              <Marked text={textB} ranges={mergeRanges(passages.map((x) => x.b))} />
            </pre>
          </>
        )
      ) : null}
    </section>
  );
}
