// Named moments of a trace's opening (User Timing marks, `causeway:<name>`), read by the bench
// (explorer/bench/open-trace.ts) to say where the time between the overview's arrival and a
// readable first view goes. A mark costs microseconds; nothing reads them in normal use.
export function mark(name: string): void {
  try {
    performance.mark(`causeway:${name}`);
  } catch {
    // no User Timing (very old browsers): nothing to measure
  }
}
