// `causeway token create|list|revoke`: credentials, with the same configuration as `start`,
// whether or not the collector is running (the store is a file under the data dir that a
// running collector re-reads). `create` prints the new token as the last line of stdout.
import { userInfo } from 'node:os';
import { type CredentialInfo, ROLES, type Role, isRole } from '@causeway/schemas';
import { CredentialStore } from '../auth/credential-store.ts';
import { loadConfig } from '../config.ts';

const USAGE = [
  'usage: causeway token create --tenant <t> --role <ingest|viewer|responder|compliance|admin> [--name <n>] [--service <name>…] [--agent <name>…]',
  '       causeway token list [--tenant <t>] [--json]',
  '       causeway token revoke <id>',
].join('\n');

/** `--flag v` pairs; --service and --agent take every value up to the next flag, and repeat. */
function parse(args: string[]): { flags: Record<string, string[]>; positional: string[] } {
  const flags: Record<string, string[]> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const name = a.slice(2);
    const list = (flags[name] ??= []);
    if (name === 'json') continue;
    if (name === 'service' || name === 'agent') {
      while (i + 1 < args.length && !args[i + 1]!.startsWith('--')) list.push(args[++i]!);
    } else if (i + 1 < args.length) list.push(args[++i]!);
  }
  return { flags, positional };
}

export function tokenCommand(args: string[]): number {
  process.umask(0o077);
  const [sub, ...rest] = args;
  const { flags, positional } = parse(rest);
  const one = (n: string): string | undefined => flags[n]?.[flags[n]!.length - 1];
  const store = CredentialStore.open(loadConfig().dataDir);
  const by = `cli:${safeUser()}`;
  switch (sub) {
    case 'create': {
      const tenant = one('tenant');
      const role = one('role');
      if (!tenant || !role) throw new Error(`--tenant and --role are required\n${USAGE}`);
      if (!isRole(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}, got "${role}"`);
      const name = one('name');
      const { credential, token } = store.create({ tenant, role: role as Role, ...(name ? { name } : {}), services: flags.service ?? [], agents: flags.agent ?? [], by });
      const bound = [credential.services.length ? `services: ${credential.services.join(', ')}` : '', credential.agents.length ? `agents: ${credential.agents.join(', ')}` : ''].filter(Boolean).join('; ');
      process.stdout.write(
        `created ${credential.role} credential ${credential.id} "${credential.name}" for tenant ${credential.tenant}${bound ? ` (${bound})` : ''}\n` +
          `the token is shown once; it is stored only as a hash. Use it as Authorization: Bearer <token>${credential.role === 'ingest' ? ' (OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer <token>)' : ''}:\n` +
          `${token}\n`,
      );
      return 0;
    }
    case 'list': {
      const tenant = one('tenant');
      const list = store.list(tenant);
      if (flags.json) process.stdout.write(`${JSON.stringify({ credentials: list }, null, 2)}\n`);
      else process.stdout.write(table(list));
      return 0;
    }
    case 'revoke': {
      const id = positional[0] ?? one('id');
      if (!id) throw new Error(`give the credential id\n${USAGE}`);
      const c = store.revoke(id, by);
      if (!c) {
        process.stderr.write(`no credential ${id}\n`);
        return 1;
      }
      process.stdout.write(`revoked ${c.role} credential ${c.id} "${c.name}" of tenant ${c.tenant} (a running collector refuses it within a second)\n`);
      return 0;
    }
    default:
      throw new Error(USAGE);
  }
}

function table(list: CredentialInfo[]): string {
  const rows = [['ID', 'TENANT', 'ROLE', 'NAME', 'BOUND TO', 'CREATED', 'LAST USED', 'REVOKED']];
  for (const c of list) {
    rows.push([c.id, c.tenant, c.role, c.name, [...c.services, ...c.agents.map((a) => `agent:${a}`)].join(',') || '-', c.createdAt, c.lastUsedAt ?? '-', c.revokedAt ?? '-']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
