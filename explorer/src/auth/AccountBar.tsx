// Who is signed in, in which tenant and role; the audit (for those allowed) and sign-out.
import type { WhoAmIResponse } from '@causeway/schemas';
import { signOut } from './session.ts';

export function AccountBar({ me }: { me: WhoAmIResponse }): React.JSX.Element {
  return (
    <div className="account" data-testid="account">
      <span data-testid="account-name" title={`${me.kind} ${me.id}`}>
        {me.name}
      </span>
      <span className="badge" data-testid="account-role">
        {me.role} · {me.tenant}
      </span>
      {me.permissions.includes('audit') ? (
        <a href="/audit" data-testid="nav-audit">
          Audit
        </a>
      ) : null}
      <button
        type="button"
        data-testid="signout"
        onClick={() => {
          void signOut().then(() => location.assign('/signin'));
        }}
      >
        Sign out
      </button>
    </div>
  );
}
