// Reads any stored span (or correlated log record) into a provenance draft. Adapters are tried in
// this order, first match wins; the order matters where conventions overlap:
//   0. approval      — approval and guardrail spans (approval.ts): a decision, whatever else they carry.
//   1. openinference — `openinference.span.kind` is unambiguous, and its spans may also carry
//      stray gen_ai.* keys.
//   2. traceloop     — `traceloop.span.kind` / entity input-output / db.query.result events. Its
//      chat spans carry no traceloop kind and fall through to genai (they are plain GenAI).
//   3. genai         — gen_ai.operation.name, message attributes, indexed gen_ai.prompt/completion,
//      GenAI message events. Before vercel-ai: Vercel AI v7 spans speak GenAI and are read as
//      GenAI, while v6 spans only set gen_ai.system / request / response keys, which do not match.
//   4. vercel-ai     — scope `ai` / `ai.operationId`.
//   5. other         — everything else, never dropped.
// A draft never throws out of here: an adapter failure degrades to `other` for that span.
import type { LogRow, SpanRow } from '@causeway/schemas';
import { approvalAdapter } from './approval.ts';
import { genaiAdapter } from './genai.ts';
import { genaiLogAdapter } from './genai-logs.ts';
import { openInferenceAdapter } from './openinference.ts';
import { otherAdapter } from './other.ts';
import { traceloopAdapter } from './traceloop.ts';
import type { ActivityDraft, ArtifactDraft, LogAdapter, SpanAdapter } from './types.ts';
import { vercelAiAdapter } from './vercel-ai.ts';

export const SPAN_ADAPTERS: readonly SpanAdapter[] = [approvalAdapter, openInferenceAdapter, traceloopAdapter, genaiAdapter, vercelAiAdapter, otherAdapter];
export const LOG_ADAPTERS: readonly LogAdapter[] = [genaiLogAdapter];

export function adaptSpan(span: SpanRow): ActivityDraft {
  for (const adapter of SPAN_ADAPTERS) {
    try {
      if (adapter.matches(span)) return adapter.read(span);
    } catch {
      // Malformed content in a shape no reader expected: keep the span, as an activity without content.
      break;
    }
  }
  return otherAdapter.read(span);
}

/** Content a log record adds to the span it is correlated with (none when no adapter knows it). */
export function adaptLog(log: LogRow): ArtifactDraft[] {
  for (const adapter of LOG_ADAPTERS) {
    try {
      if (adapter.matches(log)) return adapter.read(log);
    } catch {
      return [];
    }
  }
  return [];
}
