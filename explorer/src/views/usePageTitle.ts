// Each page says what it shows in the tab's title (so a responder's tabs can be told apart).
import { useEffect } from 'react';

export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} — Causeway` : 'Causeway';
  }, [title]);
}
