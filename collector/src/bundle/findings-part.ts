// The findings part of an evidence bundle: the detection findings raised on the bundle's traces
// and their status events, as stored (canonical form, format/finding-lines.ts), each with its
// inclusion proof against the bundle's checkpoint. Rows the checkpoint does not cover yet (raised
// a moment ago) are left out, as the chain of custody's are; `causeway verify-bundle` checks the rest.
import { verifyInclusion } from '../ledger/merkle.ts';
import { rowLeafHash } from '../format/canonical-row.ts';
import { canonicalFindingEventRow, canonicalFindingRow } from '../format/finding-lines.ts';
import type { LedgerStore } from '../store/ledger-store.ts';
import type { Reads } from '../store/reads/index.ts';

/** The files, with their rows and proofs (one JSON line each, in the same order). */
export const FINDINGS_FILES = {
  findings: { rows: 'findings/findings.jsonl', proofs: 'proofs/findings-inclusion.jsonl' },
  events: { rows: 'findings/events.jsonl', proofs: 'proofs/finding-events-inclusion.jsonl' },
} as const;

export interface FindingsPart {
  files: Record<string, Buffer>;
  findings: number;
  events: number;
}

export async function findingsPart(reads: Reads, ledger: LedgerStore, traceIds: string[], checkpoint: { size: bigint; root: Buffer }): Promise<FindingsPart> {
  const size = Number(checkpoint.size);
  const stored = await reads.findings.rowsOfTraces(traceIds);
  const findingLines = stored.findings.map(canonicalFindingRow);
  const eventLines = stored.events.map(canonicalFindingEventRow);
  const rowTraces = [...new Set([...stored.findings.map((r) => r.trace_id), ...stored.events.map((r) => r.trace_id)])];
  const hashOf = new Map<string, string>([...findingLines, ...eventLines].map((l) => [l, rowLeafHash(l)]));
  const leafIndex = hashOf.size > 0 ? await ledger.firstLeafIndices([...new Set(hashOf.values())], rowTraces) : new Map<string, number>();
  const proven = (l: string): boolean => (leafIndex.get(hashOf.get(l)!) ?? Number.POSITIVE_INFINITY) < size;
  const findings = findingLines.filter(proven);
  const included = new Set(findings.map((l) => (JSON.parse(l) as { finding_id: string }).finding_id));
  const events = eventLines.filter((l) => proven(l) && included.has((JSON.parse(l) as { finding_id: string }).finding_id));

  const distinct = [...new Set([...findings, ...events].map((l) => hashOf.get(l)!))];
  const read = await ledger.log.inclusionProofs(
    distinct.map((h) => leafIndex.get(h)!),
    size,
  );
  const proofs = new Map(distinct.map((h, i) => [h, read[i]!]));
  // Proofs come from stored tiles: check each against the signed root before handing it out.
  for (const h of distinct) {
    if (!verifyInclusion(BigInt(leafIndex.get(h)!), checkpoint.size, Buffer.from(h, 'hex'), proofs.get(h)!, checkpoint.root)) {
      throw new Error(`the stored log does not prove leaf ${leafIndex.get(h)} (a finding) against checkpoint ${size}: its tiles were changed; run \`causeway verify\``);
    }
  }
  const b64 = (b: Buffer): string => b.toString('base64');
  const inclusion = (l: string): string => {
    const h = hashOf.get(l)!;
    return JSON.stringify({ leafIndex: String(leafIndex.get(h)), leafHash: b64(Buffer.from(h, 'hex')), proof: proofs.get(h)!.map(b64) });
  };
  const jsonl = (lines: string[]): Buffer => Buffer.from(lines.map((l) => `${l}\n`).join(''));
  return {
    files: {
      [FINDINGS_FILES.findings.rows]: jsonl(findings),
      [FINDINGS_FILES.findings.proofs]: jsonl(findings.map(inclusion)),
      [FINDINGS_FILES.events.rows]: jsonl(events),
      [FINDINGS_FILES.events.proofs]: jsonl(events.map(inclusion)),
    },
    findings: findings.length,
    events: events.length,
  };
}
