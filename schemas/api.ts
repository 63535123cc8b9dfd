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
}

export interface HealthResponse {
  status: 'ok' | 'degraded';
  store: {
    backend: 'chdb' | 'server';
    pendingRows: number;
    pendingBytes: number;
    insertedRows: number;
    /** acknowledged rows ClickHouse kept refusing while healthy, set aside in spool/dead-letter */
    deadLetteredRows: number;
    lastError?: string;
  };
  /** since this process started */
  redaction: { spansRedacted: number; byRule: Record<string, number> };
}

/** GET /api/redactions: what redaction replaced, over everything stored. */
export interface RedactionSummaryResponse {
  rules: { rule: string; count: number; spans: number }[];
}

export interface ApiError {
  error: string;
}
