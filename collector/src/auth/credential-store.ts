// The credential store: an append-only file of credential events (created, revoked) under
// `<data dir>/auth/`, 0600 in a 0700 directory, holding only SHA-256 of each secret. A file and
// not a ClickHouse table because embedded chDB binds its data directory to one process: the
// CLI must create and revoke credentials whether or not the collector is running, and the
// running collector picks the change up by reading what was appended (refresh()).
// Last use is kept apart (`usage.json`, rewritten atomically): it is a cache, not evidence.
import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CredentialInfo, type Role, isRole } from '@causeway/schemas';
import { ensurePrivateDir, ensurePrivateFile } from '../private-files.ts';
import { newToken, parseToken, secretMatches } from './token.ts';

export const TENANT_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

interface CreatedEvent {
  v: 1;
  event: 'created';
  /** this event's id (the audit event that records it reuses it) */
  eid: string;
  id: string;
  at: string;
  tenant: string;
  role: Role;
  name: string;
  services: string[];
  agents: string[];
  secret_sha256: string;
  by: string;
}

interface RevokedEvent {
  v: 1;
  event: 'revoked';
  eid: string;
  id: string;
  at: string;
  by: string;
}

export type CredentialEvent = CreatedEvent | RevokedEvent;

export interface Credential extends CredentialInfo {
  secretSha256: string;
}

export type AuthResult = { ok: true; credential: Credential } | { ok: false; reason: 'malformed' | 'unknown' | 'revoked'; id?: string };

export interface NewCredential {
  tenant: string;
  role: Role;
  name?: string;
  services?: string[];
  agents?: string[];
  /** who created it: `cli:<user>`, `bootstrap`, or the API principal */
  by: string;
}

/** How often a lookup re-reads the file (a revocation by the CLI takes effect within this). */
const REFRESH_MS = 250;
const USAGE_FLUSH_MS = 60_000;

export class CredentialStore {
  private readonly creds = new Map<string, Credential>();
  private readonly events: CredentialEvent[] = [];
  private offset = 0;
  private ino = -1;
  private lastRefresh = 0;
  private readonly own = new Set<string>();
  private readonly usage = new Map<string, number>();
  private usageDirty = false;
  private usageTimer: NodeJS.Timeout | undefined;
  /** events appended by another process (the CLI) since this one read the file */
  onForeignEvents: ((events: CredentialEvent[]) => void) | undefined;

  private constructor(
    readonly dir: string,
    readonly file: string,
    private readonly usageFile: string,
  ) {}

  static open(dataDir: string): CredentialStore {
    const dir = join(dataDir, 'auth');
    ensurePrivateDir(dataDir);
    ensurePrivateDir(dir);
    const store = new CredentialStore(dir, join(dir, 'credentials.jsonl'), join(dir, 'usage.json'));
    ensurePrivateFile(store.file);
    store.refresh(true);
    if (existsSync(store.usageFile)) {
      try {
        for (const [id, at] of Object.entries(JSON.parse(readFileSync(store.usageFile, 'utf8')) as Record<string, number>)) if (typeof at === 'number') store.usage.set(id, at);
      } catch {
        // a cache: start afresh
      }
    }
    return store;
  }

  /** Every credential event so far, in file order. */
  get history(): readonly CredentialEvent[] {
    return this.events;
  }

  get size(): number {
    return this.creds.size;
  }

