// The provenance model as stored (sql/007_provenance.sql) and as the slice API returns it.
// See docs/architecture.md "The provenance model": activities are spans that did something, artifacts are
// content addressed by a keyed hash, relations say how one led to another and how that is known.
import type { OverviewSteps } from './overview-steps.ts';

/**
 * The order the store answers ids in (`ORDER BY artifact_id`, …): bytes, which for hex ids are
 * their code units. Readers and the slice loader sort and merge by it.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type ActivityKind = 'agent' | 'llm' | 'retrieval' | 'tool' | 'approval' | 'other';
export type ArtifactKind = 'system_instruction' | 'user_prompt' | 'document' | 'model_output' | 'tool_request' | 'tool_result' | 'outcome';
export type TrustLabel = 'trusted' | 'untrusted' | 'unknown';

/** One row of prov_activities: a span read through its convention adapter. */
export interface ActivityRow {
  tenant: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  kind: ActivityKind;
  convention: string;
  operation: string;
  name: string;
  service_name: string;
  agent_name: string;
  agent_id: string;
  conversation_id: string;
  tool_name: string;
  call_id: string;
  /** tool activities: artifact id of the request (name + arguments) they executed */
  request_id: string;
  data_source: string;
  model: string;
  status_code: number;
  /** span links, as `trace_id/span_id` */
  links: string[];
}

/** What provenance extraction made of one batch of spans or log records; stored with them. */
export interface ProvenanceBatch {
  activities: ActivityRow[];
  relations: RelationRow[];
  artifacts: ArtifactRow[];
}

/** Where an artifact appears: one relation row read by artifact id (prov_appearances). */
export interface Appearance {
  artifact_id: string;
  trace_id: string;
  span_id: string;
  relation: string;
  container_id: string;
}

/** An artifact holding a winnowing fingerprint (where in its text: its own row's fp_positions). */
export interface FingerprintHit {
  fp: string;
  artifact_id: string;
}

/** One row of prov_relations: an activity used or generated an artifact, or an artifact is part of another. */
export interface RelationRow {
  tenant: string;
  trace_id: string;
  span_id: string;
  relation: 'used' | 'generated' | 'part_of';
  artifact_id: string;
  artifact_kind: ArtifactKind;
  /** part_of: the artifact this one is part of (a document inside a tool result) */
  container_id: string;
  call_id: string;
  tool_name: string;
  /** where in the span (or log record) it was read */
  role: string;
  /** 'span' or 'log' */
  origin: string;
  seq: number;
}

/** One row of prov_artifacts: content (redacted, as stored) and its fingerprints, written once per artifact and process. */
export interface ArtifactRow {
  tenant: string;
  /** where this process first saw it */
  trace_id: string;
  span_id: string;
  artifact_id: string;
  kind: ArtifactKind;
  /** redacted canonical content, at most CONTENT_LIMIT characters */
  content: string;
  content_length: number;
  tool_name: string;
  document_id: string;
  source: string;
  /** keyed winnowing fingerprints (UInt64 as decimal strings) and their offsets in the normalized text */
  fingerprints: string[];
  fp_positions: number[];
  normalized_length: number;
  /** documents found inside this artifact (a tool result listing emails), by artifact id */
  parts: string[];
}

export type ProvNodeType = 'activity' | 'artifact';

export interface SliceActivity {
  id: string; // `act:<trace>/<span>`
  type: 'activity';
  traceId: string;
  spanId: string;
  parentSpanId: string;
  kind: ActivityKind;
  name: string;
  operation: string;
  convention: string;
  agent: string;
  toolName: string;
  callId: string;
  service: string;
  start: string;
  end: string;
  status: number;
  depth: number;
  /** reached by untrusted content along the slice's edges */
  tainted: boolean;
  /** the ingest credential that submitted this span (absent for spans stored before credentials) */
  submittedBy?: SubmitterRef;
  /** submitted by another credential than the slice's seed (or the trace's root span) */
  otherSubmitter?: boolean;
}

/** An ingest credential, as slices and traces name it. */
export interface SubmitterRef {
  id: string;
  name: string;
}

