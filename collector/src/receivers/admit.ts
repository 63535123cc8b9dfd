// What every receiver does with decoded rows once it knows who sent them (OTLP/HTTP here, OTLP/gRPC
// alike): the credential's binding (service.name, agent) — the whole request is refused when
// one row breaks it —, rows dated too far ahead rejected, and every kept row stamped with the
// submitting credential (inside its canonical form, so its ledger leaf covers who sent it).
import type { LogRow, SpanRow } from '@causeway/schemas';
import { bindingViolation } from '../auth/binding.ts';
import type { Principal } from '../auth/principal.ts';
import type { Submitter } from '../consumer.ts';

/** A row outside the credential's binding: refuse the request (403 / PERMISSION_DENIED). */
export class BindingError extends Error {
  override name = 'BindingError';
}

export interface Admitted<R> {
  rows: R[];
  /** rows rejected through partial_success */
  rejected: number;
  rejectionMessage: string;
}

export function admitSpans(who: Principal, rows: SpanRow[], maxFutureMs: number): Admitted<SpanRow> {
  const violation = bindingViolation(who, rows, 'span');
  if (violation) throw new BindingError(violation);
  const late = notInFuture(rows, (r) => laterOf(r.start_time_unix_nano, r.end_time_unix_nano), maxFutureMs, 'span', (r) => `${r.trace_id}/${r.span_id}`);
  return { rows: stamp(late.kept, who), rejected: late.rejected, rejectionMessage: late.message };
}

export function admitLogs(who: Principal, rows: LogRow[], maxFutureMs: number): Admitted<LogRow> {
  const violation = bindingViolation(who, rows, 'log record');
  if (violation) throw new BindingError(violation);
  const late = notInFuture(rows, (r) => laterOf(r.time_unix_nano, r.observed_time_unix_nano), maxFutureMs, 'log record', (_, i) => String(i));
  return { rows: stamp(late.kept, who), rejected: late.rejected, rejectionMessage: late.message };
}

export const submitterOf = (p: Principal): Submitter => ({ id: p.id, name: p.name });

function stamp<R extends SpanRow | LogRow>(rows: R[], p: Principal): R[] {
  if (p.id) {
    for (const r of rows) {
      r.credential_id = p.id;
      r.credential_name = p.name;
    }
  }
  return rows;
}

/**
 * Rows dated more than `maxFutureMs` ahead of this clock are rejected (partial_success), not
 * clamped: evidence is stored as sent or not at all. Such a row would otherwise sort first forever.
 */
function notInFuture<R>(rows: R[], timeOf: (r: R) => string, maxFutureMs: number, item: string, name: (r: R, i: number) => string): { kept: R[]; rejected: number; message: string } {
  const limit = (BigInt(Date.now() + maxFutureMs) * 1_000_000n).toString();
  const kept: R[] = [];
  let first = '';
  let rejected = 0;
  rows.forEach((r, i) => {
    if (decimalGreater(timeOf(r), limit)) {
      rejected++;
      first ||= `${item} ${name(r, i)}: timestamp is more than ${Math.round(maxFutureMs / 1000)} s ahead of the collector's clock`;
    } else kept.push(r);
  });
  return { kept, rejected, message: rejected ? `${rejected} ${item}(s) rejected, e.g. ${first}` : '' };
}

/** Unsigned decimal strings without leading zeros (as the decoders write them): by length, then lexically. */
function decimalGreater(a: string, b: string): boolean {
  return a.length > b.length || (a.length === b.length && a > b);
}

const laterOf = (a: string, b: string): string => (decimalGreater(a, b) ? a : b);
