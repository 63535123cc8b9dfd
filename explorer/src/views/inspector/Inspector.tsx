// The selected node: an artifact's content as stored (redaction placeholders marked and
// explained) and every other place it appears; an activity's span: attributes, timing, status,
// events and what redaction replaced in it.
import type { SliceNode, TraceResponse } from '@causeway/schemas';
import type { FlatSpan } from '../Waterfall.tsx';
import type { LogRecordJson } from '../../conversation/logs.ts';
import { ActivityInspector } from './ActivityInspector.tsx';
import { ArtifactInspector } from './ArtifactInspector.tsx';

export function Inspector(p: { node: SliceNode | undefined; nodeId: string; trace: TraceResponse | undefined; span: FlatSpan | undefined; logs: readonly LogRecordJson[]; onOpen(traceId: string, nodeId: string): void }): React.JSX.Element {
  const n = p.node;
  if (!n) {
    return (
      <section className="inspector" data-testid="inspector">
        <h3>Inspector</h3>
        <p className="muted">{p.nodeId ? `Node ${p.nodeId} is not in this trace's graph.` : 'Select a node in the graph or a span in the waterfall.'}</p>
      </section>
    );
  }
  return n.type === 'artifact' ? <ArtifactInspector node={n} onOpen={p.onOpen} /> : <ActivityInspector node={n} span={p.span} trace={p.trace} logs={p.logs} />;
}
