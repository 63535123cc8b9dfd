// The typed field readers of the OTLP/JSON decoder: each reads one field of a decoded JSON
// document as its protobuf type, and names the field and what was wrong when it cannot.
import { DecodePath } from './decode-error.ts';

export type Obj = Record<string, unknown>;

const LONE_SURROGATE = /\p{Cs}/u;

export class JsonFieldReader {
  readonly path: DecodePath = new DecodePath();

  constructor(
    /** the text has surrogate escapes, so strings must be checked for unpaired ones */
    private readonly surrogates: boolean,
  ) {}

  protected object(v: unknown, what: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.path.fail(`expected a JSON object (${what}), got ${describe(v)}`);
    return v as Obj;
  }

  protected optObject(v: unknown, name: string): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) this.path.fail(`expected a JSON object, got ${describe(v)}`, name);
    return v as Obj;
  }

  protected array(v: unknown, name: string): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.path.fail(`expected an array, got ${describe(v)}`, name);
    return v;
  }

  protected list<T>(v: unknown, name: string, each: (e: unknown) => T): T[] {
    const a = this.array(v, name);
    const out: T[] = new Array(a.length);
    this.path.push(name);
    for (let i = 0; i < a.length; i++) {
      this.path.push(i);
      out[i] = each(a[i]);
      this.path.pop();
    }
    this.path.pop();
    return out;
  }

  protected string(v: unknown, name: string): string {
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') this.path.fail(`expected a string, got ${describe(v)}`, name);
    // An unpaired surrogate is not Unicode text: protobuf would reject it as invalid UTF-8,
    // and ClickHouse refuses the insert after the span was acknowledged.
    if (this.surrogates && LONE_SURROGATE.test(v)) this.path.fail('string has an unpaired surrogate escape (\\uD800-\\uDFFF): not valid Unicode', name);
    return v;
  }

  protected hex(v: unknown, name: string): string {
    const s = this.string(v, name);
    if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) {
      this.path.fail(`expected a hex-encoded id (OTLP/JSON ids are hex, not base64), got ${describe(s)}`, name);
    }
    return s.toLowerCase();
  }

  protected uint32(v: unknown, name: string): number {
    if (v === undefined || v === null) return 0;
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
      this.path.fail(`expected an unsigned 32-bit integer, got ${describe(v)}`, name);
    }
    return n;
  }

  protected enumValue(v: unknown, name: string, names: Record<string, number>): number {
    if (v === undefined || v === null) return 0;
    if (typeof v === 'string' && v in names) return names[v]!;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
      this.path.fail(`expected an integer enum value, got ${describe(v)}`, name);
    }
    return v;
  }

  protected uint64(v: unknown, name: string): string {
    if (v === undefined || v === null) return '0';
    const s = integerText(v);
    if (s === undefined || s.startsWith('-') || BigInt(s) > 0xffffffffffffffffn) {
      this.path.fail(`expected an unsigned 64-bit integer (number or decimal string), got ${describe(v)}`, name);
    }
    return s;
  }

  protected int64(v: unknown, name: string): string {
    const s = integerText(v);
    if (s === undefined || BigInt(s) > 0x7fffffffffffffffn || BigInt(s) < -0x8000000000000000n) {
      this.path.fail(`expected a signed 64-bit integer (number or decimal string), got ${describe(v)}`, name);
    }
    return s;
  }

  protected double(v: unknown, name: string): number | 'NaN' | 'Infinity' | '-Infinity' {
    if (typeof v === 'number') return v;
    if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    return this.path.fail(`expected a number, got ${describe(v)}`, name);
  }

  protected base64(v: unknown, name: string): string {
    const s = this.string(v, name);
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) this.path.fail('expected base64-encoded bytes', name);
    return Buffer.from(s, 'base64').toString('base64');
  }
}

/** Exact decimal text of an integer given as a JSON number or string, else undefined. */
function integerText(v: unknown): string | undefined {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) return Number.isInteger(v) ? BigInt(v).toString() : undefined;
    return String(v);
  }
  if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) return BigInt(v).toString();
  return undefined;
}

/** A short, value-free description: error messages never echo attribute content. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string of ${v.length} characters`;
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}