  /** Reads what was appended since the last read; returns the new events. */
  refresh(force = false): CredentialEvent[] {
    const now = Date.now();
    if (!force && now - this.lastRefresh < REFRESH_MS) return [];
    this.lastRefresh = now;
    let st;
    try {
      st = statSync(this.file);
    } catch {
      return [];
    }
    if (st.ino !== this.ino || st.size < this.offset) {
      // replaced or cut: read it whole again
      this.ino = st.ino;
      this.offset = 0;
      this.creds.clear();
      this.events.length = 0;
    }
    if (st.size === this.offset) return [];
    const fd = openSync(this.file, 'r');
    let text: string;
    try {
      const len = fstatSync(fd).size - this.offset;
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, this.offset);
      // Only whole lines: another process may be in the middle of appending one.
      const end = buf.lastIndexOf(0x0a) + 1;
      text = buf.toString('utf8', 0, end);
      this.offset += end;
    } finally {
      closeSync(fd);
    }
    const fresh: CredentialEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let e: CredentialEvent;
      try {
        e = JSON.parse(line) as CredentialEvent;
      } catch {
        continue; // not ours; the file is append-only, so a bad line stays harmless
      }
      if (this.apply(e)) fresh.push(e);
    }
    const foreign = fresh.filter((e) => !this.own.has(e.eid));
    if (foreign.length > 0) this.onForeignEvents?.(foreign);
    return fresh;
  }

  create(n: NewCredential): { credential: CredentialInfo; token: string } {
    if (!TENANT_PATTERN.test(n.tenant)) throw new Error(`invalid tenant "${n.tenant}": letters, digits, _ . - (1 to 64)`);
    if (!isRole(n.role)) throw new Error(`invalid role "${String(n.role)}": ingest, viewer, responder, compliance or admin`);
    const name = (n.name ?? `${n.role}@${n.tenant}`).trim();
    if (!name || name.length > 200 || /\p{Cc}/u.test(name)) throw new Error('name must be 1 to 200 printable characters');
    const list = (v: string[] | undefined, what: string): string[] => {
      const out = [...new Set((v ?? []).map((s) => s.trim()).filter(Boolean))];
      if (out.length > 100 || out.some((s) => s.length > 256 || /\p{Cc}/u.test(s))) throw new Error(`${what}: at most 100 values of at most 256 printable characters`);
      return out;
    };
    const services = list(n.services, 'services');
    const agents = list(n.agents, 'agents');
    if (n.role !== 'ingest' && (services.length > 0 || agents.length > 0)) throw new Error('--service and --agent bind ingest credentials only');
    const t = newToken();
    const e: CreatedEvent = {
      v: 1,
      event: 'created',
      eid: randomBytes(16).toString('hex'),
      id: t.id,
      at: new Date().toISOString(),
      tenant: n.tenant,
      role: n.role,
      name,
      services,
      agents,
      secret_sha256: t.secretSha256,
      by: n.by,
    };
    this.append(e);
    return { credential: this.info(this.creds.get(t.id)!), token: t.token };
  }

  /** Revokes a credential; undefined when there is no such credential (already revoked: unchanged). */
  revoke(id: string, by: string): CredentialInfo | undefined {
    this.refresh(true);
    const c = this.creds.get(id);
    if (!c) return undefined;
    if (!c.revokedAt) this.append({ v: 1, event: 'revoked', eid: randomBytes(16).toString('hex'), id, at: new Date().toISOString(), by });
    return this.info(this.creds.get(id)!);
  }

  /** The credential a presented token proves, or why not. */
  authenticate(token: string): AuthResult {
    const t = parseToken(token);
    if (!t) return { ok: false, reason: 'malformed' };
    this.refresh();
    let c = this.creds.get(t.id);
    if (!c) {
      this.refresh(true);
      c = this.creds.get(t.id);
    }
    if (!c || !secretMatches(c.secretSha256, t.secret)) return { ok: false, reason: 'unknown' };
    if (c.revokedAt) return { ok: false, reason: 'revoked', id: c.id };
    return { ok: true, credential: c };
  }

  /** A credential by id, as it stands now (revocations included). */
  get(id: string): Credential | undefined {
    this.refresh();
    return this.creds.get(id);
  }

  list(tenant?: string): CredentialInfo[] {
    this.refresh(true);
    return [...this.creds.values()].filter((c) => tenant === undefined || c.tenant === tenant).map((c) => this.info(c));
  }

  /** Notes a use; written to usage.json at most once a minute. */
  touch(id: string): void {
    this.usage.set(id, Date.now());
    this.usageDirty = true;
    this.usageTimer ??= setTimeout(() => {
      this.usageTimer = undefined;
      this.flushUsage();
    }, USAGE_FLUSH_MS).unref();
  }

  flushUsage(): void {
    if (this.usageTimer) clearTimeout(this.usageTimer);
    this.usageTimer = undefined;
    if (!this.usageDirty) return;
    this.usageDirty = false;
    const tmp = `${this.usageFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.usage)), { mode: 0o600 });
    renameSync(tmp, this.usageFile);
  }

  private info(c: Credential): CredentialInfo {
    const { secretSha256: _, ...info } = c;
    const used = this.usage.get(c.id);
    return used ? { ...info, lastUsedAt: new Date(used).toISOString() } : info;
  }

  private append(e: CredentialEvent): void {
    this.own.add(e.eid);
    // One write of one line with O_APPEND: atomic between processes on a local file system. A
    // line torn by a writer that died mid-write is closed first, so it cannot swallow this one.
    appendFileSync(this.file, `${endsTorn(this.file) ? '\n' : ''}${JSON.stringify(e)}\n`, { mode: 0o600 });
    this.refresh(true);
  }

  private apply(e: CredentialEvent): boolean {
    if (!e || e.v !== 1 || typeof e.id !== 'string') return false;
    if (e.event === 'created') {
      if (this.creds.has(e.id) || !isRole(e.role) || !TENANT_PATTERN.test(e.tenant) || !/^[0-9a-f]{64}$/.test(e.secret_sha256)) return false;
      this.creds.set(e.id, {
        id: e.id,
        tenant: e.tenant,
        role: e.role,
        name: e.name,
        services: e.services ?? [],
        agents: e.agents ?? [],
        createdAt: e.at,
        createdBy: e.by,
        secretSha256: e.secret_sha256,
      });
    } else if (e.event === 'revoked') {
      const c = this.creds.get(e.id);
      if (!c || c.revokedAt) return false;
      c.revokedAt = e.at;
      c.revokedBy = e.by;
    } else return false;
    this.events.push(e);
    return true;
  }
}

function endsTorn(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}
