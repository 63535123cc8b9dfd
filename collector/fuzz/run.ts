// `npm run fuzz`: every target in targets.ts for FUZZ_SECONDS each (default 60), fresh seeds
// batch after batch. Prints per target: inputs run, defects (distinct messages, with a seed that
// replays one), hangs (an input that took over 100 ms) and the slowest input.
// Jazzer.js (coverage-guided) would be the better engine, but its 4.0.0 native addon needs
// GLIBC 2.38 (this Debian 12 base has 2.36) and 2.1.0 downloads its binary at install: neither
// runs here, so this is generator-driven (fast-check), not coverage-guided.
//   FUZZ_SECONDS=600 npm run fuzz            FUZZ_ONLY=redactor npm run fuzz
import fc from 'fast-check';
import { TARGETS } from './targets.ts';

const SECONDS = Number(process.env.FUZZ_SECONDS ?? 60);
const ONLY = process.env.FUZZ_ONLY;
const HANG_MS = 100;
const BATCH = 200;

let failed = false;
for (const t of TARGETS) {
  if (ONLY && !t.name.includes(ONLY)) continue;
  const deadline = performance.now() + SECONDS * 1000;
  const defects = new Map<string, { count: number; seed: number; input: string }>();
  const hangs: { ms: number; seed: number; input: string }[] = [];
  let runs = 0;
  let slowest = 0;
  let retimed = 0;
  let seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  while (performance.now() < deadline) {
    seed = (seed + 1) % 2 ** 31;
    for (const input of fc.sample(t.input, { numRuns: BATCH, seed })) {
      const t0 = performance.now();
      try {
        t.check(input);
      } catch (e) {
        const msg = (e as Error).message.slice(0, 200);
        const d = defects.get(msg);
        if (d) d.count++;
        else defects.set(msg, { count: 1, seed, input: JSON.stringify(input)?.slice(0, 300) ?? String(input) });
      }
      const ms = performance.now() - t0;
      runs++;
      slowest = Math.max(slowest, ms);
      if (ms > HANG_MS) {
        // a GC pause or a busy machine is not a hang: it counts only if three more runs are slow too
        let best = ms;
        for (let i = 0; i < 3 && best > HANG_MS; i++) {
          const t1 = performance.now();
          try {
            t.check(input);
          } catch {
            // reported above
          }
          best = Math.min(best, performance.now() - t1);
        }
        if (best > HANG_MS) hangs.push({ ms: best, seed, input: JSON.stringify(input)?.slice(0, 200) ?? '' });
        else retimed++;
      }
    }
  }
  failed ||= defects.size > 0;
  process.stdout.write(`${t.name}: ${runs} inputs in ${SECONDS} s, ${defects.size} defects, ${hangs.length} hangs (> ${HANG_MS} ms on 4 runs; ${retimed} slow once, fast on re-run), slowest single run ${slowest.toFixed(1)} ms\n`);
  for (const [msg, d] of defects) process.stdout.write(`  defect ×${d.count} (seed ${d.seed}): ${msg}\n    input: ${d.input}\n`);
  for (const h of hangs.slice(0, 5)) process.stdout.write(`  hang ${h.ms.toFixed(0)} ms (seed ${h.seed}): ${h.input}\n`);
}
process.exit(failed ? 1 : 0);
