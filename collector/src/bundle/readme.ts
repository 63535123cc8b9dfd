// The README inside every evidence bundle, for the recipient.
export const BUNDLE_README = `# Causeway evidence bundle

This archive holds spans recorded by a Causeway collector (a set of traces, or a causal slice:
the spans and content that led to, or followed from, one action), as stored (secrets and personal data
already replaced by keyed placeholders such as [REDACTED:email:3f9a1c2b]), with proof that they
are exactly the rows the collector's append-only log committed to. Each span and log record
names the credential that submitted it (credential_id, credential_name: part of its signed
bytes).

## Files

- manifest.dsse.json      DSSE envelope (payloadType application/vnd.in-toto+json) around an
                          in-toto Statement v1: the SHA-256 of every other file, the query that
                          selected the rows, who exported them and when, the redaction policy hash,
                          and the checkpoint. Signed with the log's Ed25519 key over
                          PAE = "DSSEv1 <byte length of type> <type> <byte length of body> <body>".
- log.json                the log id, origin (key name) and Ed25519 public key.
- checkpoint.note         the signed tree head (c2sp.org/tlog-checkpoint in a c2sp.org/signed-note).
- rows/spans.jsonl        one stored span row per line, in canonical form.
- proofs/inclusion.jsonl  per row (same order): leafIndex, leafHash, RFC 9162 inclusion proof.
- rows/logs.jsonl         the selected traces' OTLP log records, canonical form, one per line,
  proofs/logs-inclusion.jsonl  with their inclusion proofs (same order).
- rows/prov_activities.jsonl, rows/prov_relations.jsonl, rows/prov_artifacts.jsonl
                          the provenance rows behind the causal graph (each span read as an
                          activity; what it used and generated; the artifacts, content-addressed
                          and redacted), canonical form, with proofs/<table>-inclusion.jsonl.
- audit/events.jsonl      chain of custody: the access-audit events about these traces before
  proofs/audit-inclusion.jsonl  the export (who read, searched, sliced or exported them, when, from
                          where), canonical form, each a leaf of the same log, with its proof.
- findings/findings.jsonl the detection findings raised on these traces (rule, severity, agent,
  proofs/findings-inclusion.jsonl  evidence: node ids, taint paths; body = the finding as JSON),
- findings/events.jsonl   and their status events (acknowledged, false positive, escalated,
  proofs/finding-events-inclusion.jsonl  resolved by a late approval …), canonical form, each a
                          leaf of the same log, with its proof.
- proofs/consistency.json RFC 9162 consistency proof from the previous checkpoint to this one.
- graph.json              the causal graph or slice as the Causeway API returns it: nodes, edges
                          (relation, how it was known, content-overlap score), taint paths.
- prov.json               the causal graph as W3C PROV-JSON: entities = artifacts, activities =
                          spans, used, wasGeneratedBy, wasDerivedFrom (content flow with score;
                          documents inside a tool result), wasInformedBy, wasAssociatedWith.
- redaction-report.json   what was redacted in each span: rule, field, count (never the value).
- report.html             for a person: what was exported, the chains from untrusted content to
                          what the agent did in words (each step with how it is known) and drawn;
                          made from graph.json (and incident.json) alone. Open it in a browser.
- incident.json           (exported from an incident only) the incident as it stood: id, title,
                          status, the graph nodes it is about, its traces, notes and events. The
                          manifest's predicate names the incident's id and title; the file is
                          covered by its digest in the manifest (incident events are the
                          analyst's record, not rows of the log: no inclusion proof).

## Verify

With Causeway: \`causeway verify-bundle <file> --public-key <base64 Ed25519 key>\` (pin the key
you obtained from the log operator out of band; without it, the key inside the bundle is used).

By hand, with any SHA-256 and Ed25519 implementation:
1. Verify the DSSE signature over the PAE of the manifest payload with the pinned key.
2. Check each file's SHA-256 against the manifest's subject list.
3. Verify checkpoint.note: its signature line is "— <origin> base64(key ID || signature)",
   key ID = SHA-256(origin || 0x0A || 0x01 || public key)[:4], signature over the note text.
4. For each row line L: leaf = SHA-256(0x00 || L); check it equals leafHash and verify the
   inclusion proof (RFC 9162 section 2.1.3.2) against the checkpoint's root and size.
5. Verify the consistency proof (RFC 9162 section 2.1.4.2) between the two tree heads.
`;
