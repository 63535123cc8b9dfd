// GET /api/search/traces: the explorer's trace search, over spans and the provenance model.
import type { TraceSummary } from './api.ts';

export interface TraceSearchHit extends TraceSummary {
  /** agent names seen in the trace (provenance activities) */
  agents: string[];
  /** tools called in the trace */
  tools: string[];
  /** true when some artifact in the trace is labelled untrusted (only computed when asked for) */
  untrusted?: boolean;
  /** free-text search: previews of the matching content, redacted as stored */
  matches?: { artifactId: string; kind: string; snippet: string }[];
}

export interface TraceSearchResponse {
  traces: TraceSearchHit[];
  /** how many candidate traces were examined; the search stops at a bound rather than scan everything */
  scanned: number;
  /** true when the bound was reached before `limit` hits were found */
  partial: boolean;
}
