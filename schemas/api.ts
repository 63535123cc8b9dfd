// Shapes of the query API (HTTP JSON). The explorer and tests only know these.
import type { OtlpTracesData } from './otlp.ts';

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
}

export interface ApiError {
  error: string;
}
