// The redaction policy file (CAUSEWAY_REDACTION_POLICY, JSON; documented in the README).
// Safe defaults: every rule on, placeholder mode. A policy that fails to load stops start-up:
// redaction fails closed, never open.
import { readFileSync } from 'node:fs';
import { patternBound } from './bounded-pattern.ts';
import { DETECTORS } from './detectors.ts';
import { KEY_RULE } from './types.ts';

export type RuleMode = 'placeholder' | 'drop';

export interface CustomPattern {
  id: string;
  pattern: string;
  flags?: string;
  keywords?: string[];
  mode?: RuleMode;
}

export interface RedactionPolicy {
  /** per rule id (built-in, `sensitive_key`, or a custom pattern id) */
  rules: Record<string, { enabled?: boolean; mode?: RuleMode }>;
  patterns: CustomPattern[];
  /** more keys whose values are replaced whole; `/regex/` for a pattern */
  sensitiveKeys: string[];
  /** attribute keys never redacted (exact) */
  allowKeys: string[];
  /** values never redacted (exact match of the detected value) */
  allowValues: string[];
}

export const DEFAULT_POLICY: RedactionPolicy = { rules: {}, patterns: [], sensitiveKeys: [], allowKeys: [], allowValues: [] };

const TOP_LEVEL = new Set(['rules', 'patterns', 'sensitiveKeys', 'allowKeys', 'allowValues']);

export function loadPolicy(path: string | undefined): RedactionPolicy {
  if (!path) return DEFAULT_POLICY;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`redaction policy ${path} cannot be read: ${(e as Error).message}`);
  }
  try {
    return parsePolicy(raw);
  } catch (e) {
    throw new Error(`redaction policy ${path} is invalid: ${(e as Error).message}`);
  }
}

export function parsePolicy(raw: unknown): RedactionPolicy {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('must be a JSON object');
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!TOP_LEVEL.has(k)) throw new Error(`unknown field "${k}" (expected ${[...TOP_LEVEL].join(', ')})`);
  const patterns = list(o.patterns, 'patterns').map((p, i) => customPattern(p, i));
  const known = new Set<string>([...DETECTORS.map((d) => d.id), KEY_RULE, ...patterns.map((p) => p.id)]);
  const rules: RedactionPolicy['rules'] = {};
  if (o.rules !== undefined) {
    if (typeof o.rules !== 'object' || o.rules === null || Array.isArray(o.rules)) throw new Error('"rules" must be an object keyed by rule id');
    for (const [id, v] of Object.entries(o.rules)) {
      if (!known.has(id)) throw new Error(`rules: unknown rule id "${id}"`);
      if (typeof v !== 'object' || v === null) throw new Error(`rules.${id} must be an object`);
      const r = v as Record<string, unknown>;
      if (r.enabled !== undefined && typeof r.enabled !== 'boolean') throw new Error(`rules.${id}.enabled must be true or false`);
      if (r.mode !== undefined && r.mode !== 'placeholder' && r.mode !== 'drop') throw new Error(`rules.${id}.mode must be "placeholder" or "drop"`);
      rules[id] = { enabled: r.enabled as boolean | undefined, mode: r.mode as RuleMode | undefined };
    }
  }
  const sensitiveKeys = strings(o.sensitiveKeys, 'sensitiveKeys');
  for (const k of sensitiveKeys) if (k.startsWith('/') && k.endsWith('/')) compile(k.slice(1, -1), 'i', `sensitiveKeys "${k}"`);
  return { rules, patterns, sensitiveKeys, allowKeys: strings(o.allowKeys, 'allowKeys'), allowValues: strings(o.allowValues, 'allowValues') };
}

function customPattern(v: unknown, i: number): CustomPattern {
  if (typeof v !== 'object' || v === null) throw new Error(`patterns[${i}] must be an object`);
  const p = v as Record<string, unknown>;
  if (typeof p.id !== 'string' || !/^[a-z][a-z0-9_]{1,63}$/.test(p.id)) throw new Error(`patterns[${i}].id must be a lowercase identifier`);
  if (typeof p.pattern !== 'string' || !p.pattern) throw new Error(`patterns[${i}].pattern must be a regular expression string`);
  const flags = p.flags === undefined ? '' : String(p.flags);
  if (!/^[imsu]*$/.test(flags)) throw new Error(`patterns[${i}].flags may only use i, m, s, u`);
  compile(p.pattern, flags, `patterns[${i}].pattern`);
  // Detection must stay linear in the input (bounded-pattern.ts): a pattern that can backtrack without bound is refused.
  const bound = patternBound(p.pattern, flags);
  if ('unbounded' in bound) throw new Error(`patterns[${i}].pattern must stay linear in its input: ${bound.unbounded}`);
  if (p.mode !== undefined && p.mode !== 'placeholder' && p.mode !== 'drop') throw new Error(`patterns[${i}].mode must be "placeholder" or "drop"`);
  return { id: p.id, pattern: p.pattern, flags, keywords: p.keywords === undefined ? undefined : strings(p.keywords, `patterns[${i}].keywords`).map((k) => k.toLowerCase()), mode: p.mode as RuleMode | undefined };
}

function compile(source: string, flags: string, where: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (e) {
    throw new Error(`${where} is not a valid regular expression: ${(e as Error).message}`);
  }
}

function list(v: unknown, name: string): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new Error(`"${name}" must be an array`);
  return v;
}

function strings(v: unknown, name: string): string[] {
  const a = list(v, name);
  for (const x of a) if (typeof x !== 'string') throw new Error(`"${name}" must be an array of strings`);
  return a as string[];
}
