// Where a node of a slice lives, as seen from the trace on screen. An activity lives in its
// span's trace. An artifact (content, shared by every trace it appears in) is "here" when the
// trace's own graph holds it or the slice links it to one of this trace's activities; only
// otherwise is it in another trace, the one the slice links it to (the API's `traces` list is
// capped and in id order, so its first entry is no answer on its own).
import type { SliceEdge, SliceNode } from '@causeway/schemas';
import { parseNodeId } from '@causeway/schemas';

export interface Home {
  traceId: string;
  here: boolean;
}

export interface HomeContext {
  /** the trace on screen */
  traceId: string;
  /** node ids in this trace's own graph */
  inTrace: ReadonlySet<string>;
  /** every slice edge loaded, to find an artifact's neighbouring activities */
  edges: readonly SliceEdge[];
}

export function homeOf(n: SliceNode, ctx: HomeContext): Home {
  if (n.type === 'activity') return { traceId: n.traceId, here: n.traceId === ctx.traceId };
  if (ctx.inTrace.has(n.id) || n.traces.includes(ctx.traceId)) return { traceId: ctx.traceId, here: true };
  let elsewhere: string | undefined;
  for (const e of ctx.edges) {
    const other = e.from === n.id ? e.to : e.to === n.id ? e.from : undefined;
    const ref = other ? parseNodeId(other) : undefined;
    if (ref?.type !== 'activity') continue;
    if (ref.traceId === ctx.traceId) return { traceId: ctx.traceId, here: true };
    elsewhere ??= ref.traceId;
  }
  const traceId = elsewhere ?? n.traces[0] ?? ctx.traceId;
  return { traceId, here: traceId === ctx.traceId };
}
