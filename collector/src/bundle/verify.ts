// Offline verification of an evidence bundle: nothing but the file and, ideally, the log's
// public key pinned by the recipient. Checks the DSSE signature, every file's digest, the
// signed checkpoint, every row's inclusion proof and the consistency proof.
import { unzipSync } from 'fflate';
import { openCheckpoint } from '../ledger/checkpoint.ts';
import { verifyConsistency, verifyInclusion } from '../ledger/merkle.ts';
import { PROV_TABLES } from '../format/prov-lines.ts';
import { rowLeafHash } from '../format/canonical-row.ts';
import { type DsseEnvelope, IN_TOTO_PAYLOAD_TYPE, openEnvelope } from './dsse.ts';
import { PREDICATE_TYPE, sha256 } from '../format/bundle-format.ts';
import { FINDINGS_FILES } from './findings-part.ts';
import { INCIDENT_FILE, incidentProblems } from './incident-part.ts';

export interface BundleVerdict {
  ok: boolean;
  problems: string[];
  rows: number;
  checkpointSize?: string;
  logId?: string;
}

export function verifyBundle(zip: Uint8Array, pinnedPublicKey?: Buffer): BundleVerdict {
  const problems: string[] = [];
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch (e) {
    return { ok: false, problems: [`not a readable bundle: ${(e as Error).message}`], rows: 0 };
  }
  const text = (name: string): string | undefined => (files[name] ? Buffer.from(files[name]!).toString('utf8') : undefined);
  const parse = <T>(name: string): T | undefined => {
    const t = text(name);
    if (t === undefined) return undefined;
    try {
      return JSON.parse(t) as T;
    } catch {
      problems.push(`${name} is not valid JSON`);
      return undefined;
    }
  };

  const log = parse<{ logId: string; origin: string; publicKey: string }>('log.json');
  const envelope = parse<DsseEnvelope>('manifest.dsse.json');
  if (!log || !envelope) return { ok: false, problems: [...problems, 'log.json or manifest.dsse.json is missing'], rows: 0 };
  const bundledKey = Buffer.from(log.publicKey, 'base64');
  if (pinnedPublicKey && !pinnedPublicKey.equals(bundledKey)) problems.push('the bundle names a different log key than the pinned one');
  const key = pinnedPublicKey ?? bundledKey;

  // 1. the signed manifest and every file's digest
  const body = envelope.payloadType === IN_TOTO_PAYLOAD_TYPE ? openEnvelope(envelope, key) : undefined;
  if (!body) return { ok: false, problems: [...problems, 'manifest signature does not verify with the log key'], rows: 0, logId: log.logId };
  const statement = JSON.parse(body.toString('utf8')) as {
    subject: { name: string; digest: { sha256: string } }[];
    predicateType: string;
    predicate: { checkpoint: { size: string; root: string }; incident?: { id: string; title: string } };
  };
  if (statement.predicateType !== PREDICATE_TYPE) problems.push(`unexpected predicate type ${statement.predicateType}`);
  const listed = new Set(statement.subject.map((s) => s.name));
  for (const s of statement.subject) {
    const f = files[s.name];
    if (!f) problems.push(`file ${s.name} is listed in the manifest but missing`);
    else if (sha256(f) !== s.digest.sha256) problems.push(`file ${s.name} does not match its digest in the manifest`);
  }
  for (const name of Object.keys(files)) if (name !== 'manifest.dsse.json' && !listed.has(name)) problems.push(`file ${name} is not in the manifest`);
  // exported from an incident: incident.json is the incident the signed predicate names
  problems.push(...incidentProblems(text(INCIDENT_FILE), statement.predicate.incident));

  // 2. the checkpoint, signed by the log key, is the one the manifest names
  let root: Buffer | undefined;
  let size = 0n;
  try {
    const cp = openCheckpoint(text('checkpoint.note') ?? '', log.origin, key);
    root = cp.root;
    size = cp.size;
    if (String(cp.size) !== statement.predicate.checkpoint.size || cp.root.toString('base64') !== statement.predicate.checkpoint.root) {
      problems.push('checkpoint.note is not the checkpoint the manifest names');
    }
  } catch (e) {
    problems.push(`checkpoint.note: ${(e as Error).message}`);
  }

  // 3. every row (spans, log records) is in the log at that checkpoint
  const rowsOf = (rowsFile: string, proofsFile: string, what: string): number => {
    const rows = (text(rowsFile) ?? '').split('\n').filter(Boolean);
    const proofs = (text(proofsFile) ?? '').split('\n').filter(Boolean);
    if (rows.length !== proofs.length) problems.push(`${rows.length} ${what}s but ${proofs.length} inclusion proofs in ${proofsFile}`);
    if (root) {
      rows.forEach((line, i) => {
        const p = JSON.parse(proofs[i] ?? '{}') as { leafIndex?: string; leafHash?: string; proof?: string[] };
        const leaf = Buffer.from(rowLeafHash(line), 'hex');
        const ok =
          p.leafHash === leaf.toString('base64') &&
          verifyInclusion(BigInt(p.leafIndex ?? -1), size, leaf, (p.proof ?? []).map((h) => Buffer.from(h, 'base64')), root!);
        if (!ok) problems.push(`${what} ${i + 1} (${describeRow(line)}) is not proven to be in the log`);
      });
    }
    return rows.length;
  };
  const rowCount = rowsOf('rows/spans.jsonl', 'proofs/inclusion.jsonl', 'row');
  if (files['rows/logs.jsonl']) rowsOf('rows/logs.jsonl', 'proofs/logs-inclusion.jsonl', 'log record');
  for (const t of PROV_TABLES) if (files[`rows/${t}.jsonl`]) rowsOf(`rows/${t}.jsonl`, `proofs/${t}-inclusion.jsonl`, `${t} row`);
  // the access audit of these traces before the export (chain of custody)
  if (files['audit/events.jsonl']) rowsOf('audit/events.jsonl', 'proofs/audit-inclusion.jsonl', 'audit event');
  // the detection findings on these traces and their status events
  if (files[FINDINGS_FILES.findings.rows]) rowsOf(FINDINGS_FILES.findings.rows, FINDINGS_FILES.findings.proofs, 'finding');
  if (files[FINDINGS_FILES.events.rows]) rowsOf(FINDINGS_FILES.events.rows, FINDINGS_FILES.events.proofs, 'finding event');

  // 4. the log did not fork between the previous checkpoint and this one
  const cons = parse<{ from: { size: string; root: string } | null; to: { size: string; root: string }; proof: string[] }>('proofs/consistency.json');
  if (cons?.from && root) {
    const ok =
      cons.to.root === root.toString('base64') &&
      verifyConsistency(BigInt(cons.from.size), BigInt(cons.to.size), Buffer.from(cons.from.root, 'base64'), root, cons.proof.map((h) => Buffer.from(h, 'base64')));
    if (!ok) problems.push('the consistency proof does not verify');
  }
  return { ok: problems.length === 0, problems, rows: rowCount, checkpointSize: String(size), logId: log.logId };
}

function describeRow(line: string): string {
  const finding = /"finding_id":"([0-9a-f]+)"(?:,"event_id":"([0-9a-f]+)")?/.exec(line);
  if (finding) return finding[2] ? `event ${finding[2]} of finding ${finding[1]}` : `finding ${finding[1]}`;
  const audit = /"event_id":"([0-9a-f]+)"/.exec(line);
  if (audit) return `event ${audit[1]}`;
  const m = /"trace_id":"([0-9a-f]+)","span_id":"([0-9a-f]+)"/.exec(line);
  return m ? `span ${m[1]}/${m[2]}` : 'unparseable row';
}
