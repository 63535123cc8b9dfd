// OpenInference's openai instrumentation (4.x) assembles a streamed chat completion's tool calls
// by their position in each chunk's `delta.tool_calls` array, not by the delta's `index`. OpenAI
// streams one tool call per chunk, so every call lands on position 0 and parallel calls come out
// glued into one: ids, names and arguments each concatenated (`call_Acall_B`,
// `search_emailsearch_docs`, `{…}{…}`). Such a call is split back when its arguments are a run of
// JSON values and its name is, in exactly one way, a run of as many of the tools the model was
// offered; the ids are split where the first id's prefix (`call_`) repeats, and left out when
// that does not give as many.
import { isObj, parseJson } from './attrs.ts';

export interface RawCall {
  id?: string | undefined;
  name?: string | undefined;
  args: unknown;
}

/** The calls a concatenated one stands for, or undefined when it is not one. */
export function splitConcatenatedCall(call: RawCall, offered: ReadonlySet<string>): RawCall[] | undefined {
  if (typeof call.args !== 'string' || !call.name || offered.size === 0) return undefined;
  if (parseJson(call.args) !== undefined) return undefined;
  const args = jsonValues(call.args);
  if (!args || args.length < 2) return undefined;
  const names = segment(call.name, offered, args.length);
  if (!names) return undefined;
  const ids = call.id ? splitIds(call.id, args.length) : undefined;
  return args.map((a, i) => ({ ...(ids ? { id: ids[i] } : {}), name: names[i], args: a }));
}

/** `{…}{…}` → the JSON texts of each top-level object or array; undefined if the text is anything else. */
function jsonValues(text: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 0 && /\s/.test(c)) continue;
    if (depth === 0 && c !== '{' && c !== '[') return undefined;
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth++ === 0) start = i;
    } else if (c === '}' || c === ']') {
      if (--depth === 0) {
        const piece = text.slice(start, i + 1);
        if (!isObj(parseJson(piece)) && !Array.isArray(parseJson(piece))) return undefined;
        out.push(piece);
      }
    }
  }
  return depth === 0 && !inString ? out : undefined;
}

/** `name` as a run of exactly `k` offered names, when there is exactly one such reading. */
function segment(name: string, offered: ReadonlySet<string>, k: number): string[] | undefined {
  // ways[i][j]: the readings of name.slice(i) as j names (at most two kept: more is ambiguous anyway)
  const memo = new Map<string, string[][]>();
  const readings = (i: number, j: number): string[][] => {
    if (i === name.length) return j === 0 ? [[]] : [];
    if (j === 0) return [];
    const key = `${i}/${j}`;
    const known = memo.get(key);
    if (known) return known;
    const found: string[][] = [];
    for (const n of offered) {
      if (!name.startsWith(n, i)) continue;
      for (const rest of readings(i + n.length, j - 1)) {
        found.push([n, ...rest]);
        if (found.length > 1) break;
      }
      if (found.length > 1) break;
    }
    memo.set(key, found);
    return found;
  };
  const all = readings(0, k);
  return all.length === 1 ? all[0] : undefined;
}

function splitIds(id: string, k: number): string[] | undefined {
  const prefix = /^[A-Za-z]+[_-]/.exec(id)?.[0];
  if (!prefix) return undefined;
  const parts = id.split(prefix).filter((p) => p !== '').map((p) => prefix + p);
  return parts.length === k && parts.join('') === id ? parts : undefined;
}
