// The keyboard shortcuts, listed in a dialog (? opens it, Esc closes it).
import { useEffect, useRef } from 'react';
import { SHORTCUTS } from './useShortcuts.ts';

export function ShortcutHelp({ onClose }: { onClose(): void }): React.JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} className="help" data-testid="shortcuts" aria-label="keyboard shortcuts" onClose={onClose} onCancel={onClose}>
      <h3>Keyboard shortcuts</h3>
      <table>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <th>
                <kbd>{s.keys}</kbd>
              </th>
              <td>{s.does}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button onClick={onClose} autoFocus>
        Close
      </button>
    </dialog>
  );
}
