// Content addressing: artifact_id = HMAC-SHA256(tenant key, kind ‖ 0x00 ‖ canonical content),
// truncated to 128 bits (32 hex). Keyed, so an id reveals nothing about content to anyone
// without the tenant key; deterministic, so the same content is one artifact across traces.
import { createHmac } from 'node:crypto';
import type { ArtifactKind } from './adapters/types.ts';

export function artifactId(key: Buffer, kind: ArtifactKind, canonical: string): string {
  // Tool requests are identified by name + arguments (DESIGN: "tool_request (name + arguments)");
  // kinds of plain text share one namespace per kind so a document and a prompt never collide.
  return createHmac('sha256', key).update(kind).update('\u0000').update(canonical).digest('hex').slice(0, 32);
}

/** Canonical content of a tool request: the tool name and its canonical arguments. */
export function toolRequestContent(toolName: string, canonicalArgs: string): string {
  return `${toolName}\u0000${canonicalArgs}`;
}
