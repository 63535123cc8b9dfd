// Who is signed in to the explorer: GET /api/auth/me with the session cookie. Any API answer
// 401 (the session ended, or was revoked) sends the browser to the sign-in page.
import type { AuthConfigResponse, WhoAmIResponse } from '@causeway/schemas';
import { useEffect, useState } from 'react';

export const SIGNED_OUT_EVENT = 'causeway:signed-out';

export type Session = { state: 'loading' } | { state: 'signed-out' } | { state: 'signed-in'; me: WhoAmIResponse };

export function useSession(): Session {
  const [s, setS] = useState<Session>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    fetch('/api/auth/me')
      .then(async (r) => {
        if (!live) return;
        setS(r.ok ? { state: 'signed-in', me: (await r.json()) as WhoAmIResponse } : { state: 'signed-out' });
      })
      .catch(() => live && setS({ state: 'signed-out' }));
    const out = (): void => setS({ state: 'signed-out' });
    window.addEventListener(SIGNED_OUT_EVENT, out);
    return () => {
      live = false;
      window.removeEventListener(SIGNED_OUT_EVENT, out);
    };
  }, []);
  return s;
}

export async function authConfig(): Promise<AuthConfigResponse> {
  const r = await fetch('/auth/config');
  return r.ok ? ((await r.json()) as AuthConfigResponse) : { oidc: false };
}

/** Opens a session from an API key or a one-time sign-in code. */
export async function signInWith(body: { token: string } | { code: string }): Promise<WhoAmIResponse> {
  const r = await fetch('/api/auth/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = (await r.json()) as WhoAmIResponse & { error?: string };
  if (!r.ok) throw new Error(answer.error ?? `sign-in failed (${r.status})`);
  return answer;
}

export async function signOut(): Promise<void> {
  await fetch('/api/auth/signout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
}

/** Where to go after signing in: a path on this site only. */
export function nextPath(search: string): string {
  const n = new URLSearchParams(search).get('next') ?? '/';
  return n.startsWith('/') && !n.startsWith('//') && !n.startsWith('/signin') ? n : '/';
}
