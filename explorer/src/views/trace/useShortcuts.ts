// Keyboard shortcuts of the trace page. Keys typed into text fields are theirs (a slider or a
// button keeps the shortcuts); the graph handles its own arrow keys (moving between nodes).
import { useEffect, useRef } from 'react';

export interface Shortcut {
  keys: string;
  does: string;
}

/** Listed in the help dialog (?) */
export const SHORTCUTS: Shortcut[] = [
  { keys: '/', does: 'find in trace (Enter: next match, Shift+Enter: previous)' },
  { keys: 'e', does: 'next failed step' },
  { keys: 'p', does: 'frame the key path (or the pinned one)' },
  { keys: 'z', does: 'frame the selection and its neighbours' },
  { keys: 'f', does: 'fit the whole graph' },
  { keys: 'Esc', does: 'close the link evidence, then clear the selection, then leave replay' },
  { keys: '← →', does: 'replay: previous / next step (→ starts replay)' },
  { keys: 'Space', does: 'replay: play / pause' },
  { keys: 'arrows in the graph', does: 'move between nodes; Enter selects (opens a group)' },
  { keys: '↑ ↓ in the waterfall', does: 'move between spans; Enter selects' },
  { keys: '?', does: 'this list' },
];

export type Handlers = Partial<Record<'find' | 'nextError' | 'framePath' | 'frameSelection' | 'fit' | 'escape' | 'prev' | 'next' | 'play' | 'help', () => void>>;

export function useShortcuts(h: Handlers): void {
  const ref = useRef(h);
  ref.current = h;
  useEffect(() => {
    const onKey = (ev: KeyboardEvent): void => {
      const el = ev.target as HTMLElement | null;
      const typing = el && ((el.tagName === 'INPUT' && !['range', 'checkbox', 'button', 'radio'].includes((el as HTMLInputElement).type)) || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
      if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
      if (typing) return;
      // the graph and the waterfall use arrows themselves
      const inGraph = el?.closest?.('[data-testid=graph], [data-testid=waterfall]');
      const map: Record<string, keyof Handlers> = { '/': 'find', e: 'nextError', p: 'framePath', z: 'frameSelection', f: 'fit', Escape: 'escape', ' ': 'play', '?': 'help' };
      let name = map[ev.key];
      if (!inGraph && ev.key === 'ArrowRight') name = 'next';
      if (!inGraph && ev.key === 'ArrowLeft') name = 'prev';
      const fn = name ? ref.current[name] : undefined;
      if (!fn) return;
      if (name === 'play' && el?.tagName === 'BUTTON') return; // space presses the button
      ev.preventDefault();
      fn();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
