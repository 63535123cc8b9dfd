// What /healthz says of the last failed insert. /healthz is public, and the engine's messages can
// quote the rows it refused ("Cannot parse input: expected '"' before: '{"trace_id":…'" — another
// tenant's rows, redacted or not): only the error's class is shown there, the whole message goes
// to the collector's log.
const ENGINE_TYPE = /^[A-Z][A-Z0-9_]{2,63}$/;
const ENGINE_CODE = /^\d{1,5}$/;
/** Node's and undici's error codes for a connection that failed: they name no data. */
const SYSTEM_CODE = /^(E[A-Z0-9_]{2,40}|UND_ERR_[A-Z0-9_]{1,40})$/;

interface ErrorShape {
  code?: unknown;
  type?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** The engine's message form, "Code: 27. DB::Exception: … (CANNOT_PARSE_INPUT_ASSERTION_FAILED) (version …)", when it came unparsed. */
function engineClass(message: string): { code: string; type: string } | undefined {
  const code = /^Code: (\d{1,5})\./.exec(message)?.[1];
  if (!code) return undefined;
  let type: string | undefined;
  for (const m of message.slice(0, 65_536).matchAll(/\(([A-Z][A-Z0-9_]{2,63})\)/g)) type = m[1];
  return type ? { code, type } : undefined;
}

export function insertErrorSummary(e: unknown): string {
  // the ledger's append wraps what failed under it
  for (let x = e as ErrorShape | undefined, depth = 0; x && typeof x === 'object' && depth < 4; x = x.cause as ErrorShape | undefined, depth++) {
    if (typeof x.type === 'string' && ENGINE_TYPE.test(x.type)) {
      return `ClickHouse refused the insert: ${x.type}${typeof x.code === 'string' && ENGINE_CODE.test(x.code) ? ` (code ${x.code})` : ''}`;
    }
    const engine = typeof x.message === 'string' ? engineClass(x.message) : undefined;
    if (engine) return `ClickHouse refused the insert: ${engine.type} (code ${engine.code})`;
    if (typeof x.code === 'string' && SYSTEM_CODE.test(x.code)) return `cannot reach ClickHouse: ${x.code}`;
    if (typeof x.message === 'string' && /\btime(d )?out\b|timeout/i.test(x.message)) return 'ClickHouse did not answer in time (timeout)';
  }
  return "the insert failed (the collector's log has the error)";
}
