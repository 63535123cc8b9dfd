// What a convention adapter produces: one span (or the log records folded into it) read as an
// activity of the provenance model, with the content it used and generated. Adapters only read;
// content addressing, document splitting, fingerprints and trust happen downstream.
import type { ActivityKind, ArtifactKind, LogRow, SpanRow } from '@causeway/schemas';

export type { ActivityKind, ArtifactKind };
export type Convention = 'genai' | 'genai-events' | 'openinference' | 'vercel-ai' | 'traceloop' | 'other';

/**
 * A piece of content an activity used or generated, as the convention carried it.
 * `value` is the content itself: a string (text, or JSON text), or an already-parsed JSON value.
 * For `tool_request`, `value` is the arguments (object, JSON text, or the bare value a library
 * collapsed a one-field object to) and `toolName` is required.
 */
export interface ArtifactDraft {
  kind: ArtifactKind;
  relation: 'used' | 'generated';
  value: unknown;
  /** where in the span it was read, for the inspector: e.g. `gen_ai.input.messages[2].parts[0]` */
  role: string;
  toolName?: string;
  /** tool call id (OpenAI-style `call_…`), on tool_request and tool_result drafts when known */
  callId?: string;
  /** document id (retrieval), when the convention gives one */
  documentId?: string;
  /** where a document came from (URI, mailbox, data source id), when known */
  source?: string;
  /** retrieval score, when given */
  score?: number;
}

export interface ActivityDraft {
  kind: ActivityKind;
  convention: Convention;
  /** e.g. the operation (`chat`, `execute_tool`), the span kind hint (`LLM`, `TOOL`) */
  operation: string;
  agentName?: string;
  agentId?: string;
  conversationId?: string;
  /** tool activities: the tool name, and the request they executed (name + arguments [+ call id]) */
  toolName?: string;
  callId?: string;
  /** tool activities: arguments as the span carried them (same forms as a tool_request value) */
  toolArguments?: unknown;
  /** retrieval activities: the data source (gen_ai.data_source.id, vector store name…) */
  dataSource?: string;
  model?: string;
  artifacts: ArtifactDraft[];
}

/** One family of conventions. `matches` is cheap (attribute keys / span name / scope). */
export interface SpanAdapter {
  convention: Convention;
  matches(span: SpanRow): boolean;
  read(span: SpanRow): ActivityDraft;
}

/** Content carried in log records correlated to a span by trace and span id (e.g. instrumentation-openai). */
export interface LogAdapter {
  matches(log: LogRow): boolean;
  read(log: LogRow): ArtifactDraft[];
}
