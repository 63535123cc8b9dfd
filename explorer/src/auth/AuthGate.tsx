// The explorer behind sign-in: /signin is the sign-in page; every other view needs a session
// (a 401 from any API call sends the browser back to sign in); /audit is the access audit.
import { useEffect } from 'react';
import { AccountBar } from './AccountBar.tsx';
import { AuditPage } from './AuditPage.tsx';
import { SignIn } from './SignIn.tsx';
import { useSession } from './session.ts';

export function AuthGate({ children }: { children: React.ReactNode }): React.JSX.Element {
  const session = useSession();
  const path = location.pathname;
  const open = path === '/signin' || path.startsWith('/bench'); // the bench page draws generated graphs and reads no data
  useEffect(() => {
    if (!open && session.state === 'signed-out') location.replace(`/signin?next=${encodeURIComponent(location.pathname + location.search)}`);
  }, [open, session.state]);
  if (path === '/signin') return <SignIn />;
  if (open) return <>{children}</>;
  if (session.state !== 'signed-in') return <div className="loading">Signing in…</div>;
  return (
    <>
      <AccountBar me={session.me} />
      {path === '/audit' ? (
        <div className="app">
          <header className="topbar">
            <a className="brand" href="/">
              Causeway
            </a>
            <nav>
              <a href="/">Traces</a>
              <a href="/incidents">Incidents</a>
              <a className="active" href="/audit">
                Audit
              </a>
            </nav>
          </header>
          <main>
            <AuditPage />
          </main>
        </div>
      ) : (
        children
      )}
    </>
  );
}