/** What a trust rule's patterns matched in an artifact's description. */
export interface TrustMatch {
  /** the producer name (tool, span, data source) its `producer` pattern matched */
  producer?: string;
  /** the source its `source` pattern matched */
  source?: string;
  /** the document id its `document` pattern matched */
  document?: string;
}

export interface SliceArtifact {
  id: string; // `art:<artifact id>`
  type: 'artifact';
  artifactId: string;
  kind: ArtifactKind;
  trust: TrustLabel;
  trustWhy: string;
  /** the rule that set `trust`: `builtin:<name>`, a rule file's `id` (else `rules[<index>]`), or `none` */
  trustRule: string;
  /** what that rule matched, when it has patterns */
  trustMatched?: TrustMatch;
  preview: string;
  contentLength: number;
  toolName: string;
  documentId: string;
  source: string;
  /** traces this artifact appears in (at most a few, for the inspector) */
  traces: string[];
  depth: number;
  tainted: boolean;
  /** credentials that submitted the activities using or generating it in this graph */
  submitters?: SubmitterRef[];
  /** none of them is the seed's credential */
  otherSubmitter?: boolean;
}

export type SliceNode = SliceActivity | SliceArtifact;

export type RelationName = 'used' | 'generated' | 'executed' | 'part_of' | 'derived_from' | 'child_of' | 'linked';
export type HowKnown = 'explicit' | 'content' | 'structural';

export interface SliceEdge {
  /** the edge points the way influence flowed: cause → effect */
  from: string;
  to: string;
  relation: RelationName;
  how: HowKnown;
  /** what matched: `call_id`, `name+arguments`, `order`, `fingerprints` … */
  detail?: string;
  /** content edges: the share (0..1) of the shorter side's normalized text the shared grams cover, and the overlapping extent in each side's normalized text */
  score?: number;
  shared?: number;
  extent?: { from: [number, number]; to: [number, number] };
}

export interface TaintPath {
  source: string;
  /** node ids from the untrusted source to the seed */
  nodes: string[];
}

export interface SliceResponse {
  seed: string;
  direction: 'backward' | 'forward' | 'trace';
  depth: number;
  nodes: SliceNode[];
  edges: SliceEdge[];
  taintPaths: TaintPath[];
  truncated: boolean;
  truncatedReason?: string;
  /** the credential that submitted the seed (the root span for a trace graph); nodes from others are marked */
  seedSubmitter?: SubmitterRef;
}

export interface ArtifactAppearance {
  traceId: string;
  spanId: string;
  relation: string;
  role: string;
  activityKind: string;
  activityName: string;
  start: string;
}

export interface ArtifactResponse {
  artifact: Omit<SliceArtifact, 'depth' | 'traces' | 'id' | 'type' | 'tainted'> & { id: string; content: string; contentTruncated: boolean; parts: string[] };
  appearances: ArtifactAppearance[];
  truncated: boolean;
}

/**
 * GET /api/provenance/traces/:traceId/overview: what a trace's first view needs, cheap to make
 * and to send. A small trace (at most TRACE_OVERVIEW_LIMITS.wholeGraph activities) gets its
 * whole causal graph; a larger one gets every activity and the backward slices of the tool calls
 * examined for its key node (highest impact first, then most recent, until one is reached by
 * untrusted content over links that are not coincidence), and the rest on demand: the whole
 * graph from /api/provenance/traces/:traceId, a node's slices from /api/provenance/slice.
 */
export interface TraceOverviewResponse {
  traceId: string;
  /** activities (spans that did something) in the trace */
  activityCount: number;
  /** the whole trace graph, as /api/provenance/traces/:traceId answers it (small traces) */
  graph?: SliceResponse;
  /** larger traces: links the whole graph has that were recorded (uses, outputs, parentage); the whole graph has these and more (requests executed, documents inside results, copied text) */
  recordedLinks?: number;
  /** larger traces: every activity, as the trace graph has it (`tainted` only where a slice says so), column by column (decodeSteps) … */
  steps?: OverviewSteps;
  /** … and the examined tool calls' backward slices, each as /api/provenance/slice answers it with `limit=TRACE_OVERVIEW_LIMITS.sliceNodes` */
  slices?: SliceResponse[];
}
