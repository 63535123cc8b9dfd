// Inputs with secrets planted in them, each in a format its detector knows (right prefix,
// alphabet, length, checksum), so a property can demand that none survives redaction.
import fc from 'fast-check';

export interface Planted {
  kind: string;
  /** the exact text that must not survive */
  value: string;
  /** the text put in the input (the value with what names it, e.g. `password=`) */
  text: string;
}

const chars = (alphabet: string, min: number, max: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''));
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;

function luhnComplete(body: string): string {
  for (let d = 0; d <= 9; d++) {
    const s = body + d;
    let sum = 0;
    for (let i = 0; i < s.length; i++) {
      let x = s.charCodeAt(s.length - 1 - i) - 48;
      if (i % 2 === 1) {
        x *= 2;
        if (x > 9) x -= 9;
      }
      sum += x;
    }
    if (sum % 10 === 0) return s;
  }
  throw new Error('unreachable');
}

/** A secret of a known format; never a run of 6+ identical characters (`AAAAAA…`, `xxxxxx`), which the redactor takes for a typed stand-in by design. */
export function planted(): fc.Arbitrary<Planted> {
  const same = (kind: string) => (value: string): Planted => ({ kind, value, text: value });
  return fc.oneof(
    chars(`${UPPER}234567`, 16, 16).map((b) => same('aws_access_key_id')(`AKIA${b}`)),
    chars(ALNUM, 36, 40).map((b) => same('github_token')(`ghp_${b}`)),
    chars(ALNUM, 24, 40).map((b) => same('stripe_key')(`sk_live_${b}`)),
    fc.tuple(chars(LOWER, 3, 12), chars(LOWER, 3, 10), fc.constantFrom('com', 'example', 'io', 'de')).map(([l, d, t]) => same('email')(`${l}.${l.length}@${d}.${t}`)),
    fc.tuple(chars(DIGITS, 14, 14), fc.constantFrom('', ' ', '-')).map(([b, sep]) => {
      const card = luhnComplete(`4${b}`);
      return same('credit_card')(sep ? card.replace(/(\d{4})(?=\d)/g, `$1${sep}`) : card);
    }),
    fc.tuple(chars(ALNUM + '!#%^*', 10, 24), fc.constantFrom('password', 'db_password', 'dbPassword', 'client_secret', 'API_KEY')).map(([v, k]) => ({ kind: 'generic_secret', value: v, text: `${k}=${v}` })),
    fc.tuple(chars(ALNUM, 20, 40), chars(ALNUM, 20, 60), chars(ALNUM + '-_', 30, 43)).map(([a, b, c]) => same('jwt')(`eyJ${a}.eyJ${b}.${c}`)),
  ).filter((p) => !/(.)\1{5}/.test(p.value) && !/^(.)\1+$/.test(p.value));
}

/** Free text (any Unicode, JSON-ish punctuation) with secrets planted, each set apart by a space or newline. */
export function textWithSecrets(): fc.Arbitrary<{ text: string; secrets: Planted[] }> {
  const filler = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('{"a":', '[', '"', 'key ', 'token: ', 'name=', '-----BEGIN PRIVATE KEY-----', '\\n', 'a-a-a-', '@', '4111 '));
  return fc.array(fc.oneof(filler.map((f) => ({ f })), planted().map((p) => ({ p }))), { maxLength: 12 }).map((parts) => {
    const secrets: Planted[] = [];
    const text = parts
      .map((x) => {
        if ('p' in x) {
          secrets.push(x.p);
          return ` ${x.p.text} `;
        }
        return x.f;
      })
      .join('\n');
    return { text, secrets };
  });
}
