// The bundles exported from one incident (the chain of custody's entries that name it), newest
// first, and the export button that adds one. An export is recorded once the collector finished
// sending it: after a download the list is asked again until the new bundle is in it.
import type { ExportRecord } from '@causeway/schemas';
import { parseNodeId } from '@causeway/schemas';
import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { useLoad } from '../load.ts';
import { ExportButton } from './trace/ExportButton.tsx';

/** How long the list is asked again for a bundle just downloaded (its record follows the download). */
const WAIT_FOR_RECORD_MS = 30_000;

export function IncidentExports({ incident, seeds, traceIds }: { incident: string; seeds: string[]; traceIds: string[] }): React.JSX.Element {
  const [list, reload] = useLoad((signal) => api.incidentExports(incident, signal), [incident]);
  const [awaiting, setAwaiting] = useState<{ sha: string; until: number }>();
  // the seed's own trace for a slice of an activity; an artifact's slice starts from the incident's first trace
  const seed = seeds[0];
  const ref = seed ? parseNodeId(seed) : undefined;
  const trace = ref?.type === 'activity' ? ref.traceId : traceIds[0];
  const listed = list.state === 'ready' ? list.value.exports : [];
  const pending = awaiting && !listed.some((e) => e.bundleSha256 === awaiting.sha) && Date.now() < awaiting.until;
  useEffect(() => {
    if (!pending || list.state === 'loading') return;
    const t = setTimeout(reload, 500);
    return () => clearTimeout(t);
  }, [pending, list, reload]);
  return (
    <section data-testid="incident-exports">
      <h4>Evidence bundles</h4>
      {trace ? (
        <p>
          <ExportButton traceId={trace} selected={seed} dir="backward" incident={incident} onExported={(sha) => setAwaiting({ sha, until: Date.now() + WAIT_FOR_RECORD_MS })} />
        </p>
      ) : (
        <p className="muted">Nothing to export: the incident names no trace.</p>
      )}
      {list.state === 'loading' && listed.length === 0 ? <div className="loading">Loading the bundles exported from this incident…</div> : null}
      {list.state === 'error' ? (
        <div className="muted" data-testid="incident-exports-error">
          {list.status === 403 ? 'Your role may not see the chain of custody (exports need the export permission).' : `Could not load the exports: ${list.error}`}{' '}
          <button onClick={reload}>Retry</button>
        </div>
      ) : null}
      {pending ? <div className="loading small">Waiting for the collector to record the export…</div> : null}
      {list.state === 'ready' && listed.length === 0 ? (
        <p className="muted" data-testid="incident-exports-empty">
          No bundle was exported from this incident yet.
        </p>
      ) : null}
      {listed.length > 0 ? (
        <table className="traces" data-testid="incident-export-table">
          <thead>
            <tr>
              <th>Exported</th>
              <th>By</th>
              <th>What</th>
              <th>Rows</th>
              <th>SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {listed.map((e) => (
              <tr key={e.bundleSha256 + e.exportedAt} data-testid="incident-export" data-sha256={e.bundleSha256}>
                <td>{e.exportedAt} UTC</td>
                <td>{e.exporter}</td>
                <td>{selectionOf(e)}</td>
                <td>{e.rows}</td>
                <td className="mono small" title={e.bundleSha256}>
                  {e.bundleSha256.slice(0, 16)}…
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** The manifest's query in words: a slice from a node, or whole traces. */
function selectionOf(e: ExportRecord): string {
  try {
    const q = JSON.parse(e.query) as { slice?: { direction: string; spanId?: string; artifactId?: string }; traceIds?: string[] };
    if (q.slice) return `${q.slice.direction} slice from ${q.slice.spanId ? `span ${q.slice.spanId}` : `artifact ${q.slice.artifactId?.slice(0, 12)}…`}`;
    return `${q.traceIds?.length ?? 0} whole trace(s)`;
  } catch {
    return e.query.slice(0, 80);
  }
}
