import { useEffect, useState } from 'react';
import { ApiError, type Loadable } from './api.ts';

/** Runs `fn` when deps change (aborting the previous run) and tracks loading / error / ready. */
export function useLoad<T>(fn: ((signal: AbortSignal) => Promise<T>) | undefined, deps: unknown[]): [Loadable<T>, () => void] {
  const [state, setState] = useState<Loadable<T>>({ state: fn ? 'loading' : 'idle' });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    if (!fn) {
      setState({ state: 'idle' });
      return;
    }
    const ac = new AbortController();
    setState({ state: 'loading' });
    fn(ac.signal).then(
      (value) => !ac.signal.aborted && setState({ state: 'ready', value }),
      (e: Error) => {
        if (ac.signal.aborted) return;
        setState({ state: 'error', error: e.message, ...(e instanceof ApiError ? { status: e.status } : {}) });
      },
    );
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, nonce]);
  return [state, () => setNonce((n) => n + 1)];
}
