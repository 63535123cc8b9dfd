// Runs the layout in a Web Worker (one per page, requests answered in order); falls back to the
// main thread where workers are unavailable. Reports the wall time including the transfer.
import { type LayoutInput, type LayoutResult, layout } from './layout.ts';

let worker: Worker | undefined;
let seq = 0;
const pending = new Map<number, { resolve: (r: LayoutResult) => void; reject: (e: Error) => void }>();

function getWorker(): Worker | undefined {
  if (worker) return worker;
  if (typeof Worker === 'undefined') return undefined;
  try {
    worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (ev: MessageEvent<{ id: number; result?: LayoutResult; error?: string }>) => {
      const p = pending.get(ev.data.id);
      if (!p) return;
      pending.delete(ev.data.id);
      if (ev.data.result) p.resolve(ev.data.result);
      else p.reject(new Error(ev.data.error ?? 'layout failed'));
    };
    return worker;
  } catch {
    return undefined;
  }
}

/** Starts the worker ahead of the first layout (its script loads and starts while the graph's data is still on its way). */
export function prepareLayout(): void {
  getWorker();
}

export interface TimedLayout extends LayoutResult {
  /** wall time from request to answer, in ms (the worker's own time is `ms`) */
  wallMs: number;
  inWorker: boolean;
}

export async function layoutAsync(input: LayoutInput): Promise<TimedLayout> {
  const t0 = performance.now();
  const w = getWorker();
  if (!w) {
    const r = layout(input);
    return { ...r, wallMs: performance.now() - t0, inWorker: false };
  }
  const id = ++seq;
  const r = await new Promise<LayoutResult>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.postMessage({ id, input });
  });
  return { ...r, wallMs: performance.now() - t0, inWorker: true };
}
