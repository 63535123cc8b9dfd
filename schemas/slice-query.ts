// GET /api/provenance/slice and /api/provenance/traces/:id as a client asks for them, and the
// bounds every caller of the slice engine shares (the API, evidence bundles, the explorer).

export type SliceDirection = 'backward' | 'forward';

/** A causal slice request: from an activity (`trace` + `span`) or an artifact (`artifact`, optionally in `trace`). */
export interface SliceQuery {
  /** 32 lower-case hex */
  trace?: string;
  /** 16 lower-case hex: with `trace`, the seed activity */
  span?: string;
  /** 32 lower-case hex: the seed artifact */
  artifact?: string;
  direction: SliceDirection;
  /** levels walked, 1..SLICE_DEFAULTS.maxDepth */
  depth: number;
  /** nodes returned at most, 1..SLICE_DEFAULTS.maxNodes */
  limit: number;
}

export const SLICE_DEFAULTS = { direction: 'backward', depth: 12, maxDepth: 64, nodes: 500, maxNodes: 5000 } as const;

/** Node caps of a whole trace's graph (`/api/provenance/traces/:id?limit=`, and each trace of a bundle). */
export const TRACE_GRAPH_LIMITS = { default: 5000, max: 20_000 } as const;

/** Appearances listed by `GET /api/artifacts/:id?limit=`. */
export const ARTIFACT_APPEARANCE_LIMITS = { default: 200, max: 10_000 } as const;

/**
 * The trace overview (`/api/provenance/traces/:id/overview`): whole graphs up to `wholeGraph`
 * activities; above, at most `candidates` tool calls' backward slices of at most `sliceNodes` nodes.
 */
export const TRACE_OVERVIEW_LIMITS = { wholeGraph: 400, candidates: 4, sliceNodes: 2000 } as const;
