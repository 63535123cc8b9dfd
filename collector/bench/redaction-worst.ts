// Redaction worst case: every adversarial family (collector/src/redaction/adversarial.ts) at
// 10k, 40k, 160k and 1M characters, one input per redaction, memo off. Reported as time per input
// and as ns per character, beside the ns per character of the bench's realistic GenAI strings
// measured in this same run (the ratio is what to compare across runs). Linear growth shows as a
// flat ns/char column; the issue's target is 160 KB under 50 ms.
import { ADVERSARIAL_FAMILIES } from '../src/redaction/adversarial.ts';
import { createRedactor } from '../src/redaction/redactor.ts';
import { median } from './decode.ts';

export const WORST_SIZES = [10_000, 40_000, 160_000, 1_000_000];

export interface WorstRow {
  family: string;
  /** median ms per input, per size */
  ms: number[];
  /** median CPU ms (user + system) per input at 160k: what the input costs, whatever else runs on the machine */
  cpu160: number;
}

export interface WorstCase {
  rows: WorstRow[];
  /** ns per character on realistic strings (cold: every string scanned) */
  realisticNsPerChar: number;
}

export function benchWorstCase(realisticMbPerSec: number, log: (s: string) => void = () => undefined): WorstCase {
  const rows: WorstRow[] = [];
  for (const [family, make] of Object.entries(ADVERSARIAL_FAMILIES)) {
    let cpu160 = 0;
    const ms = WORST_SIZES.map((n) => {
      const text = make(n);
      // small inputs are timed many times over, so JIT warm-up and timer noise do not pose as growth
      const rounds = Math.min(100, Math.max(3, Math.ceil(2_000_000 / n)));
      createRedactor({ key: Buffer.alloc(32, 0x5a), memo: false }).redactText(text);
      const times: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const r = createRedactor({ key: Buffer.alloc(32, 0x5a), memo: false });
        const c = process.cpuUsage();
        const t = performance.now();
        r.redactText(text);
        times.push(performance.now() - t);
        const d = process.cpuUsage(c);
        cpu.push((d.user + d.system) / 1000);
      }
      if (n === 160_000) cpu160 = median(cpu);
      return median(times);
    });
    rows.push({ family, ms, cpu160 });
    log(`  ${family}: ${ms.map((x) => x.toFixed(1)).join(' / ')} ms (160k: ${cpu160.toFixed(1)} CPU ms)`);
  }
  return { rows, realisticNsPerChar: 1e3 / realisticMbPerSec };
}

export function formatWorstCase(w: WorstCase): string {
  const head = `| family | ${WORST_SIZES.map((n) => `${n / 1000}k ms`).join(' | ')} | ${WORST_SIZES.map((n) => `${n / 1000}k ns/char`).join(' | ')} | 1M ÷ 10k per char | 160k ÷ realistic per char | 160k CPU ms |`;
  const sep = `|---|${WORST_SIZES.map(() => '---:').join('|')}|${WORST_SIZES.map(() => '---:').join('|')}|---:|---:|---:|`;
  const lines = w.rows.map((r) => {
    const per = r.ms.map((ms, i) => (ms * 1e6) / WORST_SIZES[i]!);
    return `| ${r.family.replace(/\|/g, '\\|')} | ${r.ms.map((x) => x.toFixed(1)).join(' | ')} | ${per.map((x) => x.toFixed(0)).join(' | ')} | ${(per[3]! / per[0]!).toFixed(2)} | ${(per[2]! / w.realisticNsPerChar).toFixed(1)} | ${r.cpu160.toFixed(1)} |`;
  });
  const worst160 = Math.max(...w.rows.map((r) => r.ms[2]!));
  const worstCpu = w.rows.reduce((a, r) => (r.cpu160 > a.cpu160 ? r : a));
  return [
    head,
    sep,
    ...lines,
    `  realistic GenAI strings (every string scanned): ${w.realisticNsPerChar.toFixed(1)} ns/char in this run; slowest family at 160k: ${worst160.toFixed(1)} ms (target < 50 ms); by CPU time ${worstCpu.family} ${worstCpu.cpu160.toFixed(1)} ms (on a busy machine wall time includes waiting for a core, CPU time does not)`,
    '  "1M ÷ 10k per char" near 1 (or below: fixed costs amortize) is linear growth; quadratic would be ~100.',
  ].join('\n');
}
