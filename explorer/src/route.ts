// The URL is the view state: a tiny router over history.pushState / popstate.
import { useCallback, useEffect, useState } from 'react';
import { formatUrl, parseUrl, type ViewState } from './url.ts';

export type Navigate = (s: ViewState, o?: { replace?: boolean }) => void;

export function useRoute(): [ViewState, Navigate] {
  const [state, setState] = useState<ViewState>(() => parseUrl(location.pathname, location.search));
  useEffect(() => {
    const on = (): void => setState(parseUrl(location.pathname, location.search));
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  const navigate = useCallback<Navigate>((s, o) => {
    const url = formatUrl(s);
    if (url !== location.pathname + location.search) {
      if (o?.replace) history.replaceState(null, '', url);
      else history.pushState(null, '', url);
    }
    setState(parseUrl(location.pathname, location.search));
  }, []);
  return [state, navigate];
}

/** A link that navigates inside the app (and still opens in a new tab with a modifier key). */
export function linkProps(s: ViewState, navigate: Navigate): { href: string; onClick: (ev: React.MouseEvent) => void } {
  const href = formatUrl(s);
  return {
    href,
    onClick: (ev) => {
      if (ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return;
      ev.preventDefault();
      navigate(s);
    },
  };
}
