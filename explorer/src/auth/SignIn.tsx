// /signin: through the identity provider (when one is configured), with an API key, or with the
// one-time link Causeway prints at start (/signin#code=…: the code stays in the fragment, so it
// never reaches a server log or a Referer).
import type { AuthConfigResponse } from '@causeway/schemas';
import { useEffect, useState } from 'react';
import { authConfig, nextPath, signInWith } from './session.ts';

export function SignIn(): React.JSX.Element {
  const [config, setConfig] = useState<AuthConfigResponse>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [token, setToken] = useState('');
  const next = nextPath(location.search);
  const done = (): void => location.assign(next);

  useEffect(() => {
    void authConfig().then(setConfig);
    const code = new URLSearchParams(location.hash.slice(1)).get('code');
    if (code) {
      history.replaceState(null, '', location.pathname + location.search); // the code is single-use: drop it
      setBusy(true);
      signInWith({ code }).then(done, (e: Error) => {
        setBusy(false);
        setError(e.message);
      });
    }
  }, []);

  const withKey = (ev: React.FormEvent): void => {
    ev.preventDefault();
    setBusy(true);
    setError(undefined);
    signInWith({ token: token.trim() }).then(done, (e: Error) => {
      setBusy(false);
      setError(e.message);
    });
  };

  return (
    <div className="signin" data-testid="signin">
      <h1>Causeway</h1>
      <p className="muted">Sign in to read traces, slices and incidents.</p>
      {error ? (
        <div className="error" data-testid="signin-error">
          {error}
        </div>
      ) : null}
      {config?.oidc ? (
        <p>
          <a className="button primary" data-testid="signin-oidc" href={`/auth/login?next=${encodeURIComponent(next)}`}>
            Sign in with {config.provider}
          </a>
        </p>
      ) : null}
      <form onSubmit={withKey}>
        <label>
          API key
          <input type="password" autoComplete="off" data-testid="signin-token" value={token} onChange={(e) => setToken(e.target.value)} placeholder="cw_…" />
        </label>
        <button type="submit" disabled={busy || !token.trim()} data-testid="signin-submit">
          Sign in
        </button>
      </form>
      <p className="muted small">
        On the collector's machine, <code>npx causeway token create --tenant default --role viewer</code> makes an API key; the link printed at start signs the local admin in once.
      </p>
    </div>
  );
}
