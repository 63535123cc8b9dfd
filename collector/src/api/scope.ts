// What a route inside one tenant's API sees of its request: the Node bindings and the
// authenticated principal (set by the guard, never from a header or the body).
import type { HttpBindings } from '@hono/node-server';
import type { Principal } from '../auth/principal.ts';

export type ScopedBindings = HttpBindings & { principal?: Principal };
export type ScopedEnv = { Bindings: ScopedBindings };

/** How people and records name the principal: its name and which credential or subject it is. */
export function displayName(p: Principal | undefined): string {
  if (!p) return 'anonymous';
  if (!p.id) return p.name || 'local';
  return `${p.name} (${p.kind === 'session' && p.credentialId ? 'token' : p.kind} ${p.id.slice(0, 40)})`;
}
