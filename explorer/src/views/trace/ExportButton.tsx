// Export: downloads the signed evidence bundle of the selected node's slice, or of the trace;
// from an incident page, the bundle carries the incident and is listed with it.
import { useState } from 'react';
import { api } from '../../api.ts';
import type { Direction } from '../../url.ts';

export function ExportButton({
  traceId,
  selected,
  dir,
  incident,
  onExported,
}: {
  traceId: string;
  selected: string | undefined;
  dir: Direction;
  /** exported from this incident */
  incident?: string;
  /** told the bundle's SHA-256 once the download is handed to the browser */
  onExported?: (sha256: string) => void;
}): React.JSX.Element {
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string }>();
  return (
    <>
      <button
        data-testid="export"
        disabled={busy}
        title={
          (selected ? 'Evidence bundle of the causal slice of the selected node' : 'Evidence bundle of the whole trace') + (incident ? ', with this incident (title, notes, seeds)' : '')
        }
        onClick={() => {
          setBusy(true);
          setMsg(undefined);
          api
            .bundle(traceId, selected, dir === 'forward' ? 'forward' : 'backward', incident)
            .then(({ blob, filename, sha256 }) => {
              const url = URL.createObjectURL(blob);
              const a = document.createElement('a');
              a.href = url;
              a.download = filename;
              document.body.append(a);
              a.click();
              a.remove();
              setTimeout(() => URL.revokeObjectURL(url), 60_000);
              setMsg({ ok: true, text: `Exported ${filename} (sha256 ${sha256.slice(0, 12)}…)` });
              onExported?.(sha256);
            })
            .catch((e: Error) => setMsg({ ok: false, text: e.message }))
            .finally(() => setBusy(false));
        }}
      >
        {busy ? 'Exporting…' : selected ? 'Export slice bundle' : 'Export trace bundle'}
      </button>
      {msg ? (
        <span className={`small ${msg.ok ? 'muted' : 'error-inline'}`} data-testid="export-status">
          {msg.text}
        </span>
      ) : null}
    </>
  );
}
