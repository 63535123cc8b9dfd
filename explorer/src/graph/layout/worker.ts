// The layout off the main thread: receives a LayoutInput, answers with the LayoutResult
// (typed arrays transferred, not copied).
import { type LayoutInput, layout } from './layout.ts';

interface WorkerScope {
  onmessage: ((ev: MessageEvent<{ id: number; input: LayoutInput }>) => void) | null;
  postMessage(msg: unknown, transfer: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

scope.onmessage = (ev) => {
  const { id, input } = ev.data;
  try {
    const r = layout(input);
    scope.postMessage({ id, result: r }, [r.x.buffer, r.y.buffer, r.layer.buffer]);
  } catch (e) {
    scope.postMessage({ id, error: (e as Error).message }, []);
  }
};
