// Provenance reads for one tenant, behind causal slices and the artifact endpoint. Each is a
// primary-key lookup: by trace (activities, relations), by artifact id (artifacts,
// appearances) or by fingerprint; repeats collapse by row_hash. The methods keep the tenant
// argument of the slice's ProvenanceReader (provenance/slice/reader.ts, met structurally) and refuse
// any tenant but their own: the tenant comes from the request's scope, never from a caller.
import { type ActivityRow, type Appearance, type ArtifactRow, type FingerprintHit, type RelationRow, byCodeUnits } from '@causeway/schemas';
import type { ClickHouse } from '../clickhouse.ts';

/** Per fingerprint, at most this many artifacts: boilerplate shared by thousands tells nothing. */
const PER_FINGERPRINT = 64;
/**
 * Keys per query. Array parameters cost more than linearly in their size (on the 1M-span store
 * 16k span keys took 0.3 s in one query, 64k took 320 s), so long lists go in sorted chunks; a
 * chunk never splits one key's rows, and sorted chunks keep each query's order.
 */
export const KEYS_PER_QUERY = 4000;
/** Index keys (up to 20 digits) inlined in one query: 8,000 of them stay under ClickHouse's max_query_size (256 KiB). */
const KEYS_PER_LOOKUP = 8000;
/** Crowded artifacts read one by one in one query (the rest of them are read with the others, whole). */
const CROWDED_PER_QUERY = 256;
/**
 * The store's crowded artifacts (see crowded) are read from the primary index at most this often
 * per tenant and process: one index read instead of one per appearances call (5–7 a backward walk).
 */
export const CROWDED_TTL_MS = 60_000;
/** At most this many crowded artifacts remembered per tenant (a 1M-span store has ~550; one left out is read whole). */
export const CROWDED_MAX = 65_536;

export async function inChunks<K, T>(keys: K[], sortKey: (k: K) => string, run: (chunk: K[]) => Promise<T[]>): Promise<T[]> {
  if (keys.length <= KEYS_PER_QUERY) return run(keys);
  const sorted = [...keys].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  const out: T[] = [];
  for (let i = 0; i < sorted.length; i += KEYS_PER_QUERY) for (const r of await run(sorted.slice(i, i + KEYS_PER_QUERY))) out.push(r);
  return out;
}
const self = (k: string): string => k;
/** Appearances of one artifact in the store's order: trace, span, relation, container. */
const byKey = (x: Appearance, y: Appearance): number =>
  byCodeUnits(x.trace_id, y.trace_id) || byCodeUnits(x.span_id, y.span_id) || byCodeUnits(x.relation, y.relation) || byCodeUnits(x.container_id, y.container_id);
/** Where each artifact appears: 022's table, in small granules (007's prov_appearances holds the same rows in 8,192-row granules). */
export const APPEARANCES = 'prov_appearances_fine';

export class ProvenanceReads {
  /** The store's crowded artifacts as last read, and when (a hint: see crowded). */
  private crowdedList?: { at: number; ids: Promise<Set<string>> };

  constructor(
    private readonly ch: ClickHouse,
    readonly tenant: string,
    private readonly crowdedTtlMs = CROWDED_TTL_MS,
  ) {}

