// Feeds the captured payloads of real agent libraries (fixtures/agents/captured) to a running
// collector over OTLP/HTTP, as the libraries' exporters sent them. Used by the browser tests and
// by `tsx explorer/test/feed.ts <otlp url> [library] [scenario…]` during development.
import { loadCaptured } from '../../fixtures/agents/captured.ts';
import type { ScenarioName } from '../../fixtures/agents/scenarios.ts';
import type { Library } from '../../fixtures/agents/telemetry.ts';

export async function feedCaptured(otlpUrl: string, library: Library, scenarios: ScenarioName[], headers: Record<string, string> = {}): Promise<Record<string, string>> {
  const traceOf: Record<string, string> = {};
  for (const scenario of scenarios) {
    const traces = loadCaptured(library, scenario, 'traces');
    if (!traces) throw new Error(`no captured ${library}/${scenario} traces`);
    traceOf[scenario] = traces.traceId;
    const logs = loadCaptured(library, scenario, 'logs');
    for (const r of [...traces.requests, ...(logs?.requests ?? [])]) {
      const res = await fetch(`${otlpUrl}${r.path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(r.body) });
      if (res.status !== 200) throw new Error(`POST ${r.path} answered ${res.status}: ${await res.text()}`);
    }
  }
  return traceOf;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, library = 'openai', ...scenarios] = process.argv.slice(2);
  if (!url) throw new Error('usage: CAUSEWAY_TOKEN=<ingest token> tsx explorer/test/feed.ts <otlp url> [library] [scenario…]');
  const auth: Record<string, string> = process.env.CAUSEWAY_TOKEN ? { authorization: `Bearer ${process.env.CAUSEWAY_TOKEN}` } : {};
  const ids = await feedCaptured(url, library as Library, (scenarios.length ? scenarios : ['prompt-injection', 'benign', 'data-mixing', 'over-broad-action']) as ScenarioName[], auth);
  console.log(JSON.stringify(ids, null, 2));
}
