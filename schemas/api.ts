// Shapes of the query API (HTTP JSON) that are not about one area: health, redaction summary,
// errors. Traces: traces.ts; provenance: provenance.ts + slice-query.ts; ledger: ledger.ts;
// bundles and exports: bundles.ts; incidents: incidents.ts.

export interface HealthResponse {
  status: 'ok' | 'degraded';
  store: {
    backend: 'chdb' | 'server';
    pendingRows: number;
    pendingBytes: number;
    insertedRows: number;
    /** acknowledged rows ClickHouse kept refusing while healthy, set aside in spool/dead-letter */
    deadLetteredRows: number;
    /** the last failed insert's error class only (type and code, or the connection's code): never its message */
    lastError?: string;
  };
  /** since this process started (every tenant); only for the operator: the default tenant's admin */
  redaction?: RedactionCounts;
  /** the worker threads that extract provenance and redact (absent when that runs on the main thread) */
  ingestWorkers?: {
    size: number;
    inFlight: number;
    restarts: number;
    /** per worker (like `redaction`, only for the operator): batches it holds, used V8 heap (at most 5 s old), seconds busy since it started */
    workers?: {
      inFlight: number;
      heapUsedMb: number;
      /** what the worker's V8 heap holds from the system (used, dead and free pages: its share of the RSS), as of the same report */
      heapTotalMb?: number;
      /** memory outside its heap that its objects keep (Buffers, ArrayBuffers: in the process's malloc), as of the same report */
      externalMb?: number;
      activeSeconds: number;
    }[];
  };
  /** the collector process's memory (only for the operator, the default tenant's admin; at most 5 s old) */
  memory?: {
    rssMb: number;
    /** the main thread's used V8 heap (each ingest worker's is in ingestWorkers.workers) */
    heapUsedMb: number;
    /** what the main thread's V8 heap holds from the system (used, dead and free pages) */
    heapTotalMb?: number;
    /** memory outside the main thread's heap its objects keep (Buffers, ArrayBuffers, …; in malloc), and the ArrayBuffers' part of it */
    externalMb?: number;
    arrayBuffersMb?: number;
    /** the RSS split as Linux counts it (/proc/self/status; absent elsewhere): anonymous memory (V8 heaps, malloc, the engine's allocator, stacks), mapped files (code: libchdb's alone is ~205 MB), shared memory */
    rssAnonMb?: number;
    rssFileMb?: number;
    rssShmemMb?: number;
    /** embedded ClickHouse's share (absent on the server path) */
    engine?: EngineMemory;
  };
}

/** What embedded ClickHouse holds: what its memory tracker counts, and its allocator's (jemalloc's) allocated, resident and retained bytes. */
export interface EngineMemory {
  trackedMb: number;
  allocatorAllocatedMb?: number;
  allocatorResidentMb?: number;
  allocatorRetainedMb?: number;
  /** what of the tracked memory background merges hold, and the merges running */
  mergesMb?: number;
  merges?: EngineMerge[];
  /** queries and inserts running, and what they hold */
  queries?: number;
  queriesMb?: number;
  /** the store's active parts, and their primary indexes and granularity held in memory */
  activeParts?: number;
  primaryIndexMb?: number;
  /** the mark, primary-index, skip-index-mark, query-condition and compiled-expression caches */
  cachesMb?: number;
}

/** One background merge running in embedded ClickHouse. */
export interface EngineMerge {
  table: string;
  parts: number;
  rows: number;
  memoryMb: number;
  algorithm: string;
}

/** What redaction replaced since the process started: spans (and log records) touched, values per rule. */
export interface RedactionCounts {
  spansRedacted: number;
  byRule: Record<string, number>;
}

/** GET /api/redactions: what redaction replaced, over everything stored. */
export interface RedactionSummaryResponse {
  rules: { rule: string; count: number; spans: number }[];
}

/** Every error the API answers, whatever the status: 4xx with the reason, 5xx without internals. */
export interface ApiError {
  error: string;
}
