// Ranks the functions of .cpuprofile files (V8's --cpu-prof output) by self and inclusive time,
// one table per file (per thread).
//   node --import tsx collector/bench/cpuprofile-rank.ts <file.cpuprofile>... [--top N] [--callers NAME] [--callees NAME]
// --callers / --callees: where the inclusive time of functions named NAME comes from / goes.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 30;
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const callersOf = opt('--callers');
const calleesOf = opt('--callees');
const files = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));

for (const f of files) rank(f);

function rank(file: string): void {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // time per node: each sample's delta belongs to the node sampled
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) selfUs.set(p.samples[i]!, (selfUs.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const key = (n: Node): string => {
    const url = n.callFrame.url.replace(/^.*\/(node_modules\/|collector\/|schemas\/)/, '$1');
    return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    total += us;
    if (n.callFrame.functionName === '(idle)') idle += us;
    self.set(key(n), (self.get(key(n)) ?? 0) + us);
    // inclusive: once per distinct function on the stack (recursion counted once)
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = key(byId.get(at)!);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + us);
    }
  }
  if (callersOf !== undefined || calleesOf !== undefined) {
    // time under each frame named NAME, split by its caller's key (or its direct callee's key)
    const split = new Map<string, number>();
    for (const [id, us] of selfUs) {
      const stack: number[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(at);
      // outermost occurrence only
      for (let i = stack.length - 1; i >= 0; i--) {
        const n = byId.get(stack[i]!)!;
        if (n.callFrame.functionName !== (callersOf ?? calleesOf)) continue;
        const other = callersOf !== undefined ? stack[i + 1] : stack[i - 1];
        const k = other === undefined ? '(self)' : key(byId.get(other)!);
        split.set(k, (split.get(k) ?? 0) + us);
        break;
      }
    }
    process.stdout.write(`\n== ${file}: ${callersOf !== undefined ? `callers of ${callersOf}` : `callees of ${calleesOf}`}\n`);
    for (const [k, us] of [...split].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${(us / 1000).toFixed(0).padStart(7)}  ${k}\n`);
    return;
  }
  const ms = (us: number): string => (us / 1000).toFixed(0).padStart(7);
  const pct = (us: number): string => `${((100 * us) / (total - idle || 1)).toFixed(1).padStart(5)}%`;
  process.stdout.write(`\n== ${file}: ${ms(total)} ms sampled, ${ms(total - idle)} ms busy (idle ${ms(idle)})\n-- self\n`);
  for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${ms(us)} ${pct(us)}  ${k}\n`);
  process.stdout.write('-- inclusive\n');
  for (const [k, us] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${ms(us)} ${pct(us)}  ${k}\n`);
}
