import type { AnyValue } from '@causeway/schemas';

/** An OTLP attribute value as text. */
export function anyValueText(v: AnyValue | undefined): string {
  if (!v) return '';
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return String(v.intValue);
  if ('doubleValue' in v) return String(v.doubleValue);
  if ('boolValue' in v) return String(v.boolValue);
  if ('bytesValue' in v) return `bytes(${v.bytesValue})`;
  if ('arrayValue' in v) return `[${v.arrayValue.values.map(anyValueText).join(', ')}]`;
  if ('kvlistValue' in v) return `{${v.kvlistValue.values.map((kv) => `${kv.key}: ${anyValueText(kv.value)}`).join(', ')}}`;
  return '';
}

export function fmtDuration(ns: number | bigint): string {
  const n = Number(ns);
  if (n < 1_000) return `${n} ns`;
  if (n < 1_000_000) return `${(n / 1_000).toFixed(1)} µs`;
  if (n < 1_000_000_000) return `${(n / 1_000_000).toFixed(1)} ms`;
  return `${(n / 1_000_000_000).toFixed(2)} s`;
}

export function fmtTime(ns: string): string {
  if (!ns || ns === '0') return '';
  const ms = Number(BigInt(ns) / 1_000_000n);
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

export const shortId = (id: string): string => (id.startsWith('act:') ? id.slice(-16) : id.startsWith('art:') ? id.slice(4, 16) : id.slice(0, 12));

/** Redaction placeholders as they appear in stored content: [REDACTED:<rule>:<fingerprint>]. */
export const PLACEHOLDER = /\[REDACTED:([a-z0-9_]+):([0-9a-f]{6,16})\]/g;

/**
 * The most the collector stores of one artifact's (redacted) content: CONTENT_LIMIT in
 * collector/src/processors/provenance.ts. Longer content is stored cut at this length.
 */
export const STORED_CONTENT_LIMIT = 64 * 1024;

/**
 * Whether stored content was cut. The API's `contentTruncated` compares the stored (redacted)
 * text with the length before redaction, so placeholders that made a text shorter read as a
 * cut, and placeholders that made it longer hide a real one. Content is cut exactly when the
 * stored text reached the limit.
 */
export function contentCut(a: { content: string }): boolean {
  return a.content.length >= STORED_CONTENT_LIMIT;
}
