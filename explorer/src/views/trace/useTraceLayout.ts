// The graph's layout, computed in the Web Worker whenever the drawn graph changes; a newer
// graph's layout replaces an older one that is still on its way.
import { useEffect, useState } from 'react';
import { type TimedLayout, layoutAsync } from '../../graph/layout/client.ts';
import { toLayoutInput } from '../../graph/layout/input.ts';
import type { Graph } from '../../graph/model.ts';

export function useTraceLayout(view: Graph | undefined): { layout: TimedLayout | undefined; error: string } {
  const [layout, setLayout] = useState<TimedLayout | undefined>();
  const [error, setError] = useState('');
  useEffect(() => {
    if (!view) return;
    let live = true;
    setLayout(undefined);
    setError('');
    layoutAsync(toLayoutInput(view)).then(
      (r) => live && setLayout(r),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [view]);
  return { layout, error };
}