  private async rows<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    if (params.tenant !== this.tenant) throw new Error(`provenance reads of tenant ${this.tenant} asked for tenant ${String(params.tenant)}`);
    return this.ch.query<T>(query, params);
  }

  /** `rows`, answered as arrays of the selected columns (ClickHouse.queryCompact): for the reads of a whole trace's rows. */
  private async compact<T extends unknown[]>(query: string, params: Record<string, unknown>): Promise<T[]> {
    if (params.tenant !== this.tenant) throw new Error(`provenance reads of tenant ${this.tenant} asked for tenant ${String(params.tenant)}`);
    return this.ch.queryCompact<T>(query, params);
  }

  private get db(): string {
    return this.ch.database;
  }

  async activities(tenant: string, traceIds: string[]): Promise<ActivityRow[]> {
    if (traceIds.length === 0) return [];
    const rows = await inChunks(traceIds, self, (traces) =>
      this.rows<ActivityRow & { start_time_unix_nano: string }>(
        `SELECT * EXCEPT (row_hash, ingested_at) FROM ${this.db}.prov_activities
         WHERE tenant = {tenant:String} AND trace_id IN {traces:Array(String)}
         ORDER BY trace_id, start_time_unix_nano, span_id LIMIT 1 BY trace_id, span_id`,
        { tenant, traces },
      ),
    );
    return rows.map((r) => ({ ...r, status_code: Number(r.status_code) }));
  }

  async activitiesAt(tenant: string, pairs: { trace_id: string; span_id: string }[]): Promise<ActivityRow[]> {
    if (pairs.length === 0) return [];
    const keys = [...new Set(pairs.map((p) => `${p.trace_id}/${p.span_id}`))];
    return inChunks(keys, self, (chunk) =>
      this.rows<ActivityRow>(
        `SELECT * EXCEPT (row_hash, ingested_at) FROM ${this.db}.prov_activities
         WHERE tenant = {tenant:String} AND trace_id IN {traces:Array(String)} AND concat(trace_id, '/', span_id) IN {keys:Array(String)}
         LIMIT 1 BY trace_id, span_id`,
        { tenant, traces: [...new Set(chunk.map((k) => k.slice(0, k.indexOf('/'))))], keys: chunk },
      ),
    );
  }

  async relations(tenant: string, traceIds: string[], producing?: string[]): Promise<RelationRow[]> {
    if (traceIds.length === 0 || producing?.length === 0) return [];
    const only = producing ? `AND artifact_id IN {producing:Array(String)} AND relation IN ('generated', 'part_of')` : '';
    // A 3,000-span trace has ~29,000 relations: read as arrays (a third fewer bytes to write and
    // one parse: ~2x faster than a JSON object per row), every column but the tenant asked for.
    const rows = await inChunks(traceIds, self, (traces) =>
      // Repeats collapse by the row's columns, not by row_hash: row_hash is the hash of exactly
      // these columns (format/prov-lines.ts), and at 64 random hex characters it was 70 % of the
      // table's bytes (26 of 37 MB on a 100k-span store), read for every trace only to compare.
      this.compact<[string, string, RelationRow['relation'], string, RelationRow['artifact_kind'], string, string, string, string, string, number | string]>(
        `SELECT DISTINCT trace_id, span_id, relation, artifact_id, artifact_kind, container_id, call_id, tool_name, role, origin, seq FROM ${this.db}.prov_relations
         WHERE tenant = {tenant:String} AND trace_id IN {traces:Array(String)} ${only}
         ORDER BY trace_id, span_id, seq`,
        { tenant, traces, producing: producing ?? [] },
      ),
    );
    return rows.map(([trace_id, span_id, relation, artifact_id, artifact_kind, container_id, call_id, tool_name, role, origin, seq]) => ({
      tenant,
      trace_id,
      span_id,
      relation,
      artifact_id,
      artifact_kind,
      container_id,
      call_id,
      tool_name,
      role,
      origin,
      seq: Number(seq),
    }));
  }

  async artifacts(tenant: string, ids: string[]): Promise<ArtifactRow[]> {
    if (ids.length === 0) return [];
    const rows = await inChunks(ids, self, (chunk) =>
      this.rows<ArtifactRow>(
        `SELECT * EXCEPT (row_hash, ingested_at) FROM ${this.db}.prov_artifacts
         WHERE tenant = {tenant:String} AND artifact_id IN {ids:Array(String)}
         ORDER BY artifact_id, ingested_at LIMIT 1 BY artifact_id`,
        { tenant, ids: chunk },
      ),
    );
    return rows.map((r) => ({ ...r, fp_positions: r.fp_positions.map(Number), content_length: Number(r.content_length), normalized_length: Number(r.normalized_length) }));
  }

  /**
   * Where each artifact appears, at most `limit` per artifact, by artifact, trace, span (then
   * relation and container: a total order, so a cut at `limit` is the same on every read).
   * Most artifacts appear a few times; a few (a system prompt) in every trace that uses them,
   * ~97k times at 1M spans, and `DISTINCT … LIMIT n BY` reads every row of each. Those (the
   * primary index names them: see crowded) are read one by one in key order, where LIMIT stops.
   */
  async appearances(tenant: string, ids: string[], limit: number, relations?: string[]): Promise<Appearance[]> {
    if (ids.length === 0) return [];
    const wanted = [...new Set(ids)];
    const crowded = await this.crowded(tenant, wanted);
    const whole = async (some: string[]): Promise<Appearance[]> => {
      if (some.length === 0) return [];
      return inChunks(some, self, (chunk) =>
        this.rows<Appearance>(
          `SELECT DISTINCT artifact_id, trace_id, span_id, relation, container_id FROM ${this.db}.${APPEARANCES}
           WHERE tenant = {tenant:String} AND artifact_id IN {ids:Array(String)} ${relations ? 'AND relation IN {relations:Array(String)}' : ''}
           ORDER BY artifact_id, trace_id, span_id, relation, container_id LIMIT {limit:UInt32} BY artifact_id`,
          { tenant, ids: chunk, limit, relations: relations ?? [] },
        ),
      );
    };
    if (crowded.size === 0) return whole(wanted);
    // the crowded ones' first rows and the others side by side (one wait instead of two), then
    // any crowded one whose first rows were too many repeats to tell, read whole
    const [byId, others] = await Promise.all([this.firstRows(tenant, [...crowded], limit, relations), whole(wanted.filter((i) => !crowded.has(i)))]);
    const rows = [...others, ...(await whole([...crowded].filter((i) => !byId.has(i))))];
    for (const r of rows) (byId.get(r.artifact_id) ?? byId.set(r.artifact_id, []).get(r.artifact_id)!).push(r);
    return [...byId.keys()].sort(byCodeUnits).flatMap((i) => byId.get(i)!);
  }

  /**
   * Each artifact's first `limit` distinct rows, read alone in key order (trace, span): ClickHouse
   * stops reading at a plain LIMIT (not at DISTINCT, WITH TIES or a sort on more columns, which
   * read every row), so the rows are read raw, twice `limit` of them, and made distinct and
   * ordered here. When the read was cut, the last (trace, span) may be incomplete: only rows
   * before it count, and an artifact with fewer than `limit` of those is left out (read whole).
   */
  private async firstRows(tenant: string, ids: string[], limit: number, relations?: string[]): Promise<Map<string, Appearance[]>> {
    const raw = 2 * limit;
    const params: Record<string, unknown> = { tenant, raw, relations: relations ?? [] };
    const one = (id: string, k: number): string => {
      params[`a${k}`] = id;
      return `SELECT * FROM (SELECT artifact_id, trace_id, span_id, relation, container_id FROM ${this.db}.${APPEARANCES}
        WHERE tenant = {tenant:String} AND artifact_id = {a${k}:String} ${relations ? 'AND relation IN {relations:Array(String)}' : ''}
        ORDER BY trace_id, span_id LIMIT {raw:UInt32})`;
    };
    const read = new Map<string, Appearance[]>(ids.map((i) => [i, []]));
    for (const r of await this.rows<Appearance>(ids.map(one).join('\nUNION ALL\n'), params)) read.get(r.artifact_id)?.push(r);
    const out = new Map<string, Appearance[]>();
    for (const [id, rs] of read) {
      const last = rs.length >= raw ? rs[rs.length - 1]! : undefined;
      const whole = last ? rs.filter((r) => r.trace_id !== last.trace_id || r.span_id !== last.span_id) : rs;
      const distinct = new Map(whole.map((r) => [`${r.trace_id}\u0000${r.span_id}\u0000${r.relation}\u0000${r.container_id}`, r]));
      if (last && distinct.size < limit) continue;
      out.set(id, [...distinct.values()].sort(byKey).slice(0, limit));
    }
    return out;
  }

  /**
   * Those of `ids` whose rows fill more than a granule of some part: the primary index holds the
   * first key of every granule, so an artifact named there at least twice has rows across
   * granule boundaries. Read from the index in memory (mergeTreeIndex), not from the table, for
   * the whole tenant at once and remembered for crowdedTtlMs (bounded: CROWDED_MAX; README's
   * bounds table). A hint only, either way: an artifact left out (crowded since the list was
   * read) is read whole, as any other, and one listed but no longer crowded is read alone; both
   * give the same rows. On a cluster (Distributed tables have no index of their own) or for a
   * user refused the index (a failed read counts as an empty list until it is asked again),
   * every artifact is read whole.
   */
  private async crowded(tenant: string, ids: string[]): Promise<Set<string>> {
    if (this.ch.cluster || ids.length === 0) return new Set();
    const now = Date.now();
    if (!this.crowdedList || now - this.crowdedList.at >= this.crowdedTtlMs) {
      const read = this.rows<{ artifact_id: string }>(
        `SELECT artifact_id FROM mergeTreeIndex(${this.db}, ${APPEARANCES})
         WHERE tenant = {tenant:String} GROUP BY artifact_id HAVING count() >= 2 LIMIT ${CROWDED_MAX}`,
        { tenant },
      ).then(
        (rows) => new Set(rows.map((r) => r.artifact_id)),
        () => new Set<string>(),
      );
      this.crowdedList = { at: now, ids: read };
    }
    const all = await this.crowdedList.ids;
    // each is a query of its own (a branch of one UNION ALL): a bounded number of them
    const out = new Set<string>();
    for (const i of ids) if (all.has(i) && out.size < CROWDED_PER_QUERY) out.add(i);
    return out;
  }

  /** The traces of each conversation, newest first, at most `limit` per conversation. */
  async conversationTraces(tenant: string, conversationIds: string[], limit: number): Promise<{ conversation_id: string; trace_id: string }[]> {
    if (conversationIds.length === 0) return [];
    return inChunks(conversationIds, self, (ids) =>
      this.rows<{ conversation_id: string; trace_id: string }>(
        `SELECT conversation_id, trace_id, min(start_time_unix_nano) AS start FROM ${this.db}.prov_conversations
         WHERE tenant = {tenant:String} AND conversation_id IN {ids:Array(String)}
         GROUP BY conversation_id, trace_id ORDER BY conversation_id, start DESC LIMIT {limit:UInt32} BY conversation_id`,
        { tenant, ids, limit },
      ),
    );
  }

  /** `artifacts` without their content: a slice's copied-text step compares every artifact in a trace's scope, and shows few. */
  async artifactFacts(tenant: string, ids: string[]): Promise<Omit<ArtifactRow, 'content'>[]> {
    if (ids.length === 0) return [];
    // a trace's scope is thousands of rows holding hundreds of thousands of fingerprints: read as arrays (see relations)
    type Facts = [string, string, string, ArtifactRow['kind'], number, string, string, string, string[], number[], number, string[]];
    const rows = await inChunks(ids, self, (chunk) =>
      this.compact<Facts>(
        `SELECT trace_id, span_id, artifact_id, kind, content_length, tool_name, document_id, source, fingerprints, fp_positions, normalized_length, parts
         FROM ${this.db}.prov_artifacts
         WHERE tenant = {tenant:String} AND artifact_id IN {ids:Array(String)}
         ORDER BY artifact_id, ingested_at LIMIT 1 BY artifact_id`,
        { tenant, ids: chunk },
      ),
    );
    return rows.map(([trace_id, span_id, artifact_id, kind, content_length, tool_name, document_id, source, fingerprints, fp_positions, normalized_length, parts]) => ({
      tenant,
      trace_id,
      span_id,
      artifact_id,
      kind,
      content_length: Number(content_length),
      tool_name,
      document_id,
      source,
      fingerprints,
      fp_positions: fp_positions.map(Number),
      normalized_length: Number(normalized_length),
      parts,
    }));
  }

  /**
   * `artifacts` reduced to their content (the same row of each: first stored). A slice asks it for
   * its answer's artifacts, whose facts it read already: at 1M spans a whole row cost ~3x the
   * engine time of its content alone (each small column decompresses a block for its granule).
   */
  async artifactContents(tenant: string, ids: string[]): Promise<{ artifact_id: string; content: string }[]> {
    if (ids.length === 0) return [];
    return inChunks(ids, self, (chunk) =>
      this.rows<{ artifact_id: string; content: string }>(
        `SELECT artifact_id, content FROM ${this.db}.prov_artifacts
         WHERE tenant = {tenant:String} AND artifact_id IN {ids:Array(String)}
         ORDER BY artifact_id, ingested_at LIMIT 1 BY artifact_id`,
        { tenant, ids: chunk },
      ),
    );
  }

  async fingerprintHits(tenant: string, fps: string[]): Promise<FingerprintHit[]> {
    if (fps.length === 0) return [];
    // Inlined as literals: the client sends UInt64 array parameters as strings, which ClickHouse refuses.
    const valid = fps.filter((f) => /^\d{1,20}$/.test(f));
    if (valid.length === 0) return [];
    // Three indexes, read as one: 020's names holders by 32-bit keys, 016's by 64-bit keys (each
    // with its table turning keys back into ids; a 32-bit key may name more than one id, and
    // content flow keeps only holders whose own row has the fingerprint), 007's held ids.
    // Positions are not read here: the holder's artifact row has them (schemas/sql/017).
    // Each index gives only its first PER_FINGERPRINT keys of a fingerprint: a key is its id's
    // first hex digits read as a number, so keys order as ids do, and each names at least one id:
    // the answer's first PER_FINGERPRINT ids are among theirs. Boilerplate a document shares with
    // ~200k artifacts (2.7M holder rows for one document's 86 fingerprints at 1M spans) is not
    // joined to its ids whole: that query took 9.1 s, 3.1 s limited (load 10), same answer.
    // The keys are read first (each index once) and turned into ids by a second query, joined
    // here: as one query's JOIN, ClickHouse read the keys twice (its IN subquery and its join side).
    return inChunks(valid, (f) => f.padStart(20, '0'), async (chunk) => {
      const fps = chunk.join(',');
      const first = (src: string, index: string, key: string) =>
        `SELECT '${src}' AS src, toString(fp) AS fp, toString(key) AS key FROM (
           SELECT DISTINCT fp, ${key} AS key FROM ${this.db}.${index} WHERE tenant = {tenant:String} AND fp IN (${fps}) ORDER BY fp, key LIMIT ${PER_FINGERPRINT} BY fp)`;
      const keyed = await this.rows<{ src: 'id' | 'k64' | 'k32'; fp: string; key: string }>(
        [first('id', 'prov_fingerprints', 'artifact_id'), first('k64', 'prov_fingerprint_index', 'artifact_key'), first('k32', 'prov_fingerprint_holders', 'holder')].join('\nUNION ALL\n'),
        { tenant },
      );
      const keysOf = (src: string): string[] => [...new Set(keyed.filter((r) => r.src === src).map((r) => r.key))].filter((k) => /^\d{1,20}$/.test(k));
      const named = new Map<string, Set<string>>();
      for (const [src, table, key] of [
        ['k64', 'prov_artifact_keys', 'artifact_key'],
        ['k32', 'prov_holder_ids', 'holder'],
      ] as const) {
        // inlined too (up to 64 a fingerprint): in slices that keep a query under ClickHouse's 256 KiB
        const keys = keysOf(src);
        for (let i = 0; i < keys.length; i += KEYS_PER_LOOKUP) {
          const rows = await this.rows<{ key: string; artifact_id: string }>(
            `SELECT DISTINCT toString(${key}) AS key, artifact_id FROM ${this.db}.${table} WHERE tenant = {tenant:String} AND ${key} IN (${keys.slice(i, i + KEYS_PER_LOOKUP).join(',')})`,
            { tenant },
          );
          for (const r of rows) (named.get(`${src}:${r.key}`) ?? named.set(`${src}:${r.key}`, new Set()).get(`${src}:${r.key}`)!).add(r.artifact_id);
        }
      }
      // per fingerprint (ordered as its decimal text, as the one query ordered its alias), its first PER_FINGERPRINT ids
      const byFp = new Map<string, Set<string>>();
      for (const r of keyed) {
        const ids = r.src === 'id' ? [r.key] : [...(named.get(`${r.src}:${r.key}`) ?? [])];
        const set = byFp.get(r.fp) ?? byFp.set(r.fp, new Set()).get(r.fp)!;
        for (const id of ids) set.add(id);
      }
      return [...byFp.keys()]
        .sort(byCodeUnits)
        .flatMap((fp) => [...byFp.get(fp)!].sort(byCodeUnits).slice(0, PER_FINGERPRINT).map((artifact_id) => ({ fp, artifact_id })));
    });
  }
}
