// JSON values walked and written without recursion: JSON held in a string attribute is attacker
// text and may nest as deep as JSON.parse accepts (thousands of levels), which recursive walks
// and JSON.stringify do not survive.

/**
 * JSON text of a parsed value at any depth: keys in their own order (what JSON.stringify
 * writes), or sorted (`sortKeys`: the canonical form identities are computed over).
 */
export function jsonText(v: unknown, o: { sortKeys?: boolean } = {}): string {
  const out: string[] = [];
  type Frame = { items: unknown[]; i: number; close: string } | { o: Record<string, unknown>; keys: string[]; i: number; close: string };
  const stack: Frame[] = [];
  const open = (x: unknown): void => {
    if (x === null || typeof x !== 'object') out.push(JSON.stringify(x) ?? 'null');
    else if (Array.isArray(x)) {
      out.push('[');
      stack.push({ items: x, i: 0, close: ']' });
    } else {
      const obj = x as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
      out.push('{');
      stack.push({ o: obj, keys: o.sortKeys ? keys.sort() : keys, i: 0, close: '}' });
    }
  };
  open(v);
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    const n = 'items' in f ? f.items.length : f.keys.length;
    if (f.i === n) {
      out.push(f.close);
      stack.pop();
      continue;
    }
    if (f.i > 0) out.push(',');
    if ('items' in f) open(f.items[f.i++]);
    else {
      const k = f.keys[f.i++]!;
      out.push(JSON.stringify(k), ':');
      open(f.o[k]);
    }
  }
  return out.join('');
}

/** What a visitor may do with one member of an object or array. */
export interface Member {
  /** the object key as it came (undefined in arrays) */
  key?: string;
  value: unknown;
  /** path of the member with keys as `renameKey` gives them, e.g. `field/messages/0/content` */
  path: string;
}

/**
 * A copy of a parsed JSON value with each member passed through `visit`, at any depth.
 * `visit` returns the member's new value, or undefined to descend into it (objects and arrays)
 * or keep it (scalars); every object key is written as `renameKey` gives it. `changed` says
 * whether anything was replaced or renamed.
 */
export function mapJson(
  root: unknown,
  base: string,
  visit: (m: Member) => { value: unknown } | undefined,
  renameKey: (k: string) => string = (k) => k,
): { value: unknown; changed: boolean } {
  let changed = false;
  const copy = (x: unknown): unknown => (Array.isArray(x) ? new Array(x.length) : x !== null && typeof x === 'object' ? {} : x);
  const out = copy(root);
  const stack: { src: unknown; dst: unknown; path: string }[] = [];
  if (out !== root) stack.push({ src: root, dst: out, path: base });
  while (stack.length > 0) {
    const { src, dst, path } = stack.pop()!;
    if (Array.isArray(src)) {
      const d = dst as unknown[];
      for (let i = 0; i < src.length; i++) {
        const p = `${path}/${i}`;
        const r = visit({ value: src[i], path: p });
        if (r) {
          changed = true;
          d[i] = r.value;
        } else {
          d[i] = copy(src[i]);
          if (d[i] !== src[i]) stack.push({ src: src[i], dst: d[i], path: p });
        }
      }
    } else {
      const d = dst as Record<string, unknown>;
      for (const [k, x] of Object.entries(src as Record<string, unknown>)) {
        const name = renameKey(k);
        if (name !== k) changed = true;
        const p = `${path}/${name}`;
        const r = visit({ key: k, value: x, path: p });
        if (r) {
          changed = true;
          d[name] = r.value;
        } else {
          const c = copy(x);
          d[name] = c;
          if (c !== x) stack.push({ src: x, dst: c, path: p });
        }
      }
    }
  }
  return { value: out, changed };
}
