// The detection policy file (CAUSEWAY_DETECTION_POLICY, JSON; README "Agent registry"): the
// agents registry (identity, owner, purpose, scope, high-impact tools, approvals) and the rules'
// settings. A file that does not parse or names unknown keys stops start-up with the reason.
import { readFileSync } from 'node:fs';
import { RULE_IDS, type RuleId } from './catalog.ts';
import type { ImpactClass } from './tool-impact.ts';

export interface AgentPolicy {
  /** matched against gen_ai.agent.id, else gen_ai.agent.name */
  id: string;
  /** service.name the agent runs in; any when absent */
  service?: string;
  owner: string;
  purpose: string;
  /** tool names or globs (`crm_*`); absent = scope not declared (rule R2 does not apply) */
  allowedTools?: string[];
  /** resource globs (hosts, tables, channels, paths) the agent may touch; informational here */
  allowedResources?: string[];
  /** tools of this agent that are high-impact, with their class (or true = `write`) */
  highImpactTools?: Record<string, ImpactClass | true>;
  /** tools that need an approval: a list, or "high-impact" for every high-impact call */
  approvalRequired?: string[] | 'high-impact';
  /** whether an automated guardrail's allow counts as an approval (default false: a human decides) */
  acceptGuardrailApproval?: boolean;
  /** the ingest credentials (ids or names) allowed to emit this agent; absent = any (rule R10 does not apply) */
  credentials?: string[];
}

export interface RuleSettings {
  enabled: boolean;
  /** R7: calls of one destructive tool on distinct resources, within windowSeconds */
  minResources?: number;
  windowSeconds?: number;
  /** R5: calls in a window at least, robust z at least, windows of baseline */
  minCalls?: number;
  threshold?: number;
  baselineWindows?: number;
  /** R6: prior calls the agent needs before anything counts as new, and how many are the baseline */
  minHistoryCalls?: number;
  baselineCalls?: number;
}

/** Data sensitivity for R4, least to most restricted: public < internal < confidential < restricted. */
export const SENSITIVITY = ['public', 'internal', 'confidential', 'restricted'] as const;
export type Sensitivity = (typeof SENSITIVITY)[number];

/** Labels content sources: any pattern given must match (regex, case-insensitive). */
export interface SourceLabel {
  label: Sensitivity;
  documentId?: string;
  source?: string;
  producer?: string;
  content?: string;
}

/** Labels sinks: a tool (glob) whose stored arguments match `arguments` (regex), when given. */
export interface SinkLabel {
  label: Sensitivity;
  tool: string;
  arguments?: string;
}

export interface DetectionPolicy {
  agents: AgentPolicy[];
  /** R4: where content comes from and where it goes; built-ins after these (README "Rules") */
  sources: SourceLabel[];
  sinks: SinkLabel[];
  /** tools high-impact for every agent, beyond what their names say */
  highImpactTools: Record<string, ImpactClass | true>;
  /** tools never high-impact, whatever their names say */
  lowImpactTools: string[];
  rules: Record<RuleId, RuleSettings>;
}

const IMPACT: ImpactClass[] = ['destructive', 'payment', 'permission', 'egress', 'write'];
const DEFAULT_RULES = (): Record<RuleId, RuleSettings> => ({
  R1: { enabled: true },
  R2: { enabled: true },
  R3: { enabled: true },
  R4: { enabled: true },
  R5: { enabled: true, windowSeconds: 300, minCalls: 20, threshold: 6, baselineWindows: 24 },
  R6: { enabled: true, minHistoryCalls: 10, baselineCalls: 2000 },
  R7: { enabled: true, minResources: 5, windowSeconds: 300 },
  R8: { enabled: true },
  R9: { enabled: true },
  R10: { enabled: true },
});

export function defaultPolicy(): DetectionPolicy {
  return { agents: [], sources: [], sinks: [], highImpactTools: {}, lowImpactTools: [], rules: DEFAULT_RULES() };
}

export function loadPolicy(file: string | undefined): DetectionPolicy {
  if (!file) return defaultPolicy();
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`detection policy ${file}: ${(e as Error).message}`);
  }
  return parsePolicy(raw, `detection policy ${file}`);
}

