// The trace API (HTTP JSON): one search (`GET /api/traces`, alias `GET /api/search/traces`),
// one trace by id, its log records. The explorer, the CLI and tests know only these shapes.
import type { OtlpLogsData, OtlpTracesData } from './otlp.ts';
import type { Severity } from './detections.ts';
import type { RedactionRecord } from './span-row.ts';

export type SpanStatusName = 'unset' | 'ok' | 'error';

/**
 * How `name` matches span names: `contains` (the default) is a case-insensitive substring;
 * `exact` is byte-for-byte equality, which the store's name index can use to skip data.
 */
export type NameMatch = 'exact' | 'contains';

/** Where a page ends: the next page holds traces strictly older than this (start, trace id). */
export interface TraceCursor {
  startNs: string;
  traceId: string;
}

/**
 * One trace search, as the API parses its URL parameters (see README "GET /api/traces").
 * A trace matches when one of its spans matches every span filter (service, name, status,
 * time) and the trace matches every provenance filter (agent, tool, text, untrusted).
 */
export interface TraceQuery {
  /** `service.name` of a span, exact */
  service?: string;
  /** span name, per `nameMatch` */
  name?: string;
  nameMatch: NameMatch;
  status?: SpanStatusName;
  /** span start bounds, unix nanoseconds, inclusive */
  startNs?: string;
  endNs?: string;
  /** an agent name seen in the trace (provenance activities), exact */
  agent?: string;
  /** a tool called in the trace, exact */
  tool?: string;
  /** `q`: case-insensitive text over redacted artifact content as stored */
  text?: string;
  /** keep traces that touched content the trust rules label untrusted */
  untrusted?: boolean;
  /** `findings`: keep traces named by a detection finding of at least this severity (any status) */
  findingsAtLeast?: Severity;
  limit: number;
  cursor?: TraceCursor;
}

/** The URL parameters of a trace search, as a client writes them. */
export type TraceSearchParams = Partial<Record<'service' | 'name' | 'nameMatch' | 'status' | 'start' | 'end' | 'agent' | 'tool' | 'q' | 'untrusted' | 'findings' | 'limit' | 'cursor', string>>;

/** Page sizes: `GET /api/traces` (default 20, up to 1000); the explorer's alias keeps its own. */
export const TRACE_SEARCH_LIMITS = {
  traces: { default: 20, max: 1000 },
  searchAlias: { default: 50, max: 200 },
  /** longest `q` */
  maxText: 200,
} as const;

export interface TraceSummary {
  traceId: string;
  rootName: string;
  rootService: string;
  services: string[];
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationNano: string;
  spanCount: number;
  errorCount: number;
}

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
  /** pass as `cursor` to get the next (older) page; absent on the last page */
  nextCursor?: string;
  /**
   * How many traces match the filters in all (every page, not only this one). Absent when
   * `untrusted` is asked for: trust is decided per candidate, so no count is exact.
   */
  total?: number;
  /** how many candidate traces were examined for this page */
  scanned: number;
  /**
   * True when a bound cut the search short before `limit` hits were found (the untrusted scan
   * of 500 candidates per page, or the cap of 5000 artifacts matching `q`); with `nextCursor`
   * the next page continues the scan.
   */
  partial: boolean;
}

/** `GET /api/traces` answers the same shape as the search. */
export type TraceListResponse = TraceSearchResponse;

export interface TraceResponse extends OtlpTracesData {
  traceId: string;
  spanCount: number;
  /** per span id, what redaction replaced in it (spans with nothing redacted are absent) */
  redactions: Record<string, RedactionRecord[]>;
  /** the ingest credentials that submitted the trace's spans, with how many each */
  submitters: { id: string; name: string; spans: number }[];
  /** per span id, the credential id that submitted it */
  submittedBy: Record<string, string>;
  /** the spans come from more than one credential: look at who sent what */
  mixedSubmitters: boolean;
}

export interface TraceLogsResponse extends OtlpLogsData {
  traceId: string;
  logRecordCount: number;
  /** per record position (as a string), what redaction replaced in it */
  redactions: Record<string, RedactionRecord[]>;
}
