// A causal slice loaded progressively: a shallow walk first (answers in moments even on big
// traces and is shown at once, marked partial), then deeper ones until the walk ends on its own
// or reaches the API's default depth. The request in flight can be cancelled (AbortController);
// what was found so far stays on screen.
import type { SliceResponse } from '@causeway/schemas';
import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../../api.ts';

/** depths asked for, in turn; the last is the API's default */
export const DEPTHS = [2, 5, 12] as const;

export type SliceLoad =
  | { state: 'idle' }
  | { state: 'loading'; depth: number; value?: SliceResponse | undefined; since: number }
  | { state: 'ready'; value: SliceResponse }
  | { state: 'cancelled'; value?: SliceResponse | undefined; depth: number }
  | { state: 'error'; error: string; status?: number; value?: SliceResponse | undefined };

export interface SliceHandle {
  load: SliceLoad;
  cancel(): void;
  retry(): void;
}

/** The deepest complete-or-partial answer so far. */
export const sliceValue = (l: SliceLoad): SliceResponse | undefined => (l.state === 'idle' ? undefined : l.state === 'ready' ? l.value : l.value);

/** A walk cut by the depth limit goes on deeper; one cut by the node limit is as deep as it gets. */
const cutByDepth = (s: SliceResponse): boolean => s.truncated && /depth/.test(s.truncatedReason ?? '');

export function useSlice(seed: string | undefined, direction: 'backward' | 'forward', enabled: boolean): SliceHandle {
  const [load, setLoad] = useState<SliceLoad>({ state: 'idle' });
  const [nonce, setNonce] = useState(0);
  const ac = useRef<AbortController | null>(null);
  useEffect(() => {
    if (!seed || !enabled) {
      setLoad({ state: 'idle' });
      return;
    }
    // answered already at the deepest depth (the trace overview carries the key node's): no walk
    const done = api.cachedSlice(seed, direction, DEPTHS.at(-1));
    if (done) {
      setLoad({ state: 'ready', value: done });
      return;
    }
    const c = new AbortController();
    ac.current = c;
    const since = performance.now();
    let value: SliceResponse | undefined;
    void (async () => {
      for (const depth of DEPTHS) {
        setLoad({ state: 'loading', depth, value, since });
        try {
          value = await api.slice(seed, direction, c.signal, depth);
        } catch (e) {
          if (c.signal.aborted) return;
          setLoad({ state: 'error', error: (e as Error).message, ...(e instanceof ApiError ? { status: e.status } : {}), value });
          return;
        }
        if (c.signal.aborted) return;
        if (!cutByDepth(value) || depth === DEPTHS.at(-1)) break;
      }
      setLoad({ state: 'ready', value: value! });
    })();
    return () => c.abort();
  }, [seed, direction, enabled, nonce]);
  return {
    load,
    cancel() {
      if (load.state !== 'loading') return;
      ac.current?.abort();
      setLoad({ state: 'cancelled', value: load.value, depth: load.depth });
    },
    retry: () => setNonce((n) => n + 1),
  };
}
