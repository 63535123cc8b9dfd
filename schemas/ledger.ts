// Ledger API responses (GET /api/ledger/*). Hashes are base64, as in C2SP checkpoints and the
// RFC 9162 test vectors; tree sizes and leaf indices are decimal strings.

/** GET /api/ledger/checkpoint: the latest signed checkpoint and how to check its signature. */
export interface CheckpointResponse {
  logId: string;
  /** the checkpoint's origin line: the log's name */
  origin: string;
  treeSize: string;
  rootHash: string;
  /** signed-note verifier key (`<name>+<key hash>+<base64 key>`) */
  verifierKey: string;
  /** raw Ed25519 public key */
  publicKey: string;
  /** the signed note, verbatim */
  note: string;
}

export interface InclusionProof {
  leafIndex: string;
  leafHash: string;
  /** the table of the row this leaf commits to (the span's row, or a provenance row read from it) */
  table: string;
  proof: string[];
}

/** GET /api/ledger/inclusion?trace=&span=: every leaf of that span (a re-sent row can be in the log twice), proven against `checkpoint`. */
export interface InclusionResponse {
  checkpoint: CheckpointResponse;
  leaves: InclusionProof[];
}

/** GET /api/ledger/consistency?from=&to=: the tree at `from` is a prefix of the tree at `to`. */
export interface ConsistencyResponse {
  from: string;
  to: string;
  fromRoot: string;
  toRoot: string;
  proof: string[];
}
