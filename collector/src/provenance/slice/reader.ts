// What the slice engine reads, declared by the slice itself: the store's provenance reads meet
// this interface structurally, so provenance/ never imports store/. Orders and "one row per key"
// are part of the contract: slices are built from rows in the order given here, so a reader
// that returned them in another order could answer a different (still valid) slice.
import type { ActivityRow, Appearance, ArtifactRow, FingerprintHit, RelationRow } from '@causeway/schemas';

/** An artifact row without its content: what the copied-text step compares. */
export type ArtifactFacts = Omit<ArtifactRow, 'content'>;

export interface ProvenanceReader {
  /** every activity of these traces, one per (trace, span), by trace, start time, span id */
  activities(tenant: string, traceIds: string[]): Promise<ActivityRow[]>;
  /** the activities at these (trace, span) pairs, one per pair */
  activitiesAt(tenant: string, pairs: { trace_id: string; span_id: string }[]): Promise<ActivityRow[]>;
  /**
   * every relation of these traces, repeats collapsed, by trace, span, seq; with `producing`, at
   * least those generating or holding these artifacts (a reader may answer more)
   */
  relations(tenant: string, traceIds: string[], producing?: string[]): Promise<RelationRow[]>;
  /** one row per artifact (the first stored), by artifact id */
  artifacts(tenant: string, ids: string[]): Promise<ArtifactRow[]>;
  /** where these artifacts appear, distinct, by artifact, trace, span; at most `limit` per artifact, optionally only for some relations */
  appearances(tenant: string, ids: string[], limit: number, relations?: string[]): Promise<Appearance[]>;
  /** traces of these conversations, newest first, at most `limit` per conversation */
  conversationTraces(tenant: string, conversationIds: string[], limit: number): Promise<{ conversation_id: string; trace_id: string }[]>;
  /** artifacts holding these fingerprints (store-wide), by fingerprint and artifact id, with the first position; at most 64 per fingerprint */
  fingerprintHits(tenant: string, fps: string[]): Promise<FingerprintHit[]>;
  /** `artifacts` without their content */
  artifactFacts(tenant: string, ids: string[]): Promise<ArtifactFacts[]>;
  /** only the content of `artifacts` (the same row of each), by artifact id: for artifacts whose facts were read already */
  artifactContents(tenant: string, ids: string[]): Promise<{ artifact_id: string; content: string }[]>;
}
