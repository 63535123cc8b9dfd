// Why detection is linear in its input, checked rather than hoped for.
//
// V8's regex engine backtracks, so one match attempt can cost anything from one step to
// exponentially many. It cannot cost more than a constant that depends on the pattern alone when
// (1) every repetition has an upper bound (no `*`, `+`, `{n,}`), so an attempt reads at most
// `maxLength` characters past its start and its backtracking tree is finite, and (2) there are no
// back-references (whose cost depends on what a group captured). A global scan makes at most one
// attempt per start position, so a detector costs O(n · c(pattern)): linear in the text.
// Unbounded tokens (a long password, a JWT with a big payload) are matched up to a bound and then
// extended by a plain loop over their character class (`tail` in detectors.ts), which is linear too.
// Built-in detectors are checked by redaction/linear.test.ts; custom policy patterns are refused
// at start-up unless they pass the same check.
import { RegExpParser } from '@eslint-community/regexpp';
import type { Alternative, Element, Node } from '@eslint-community/regexpp/ast';

export interface PatternBound {
  /** most UTF-16 code units one match attempt can read past its start (lookarounds included) */
  maxLength: number;
  /** most characters a lookbehind reads before the start */
  maxLookbehind: number;
}

/** The bound of a pattern, or the reason it has none. */
export function patternBound(source: string, flags = ''): PatternBound | { unbounded: string } {
  const parser = new RegExpParser({ ecmaVersion: 2025 });
  const ast = parser.parsePattern(source, 0, source.length, { unicode: flags.includes('u'), unicodeSets: flags.includes('v') });
  const wide = flags.includes('u') || flags.includes('v') ? 2 : 1;
  let lookbehind = 0;
  let problem: string | undefined;
  // Iterative post-order walk: patterns come from the policy file too, and deep nesting must not
  // exhaust the stack.
  const len = new Map<Node, number>();
  const stack: { node: Node; done: boolean }[] = [{ node: ast, done: false }];
  while (stack.length > 0 && !problem) {
    const top = stack.pop()!;
    const kids = children(top.node);
    if (!top.done) {
      stack.push({ node: top.node, done: true });
      for (const k of kids) stack.push({ node: k, done: false });
      continue;
    }
    const n = top.node;
    const sum = (xs: Node[]): number => xs.reduce((s, x) => s + (len.get(x) ?? 0), 0);
    const max = (xs: Node[]): number => xs.reduce((s, x) => Math.max(s, len.get(x) ?? 0), 0);
    switch (n.type) {
      case 'Pattern':
      case 'Group':
      case 'CapturingGroup':
        len.set(n, max(n.alternatives));
        break;
      case 'Alternative':
        len.set(n, sum(n.elements));
        break;
      case 'Assertion':
        if (n.kind === 'lookahead' || n.kind === 'lookbehind') {
          const inner = max(n.alternatives);
          if (n.kind === 'lookbehind') lookbehind = Math.max(lookbehind, inner);
          // a lookahead reads past the position it is tested at without consuming
          len.set(n, n.kind === 'lookahead' ? inner : 0);
        } else len.set(n, 0);
        break;
      case 'Quantifier':
        if (!Number.isFinite(n.max)) problem = `unbounded repetition "${n.raw}": give it an upper bound ({${n.min},256})`;
        else len.set(n, n.max * (len.get(n.element) ?? 0));
        break;
      case 'Backreference':
        problem = `back-reference "${n.raw}": its cost depends on the input`;
        break;
      case 'Character':
      case 'CharacterSet':
      case 'CharacterClass':
      case 'ExpressionCharacterClass':
        len.set(n, wide);
        break;
      default:
        len.set(n, 0);
    }
  }
  if (problem) return { unbounded: problem };
  return { maxLength: len.get(ast) ?? 0, maxLookbehind: lookbehind };
}

function children(n: Node): Node[] {
  switch (n.type) {
    case 'Pattern':
    case 'Group':
    case 'CapturingGroup':
      return n.alternatives;
    case 'Alternative':
      return n.elements as Element[];
    case 'Assertion':
      return n.kind === 'lookahead' || n.kind === 'lookbehind' ? (n.alternatives as Alternative[]) : [];
    case 'Quantifier':
      return [n.element];
    default:
      return [];
  }
}

/**
 * Whether any character the pattern reads (consumed or in a lookaround) can be `ch`: when not,
 * no match contains `ch` and no attempt reads past one. Segmented scans rely on it (segmented.ts).
 */
export function mayRead(source: string, flags: string, ch: string): boolean {
  const parser = new RegExpParser({ ecmaVersion: 2025 });
  const ast = parser.parsePattern(source, 0, source.length, { unicode: flags.includes('u'), unicodeSets: flags.includes('v') });
  const keep = flags.replace(/[gyd]/g, '');
  const stack: Node[] = [ast];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'Character' || n.type === 'CharacterClass' || n.type === 'CharacterSet' || n.type === 'ExpressionCharacterClass') {
      if (new RegExp(n.raw, keep).test(ch)) return true;
    } else if (n.type === 'Backreference') return true;
    else stack.push(...children(n));
  }
  return false;
}
