// d3-zoom on the graph's container, shared by both renderers: the SVG moves one <g>, the canvas
// redraws. Renderers subscribe to transform changes instead of owning the zoom behaviour, so
// switching renderer (or re-rendering) never loses the view.
import * as d3 from 'd3';
import { type RefObject, useEffect, useMemo, useRef } from 'react';

export type Transform = d3.ZoomTransform;
export type ZoomListener = (t: Transform, byUser: boolean) => void;

export interface ZoomApi {
  current(): Transform;
  subscribe(fn: ZoomListener): () => void;
  /** moves the view; `ms` > 0 animates (skipped when the user prefers reduced motion) */
  set(t: Transform, ms?: number): void;
  /** true once the user panned or zoomed since the last `reset()` */
  moved(): boolean;
  reset(): void;
}

export const SCALE_EXTENT: [number, number] = [0.01, 6];

export function useZoom(target: RefObject<HTMLElement | null>): ZoomApi {
  const transform = useRef<Transform>(d3.zoomIdentity);
  const listeners = useRef(new Set<ZoomListener>());
  const behaviour = useRef<d3.ZoomBehavior<HTMLElement, unknown> | null>(null);
  const movedByUser = useRef(false);

  useEffect(() => {
    const el = target.current;
    if (!el) return;
    const z = d3
      .zoom<HTMLElement, unknown>()
      .scaleExtent(SCALE_EXTENT)
      .on('zoom', (ev: d3.D3ZoomEvent<HTMLElement, unknown>) => {
        transform.current = ev.transform;
        const byUser = ev.sourceEvent != null;
        if (byUser) movedByUser.current = true;
        for (const fn of listeners.current) fn(ev.transform, byUser);
      });
    behaviour.current = z;
    const sel = d3.select(el);
    sel.call(z).on('dblclick.zoom', null);
    // the element keeps its transform across re-binding
    transform.current = d3.zoomTransform(el);
    return () => {
      sel.on('.zoom', null);
      behaviour.current = null;
    };
  }, [target]);

  return useMemo<ZoomApi>(
    () => ({
      current: () => transform.current,
      subscribe(fn) {
        listeners.current.add(fn);
        return () => listeners.current.delete(fn);
      },
      set(t, ms = 0) {
        const el = target.current;
        const z = behaviour.current;
        if (!el || !z) return;
        const reduced = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
        const sel = d3.select(el);
        if (ms > 0 && !reduced) sel.transition().duration(ms).call(z.transform, t);
        else {
          sel.interrupt();
          sel.call(z.transform, t);
        }
      },
      moved: () => movedByUser.current,
      reset() {
        movedByUser.current = false;
      },
    }),
    [target],
  );
}
