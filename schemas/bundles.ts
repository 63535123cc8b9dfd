// POST /api/bundles: what a client asks for (the explorer, `causeway export`, automation);
// GET /api/exports: the chain of custody, one record per bundle exported.
import type { SliceDirection } from './slice-query.ts';

export interface BundleSliceRequest {
  /** trace of the seed (32 hex) */
  trace: string;
  /** seed activity (16 hex span id) … */
  span?: string;
  /** … or seed artifact (32 hex) */
  artifact?: string;
  /** default backward */
  direction?: SliceDirection;
  /** 1–64, default 12 */
  depth?: number;
}

/** Either whole traces (`traceIds`) or one causal slice (`slice`). */
export interface BundleRequest {
  traceIds?: string[];
  slice?: BundleSliceRequest;
  exporter?: string;
  /** exported from this incident (16 hex): the bundle carries its id, title, status, seeds and notes (`incident.json`) and the export is listed with it */
  incident?: string;
}

/** `incident.json` of a bundle exported from an incident: the incident as it stood when exported (its events too). */
export interface BundleIncident {
  id: string;
  title: string;
  status: 'open' | 'closed';
  /** the graph node ids it is about */
  seeds: string[];
  traceIds: string[];
  notes: { at: string; actor: string; text: string }[];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  /** every event of the incident up to the export, in order */
  events: { eventId: string; at: string; actor: string; type: string }[];
}

/**
 * maxRows: the rows one bundle may carry (spans, log records and provenance rows together; the
 * default of CAUSEWAY_MAX_BUNDLE_ROWS); maxConcurrentBuilds: bundles built at once per collector.
 */
export const BUNDLE_LIMITS = { maxTraceIds: 1000, maxExporterLength: 200, maxRows: 100_000, maxConcurrentBuilds: 2 } as const;

/** A bundle's causal slice as the exporter resolved it; written into the signed manifest's query. */
export interface SliceSelection {
  traceId: string;
  spanId?: string;
  artifactId?: string;
  direction: SliceDirection;
  depth: number;
}

/** One exported bundle (the `exports` table). */
export interface ExportRecord {
  /** `YYYY-MM-DD hh:mm:ss.sss`, UTC */
  exportedAt: string;
  exporter: string;
  /** the manifest's query, as JSON text */
  query: string;
  bundleSha256: string;
  /** decimal strings (UInt64 columns) */
  rows: string;
  checkpointSize: string;
  /** the incident it was exported from, '' when none */
  incidentId: string;
}

/** GET /api/exports[?incident=<id>]: the newest 1000 exports (of that incident), newest first. */
export interface ExportListResponse {
  exports: ExportRecord[];
}
