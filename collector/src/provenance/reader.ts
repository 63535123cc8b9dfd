// What the slice engine reads, declared by the slice itself: the store's provenance reads meet
// this interface structurally, so provenance/ never imports store/.
import type { ActivityRow, Appearance, ArtifactRow, FingerprintHit, RelationRow } from '@causeway/schemas';

export interface ProvenanceReader {
  /** every activity of these traces */
  activities(tenant: string, traceIds: string[]): Promise<ActivityRow[]>;
  /** the activities at these (trace, span) pairs */
  activitiesAt(tenant: string, pairs: { trace_id: string; span_id: string }[]): Promise<ActivityRow[]>;
  /** every relation of these traces */
  relations(tenant: string, traceIds: string[]): Promise<RelationRow[]>;
  artifacts(tenant: string, ids: string[]): Promise<ArtifactRow[]>;
  /** where these artifacts appear, at most `limit` per artifact, optionally only for some relations */
  appearances(tenant: string, ids: string[], limit: number, relations?: string[]): Promise<Appearance[]>;
  /** traces of these conversations, newest first, at most `limit` per conversation */
  conversationTraces(tenant: string, conversationIds: string[], limit: number): Promise<{ conversation_id: string; trace_id: string }[]>;
  /** artifacts holding these fingerprints (store-wide) */
  fingerprintHits(tenant: string, fps: string[]): Promise<FingerprintHit[]>;
}