export function parsePolicy(raw: unknown, where = 'detection policy'): DetectionPolicy {
  const fail = (msg: string): never => {
    throw new Error(`${where}: ${msg}`);
  };
  if (!isObj(raw)) fail('must be a JSON object');
  const o = raw as Record<string, unknown>;
  known(o, ['agents', 'sources', 'sinks', 'highImpactTools', 'lowImpactTools', 'rules'], '', fail);
  const p = defaultPolicy();
  if (o.agents !== undefined) {
    if (!Array.isArray(o.agents)) fail('agents must be an array');
    p.agents = (o.agents as unknown[]).map((a, i) => parseAgent(a, `agents[${i}]`, fail));
  }
  if (o.sources !== undefined) p.sources = list(o.sources, 'sources', fail).map((x, i) => parseLabel(x, `sources[${i}]`, ['label', 'documentId', 'source', 'producer', 'content'], fail) as unknown as SourceLabel);
  if (o.sinks !== undefined) {
    p.sinks = list(o.sinks, 'sinks', fail).map((x, i) => parseLabel(x, `sinks[${i}]`, ['label', 'tool', 'arguments'], fail) as unknown as SinkLabel);
    p.sinks.forEach((k, i) => typeof k.tool === 'string' || fail(`sinks[${i}].tool must be a tool name or glob`));
  }
  if (o.highImpactTools !== undefined) p.highImpactTools = impactMap(o.highImpactTools, 'highImpactTools', fail);
  if (o.lowImpactTools !== undefined) p.lowImpactTools = strings(o.lowImpactTools, 'lowImpactTools', fail);
  if (o.rules !== undefined) {
    if (!isObj(o.rules)) fail('rules must be an object keyed by rule id');
    for (const [id, v] of Object.entries(o.rules as object)) {
      if (!(RULE_IDS as string[]).includes(id)) fail(`rules: unknown rule "${id}"; known: ${RULE_IDS.join(', ')}`);
      if (!isObj(v)) fail(`rules.${id} must be an object`);
      const s = v as Record<string, unknown>;
      known(s, ['enabled', 'minResources', 'windowSeconds', 'minCalls', 'threshold', 'baselineWindows', 'minHistoryCalls', 'baselineCalls'], `rules.${id}.`, fail);
      const r = p.rules[id as RuleId];
      if (s.enabled !== undefined) r.enabled = s.enabled === true || (s.enabled !== false ? fail(`rules.${id}.enabled must be true or false`) : false);
      for (const k of ['minResources', 'windowSeconds', 'minCalls', 'threshold', 'baselineWindows', 'minHistoryCalls', 'baselineCalls'] as const) {
        if (s[k] === undefined) continue;
        if (!Number.isInteger(s[k]) || (s[k] as number) < 1) fail(`rules.${id}.${k} must be a positive integer`);
        r[k] = s[k] as number;
      }
    }
  }
  return p;
}

export function parseAgent(a: unknown, at: string, fail: (m: string) => never): AgentPolicy {
  if (!isObj(a)) fail(`${at} must be an object`);
  const o = a as Record<string, unknown>;
  known(o, ['id', 'service', 'owner', 'purpose', 'allowedTools', 'allowedResources', 'highImpactTools', 'approvalRequired', 'acceptGuardrailApproval', 'credentials'], `${at}.`, fail);
  for (const k of ['id', 'owner', 'purpose'] as const) if (typeof o[k] !== 'string' || o[k] === '') fail(`${at}.${k} must be a non-empty string`);
  const out: AgentPolicy = { id: o.id as string, owner: o.owner as string, purpose: o.purpose as string };
  if (o.service !== undefined) out.service = typeof o.service === 'string' ? o.service : fail(`${at}.service must be a string`);
  if (o.allowedTools !== undefined) out.allowedTools = strings(o.allowedTools, `${at}.allowedTools`, fail);
  if (o.allowedResources !== undefined) out.allowedResources = strings(o.allowedResources, `${at}.allowedResources`, fail);
  if (o.highImpactTools !== undefined) out.highImpactTools = impactMap(o.highImpactTools, `${at}.highImpactTools`, fail);
  if (o.approvalRequired !== undefined) out.approvalRequired = o.approvalRequired === 'high-impact' ? 'high-impact' : strings(o.approvalRequired, `${at}.approvalRequired`, fail);
  if (o.acceptGuardrailApproval !== undefined) out.acceptGuardrailApproval = o.acceptGuardrailApproval === true;
  if (o.credentials !== undefined) out.credentials = strings(o.credentials, `${at}.credentials`, fail);
  return out;
}

function list(v: unknown, at: string, fail: (m: string) => never): unknown[] {
  return Array.isArray(v) ? v : fail(`${at} must be an array`);
}

function parseLabel(v: unknown, at: string, keys: string[], fail: (m: string) => never): Record<string, string> {
  if (!isObj(v)) fail(`${at} must be an object`);
  const o = v as Record<string, unknown>;
  known(o, keys, `${at}.`, fail);
  if (!SENSITIVITY.includes(o.label as Sensitivity)) fail(`${at}.label must be one of ${SENSITIVITY.join(', ')}`);
  for (const k of keys.slice(1)) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'string') fail(`${at}.${k} must be a string`);
    if (k !== 'tool') {
      try {
        new RegExp(o[k] as string, 'i');
      } catch (e) {
        fail(`${at}.${k}: invalid regular expression: ${(e as Error).message}`);
      }
    }
  }
  return o as Record<string, string>;
}

function impactMap(v: unknown, at: string, fail: (m: string) => never): Record<string, ImpactClass | true> {
  if (Array.isArray(v)) return Object.fromEntries(strings(v, at, fail).map((t) => [t, true as const]));
  if (!isObj(v)) fail(`${at} must be a list of tool names or an object tool → ${IMPACT.join('|')}`);
  const out: Record<string, ImpactClass | true> = {};
  for (const [k, c] of Object.entries(v as object)) {
    if (c !== true && !IMPACT.includes(c as ImpactClass)) fail(`${at}.${k} must be true or one of ${IMPACT.join(', ')}`);
    out[k] = c as ImpactClass | true;
  }
  return out;
}

function strings(v: unknown, at: string, fail: (m: string) => never): string[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && s !== '')) fail(`${at} must be an array of non-empty strings`);
  return v as string[];
}

function known(o: Record<string, unknown>, keys: string[], prefix: string, fail: (m: string) => never): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(`unknown key "${prefix}${k}"; known keys: ${keys.join(', ')}`);
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `crm_*` style globs, case-sensitive, whole name. */
export function globMatch(glob: string, name: string): boolean {
  if (!glob.includes('*')) return glob === name;
  const re = new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}
