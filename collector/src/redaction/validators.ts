// Checks that turn a pattern match into a finding: checksums and entropy gates keep
// look-alikes (ids, hashes, versions) out.
import { isIPv6 } from 'node:net';

/** Luhn checksum over the digits of `s`. */
export function luhn(s: string): boolean {
  const d = s.replace(/\D/g, '');
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let x = d.charCodeAt(d.length - 1 - i) - 48;
    if (i % 2 === 1) {
      x *= 2;
      if (x > 9) x -= 9;
    }
    sum += x;
  }
  return d.length > 0 && sum % 10 === 0;
}

/** Issuer prefixes of the major card networks, so a Luhn-valid order number is not a card. */
export function cardNetwork(digits: string): boolean {
  const n = digits.length;
  if (/^4/.test(digits)) return n === 13 || n === 16 || n === 19; // Visa
  if (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(digits)) return n === 16; // Mastercard
  if (/^3[47]/.test(digits)) return n === 15; // Amex
  if (/^(6011|65|64[4-9]|622)/.test(digits)) return n >= 16 && n <= 19; // Discover
  if (/^35(2[89]|[3-8]\d)/.test(digits)) return n >= 16 && n <= 19; // JCB
  if (/^3(0[0-5]|[68])/.test(digits)) return n >= 14 && n <= 19; // Diners
  return false;
}

// ISO 13616 lengths per country.
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24,
  DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28,
  HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29,
  RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22,
  VG: 24, XK: 20,
};

/** The length of an IBAN of this country (0 if none is known). */
export function ibanLength(country: string): number {
  return IBAN_LENGTHS[country.toUpperCase()] ?? 0;
}

/** ISO 13616 IBAN: known country, its length, and mod-97 = 1. */
export function iban(s: string): boolean {
  const v = s.replace(/\s/g, '').toUpperCase();
  if (IBAN_LENGTHS[v.slice(0, 2)] !== v.length) return false;
  const moved = v.slice(4) + v.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) rem = (rem * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rem === 1;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * A value that is wholly a template or a stand-in, whatever key it sits under: `<token>`,
 * `${VAR}`, `{{ secrets.X }}`, `$(cmd)`, `%VAR%`, `***`, `xxxx`, `changeme`, `your_api_key…`, or one
 * of our own placeholders (so redacting redacted text changes nothing).
 */
export function isTemplate(v: string): boolean {
  return (
    /^(?:\*+|x+|\.{3,}|…|<[A-Za-z_][\w .\-]*>|\$?\{\{[^}]*\}\}|\$\{[A-Za-z_][\w.\-]*(?::-[^}]*)?\}|\$\([^)]*\)|\{[A-Za-z_][\w.\-]*\}|your[_\-\s].*|change[_\-]?me|replace[_\-]?me|example|dummy|test|null|none|nil|undefined|true|false|redacted)$/i.test(v) ||
    // environment variables are upper case: `$API_KEY`, `%APPDATA%` (`%i4eGLYEetS%` is a password)
    /^(?:\$[A-Z_][A-Z0-9_]*|%[A-Z_][A-Z0-9_]*%)$/.test(v) ||
    /^(.)\1+$/.test(v) ||
    /^\[?REDACTED\b/i.test(v)
  );
}

/**
 * A token that looks typed to stand for a secret: a template, or a stand-in inside it (`sk-...`,
 * `ghp_XXXX…`, `dev-secret-change-me`, `AKIA…EXAMPLE`, `xoxb-your-token`). Only for rules that find
 * a token by its shape; a value under a secret's name is judged by isTemplate alone.
 */
export function isPlaceholder(v: string): boolean {
  return isTemplate(v) || /\.\.\.|…|x{6}|change[_\-]?me|replace[_\-]?me|example|placeholder|your[_\-](?:api|token|key|secret|password)|^<|>$/i.test(v);
}

export function ipv6(s: string): boolean {
  return s.includes(':') && s !== '::' && isIPv6(s);
}

/** US SSN area/group/serial ranges the SSA never issues. */
export function ssn(s: string): boolean {
  const m = /^(\d{3})-(\d{2})-(\d{4})$/.exec(s);
  if (!m) return false;
  const [, a, g, n] = m;
  return a !== '000' && a !== '666' && a![0] !== '9' && g !== '00' && n !== '0000';
}

/**
 * A conservative estimate of how many bits a guesser must cover to find `v`: words (a run of 3+
 * letters in lower, Capitalized or UPPER case) count 12 bits, as from a 4,096-word list; other
 * letters, digits and symbols count by their class, capped by the value's Shannon entropy. It
 * errs low: a random token may score under its true strength, a password rarely over it.
 */
export function guessingBits(v: string): number {
  if (v.length < 16) return 0;
  const h = entropy(v);
  let bits = 0;
  const runs = v.match(/[A-Za-z]+|[0-9]+|[^A-Za-z0-9]+/g) ?? [];
  for (const run of runs) {
    if (/^[A-Za-z]/.test(run)) {
      // camelCase splits into words: `MyCompanyPassword` is three
      for (const part of run.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g) ?? [run]) {
        const word = part.length >= 3 && /^(?:[a-z]+|[A-Z][a-z]+|[A-Z]+)$/.test(part);
        bits += word ? Math.min(12, part.length * Math.min(h, 5.7)) : part.length * Math.min(h, 5.7);
      }
    } else if (/^[0-9]/.test(run)) bits += run.length * Math.min(h, 3.32);
    else bits += run.length * Math.min(h, 5);
  }
  return bits;
}

/** Spanish DNI / NIE (the letter is the number mod 23) or a UK National Insurance number (no D, F, I, Q, U, V; not BG, GB, NK, KN, TN, NT, ZZ). */
export function nationalId(v: string): boolean {
  const s = v.replace(/[\s\-]/g, '').toUpperCase();
  const es = /^([XYZ]?)(\d{7,8})([A-Z])$/.exec(s);
  if (es) {
    const n = Number(`${es[1] ? 'XYZ'.indexOf(es[1]) : ''}${es[2]}`);
    if (!es[1] && es[2]!.length !== 8) return false;
    return 'TRWAGMYFPDXBNJZSQVHLCKE'[n % 23] === es[3];
  }
  const uk = /^([A-Z]{2})\d{6}[A-D]$/.exec(s);
  return uk !== null && !['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'].includes(uk[1]!);
}
