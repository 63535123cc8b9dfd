// POST /api/bundles: what a client asks for (the explorer, `causeway export`, automation).

export interface BundleSliceRequest {
  /** trace of the seed (32 hex) */
  trace: string;
  /** seed activity (16 hex span id) … */
  span?: string;
  /** … or seed artifact (32 hex) */
  artifact?: string;
  /** default backward */
  direction?: 'backward' | 'forward';
  /** 1–64, default 12 */
  depth?: number;
}

/** Either whole traces (`traceIds`) or one causal slice (`slice`). */
export interface BundleRequest {
  traceIds?: string[];
  slice?: BundleSliceRequest;
  exporter?: string;
}
