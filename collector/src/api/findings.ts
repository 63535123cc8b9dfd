// Detections API (README "Detections"): GET /api/findings, GET /api/findings/:id,
// POST /api/findings/:id/events (status through events), GET /api/detections/rules,
// GET /api/detections/status (the live evaluation's counters). The registry's routes: agents-api.ts.
import type { FindingEventBody, FindingListResponse, FindingStatus, Severity } from '@causeway/schemas';
import { Hono } from 'hono';
import type { TenantRegistries } from '../detections/registry-versions.ts';
import { ruleInfo } from '../detections/catalog.ts';
import type { MonitorStats } from '../detections/monitor.ts';
import type { DetectionPolicy } from '../detections/policy.ts';
import { HttpError, boundedInt, hexId, jsonBody, oneOf, timeNs, traceIdParam } from './params.ts';
import { type ApiEnv, actorOf } from './scope.ts';

const FINDING_PARAMS = ['since', 'rule', 'severity', 'status', 'agent', 'trace', 'limit'];
const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
const STATUSES: readonly FindingStatus[] = ['open', 'acknowledged', 'false_positive', 'escalated', 'resolved'];
const MAX_TEXT = 10_000;

export interface DetectionsView {
  policy: DetectionPolicy;
  registries: TenantRegistries;
  monitor: { readonly stats: MonitorStats };
}

export function findingsApi(d: DetectionsView): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  app.get('/findings', async (c) => {
    const q = c.req.query();
    const unknown = Object.keys(q).filter((k) => !FINDING_PARAMS.includes(k));
    if (unknown.length > 0) throw new HttpError(400, `unknown parameter ${unknown.map((k) => `"${k}"`).join(', ')}; findings take ${FINDING_PARAMS.join(', ')}`);
    const since = q.since ? new Date(Number(BigInt(timeNs(q.since, 'since')) / 1_000_000n)).toISOString() : undefined;
    if (q.rule && !ruleInfo(() => true).some((r) => r.id === q.rule)) throw new HttpError(400, `rule must be one of ${ruleInfo(() => true).map((r) => r.id).join(', ')}`);
    const body: FindingListResponse = {
      findings: await c.var.reads.findings.list({
        limit: boundedInt(q.limit, { name: 'limit', max: 5000, def: 500 }),
        ...(since ? { since } : {}),
        ...(q.rule ? { rule: q.rule } : {}),
        ...(q.severity ? { severity: oneOf(q.severity, SEVERITIES, 'severity') } : {}),
        ...(q.status ? { status: oneOf(q.status, STATUSES, 'status') } : {}),
        ...(q.agent ? { agent: q.agent.slice(0, 500) } : {}),
        ...(q.trace ? { trace: traceIdParam(q.trace, 'trace') } : {}),
      }),
    };
    return c.json(body);
  });

  app.get('/findings/:id', async (c) => {
    const id = hexId(c.req.param('id'), 32, 'finding id');
    const f = await c.var.reads.findings.get(id);
    if (!f) throw new HttpError(404, `finding ${id} not found`);
    return c.json(f);
  });

  app.post('/findings/:id/events', async (c) => {
    const id = hexId(c.req.param('id'), 32, 'finding id');
    const body = await jsonBody<FindingEventBody & { actor?: string }>(c, '{"type": "acknowledged" | "resolved" | "false_positive" (with "reason") | "escalated" | "reopened", "note": "…"}');
    const problem = checkEvent(body as FindingEventBody);
    if (problem) throw new HttpError(400, problem);
    const findings = c.var.reads.findings;
    const finding = await findings.get(id);
    if (!finding) throw new HttpError(404, `finding ${id} not found`);
    const { actor, ...event } = body;
    await findings.appendEvent(finding, event as FindingEventBody, actorOf(c, actor));
    return c.json(await findings.get(id), 201);
  });

  app.get('/detections/status', (c) => c.json(d.monitor.stats));

  app.get('/detections/rules', (c) => c.json({ rules: ruleInfo((id) => d.policy.rules[id].enabled) }));

  return app;
}

const isText = (v: unknown, max = MAX_TEXT): v is string => typeof v === 'string' && v.length <= max;

function checkEvent(b: FindingEventBody): string | undefined {
  const note = (b as { note?: unknown }).note;
  if (note !== undefined && !isText(note)) return `note must be a string of at most ${MAX_TEXT} characters`;
  switch (b.type) {
    case 'acknowledged':
    case 'resolved':
    case 'reopened':
      return undefined;
    case 'false_positive':
      return isText(b.reason) && b.reason.trim() !== '' ? undefined : `a false positive needs a reason: a non-empty string of at most ${MAX_TEXT} characters`;
    case 'escalated':
      return b.incidentId === undefined || /^[0-9a-f]{16}$/.test(b.incidentId) ? undefined : 'incidentId must be an incident id (16 hex)';
    default:
      // resolved_by_approval is Causeway's own (detections/revise.ts), from a stored approval
      return 'type must be one of acknowledged, resolved, false_positive, escalated, reopened';
  }
}
