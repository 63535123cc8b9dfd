// Shapes of the query API (HTTP JSON). The explorer and tests only know these.
import type { OtlpTracesData } from './otlp.ts';
import type { RedactionRecord } from './span-row.ts';

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

export interface TraceListResponse {
  traces: TraceSummary[];
  /** pass as `cursor` to get the next (older) page; absent on the last page */
  nextCursor?: string;
}

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

export interface HealthResponse {
  status: 'ok' | 'degraded';
  store: {
    backend: 'chdb' | 'server';
    pendingRows: number;
    pendingBytes: number;
    insertedRows: number;
    lastError?: string;
  };
  /** since this process started (not on the public /healthz: counts per rule are for signed-in readers, see /api/redactions) */
  redaction?: { spansRedacted: number; byRule: Record<string, number> };
}

/** GET /api/redactions: what redaction replaced, over everything stored. */
export interface RedactionSummaryResponse {
  rules: { rule: string; count: number; spans: number }[];
}

export interface ApiError {
  error: string;
}
