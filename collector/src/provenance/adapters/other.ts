// Spans no convention adapter recognizes (HTTP calls, DB queries, app code): still activities in
// the graph, so the causal chain through them is kept; they just carry no content drafts.
import type { SpanAdapter } from './types.ts';

export const otherAdapter: SpanAdapter = {
  convention: 'other',
  matches: () => true,
  read: (span) => ({ kind: 'other', convention: 'other', operation: span.name, artifacts: [] }),
};
