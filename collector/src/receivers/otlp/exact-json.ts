// JSON.parse, except that integers too long for a double arrive as strings.
// OTLP/JSON allows int64 fields (timestamps, intValue) as bare numbers; JSON.parse would round
// 1700000000123456789 to ...456768. Node 20 has no JSON.parse source access, so integer
// literals of 16+ digits outside strings are quoted before parsing. The scan runs only when
// a cheap test finds a digit run that could be such a literal (OTel's own exporters send
// timestamps as quoted strings, which the test skips).

const LONG_DIGITS = /[:,[]\s*-?\d{16}/;

export function parseExactJson(text: string): unknown {
  return JSON.parse(LONG_DIGITS.test(text) ? quoteLongIntegers(text) : text);
}

function quoteLongIntegers(text: string): string {
  let out = '';
  let copied = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i = endOfString(text, i + 1);
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d >= 0x30 && d <= 0x39) i++;
        else break;
      }
      const next = i < n ? text.charCodeAt(i) : 0;
      const isInteger = next !== 0x2e /* . */ && next !== 0x65 /* e */ && next !== 0x45; /* E */
      if (isInteger && i - start >= 16) {
        out += text.slice(copied, start) + '"' + text.slice(start, i) + '"';
        copied = i;
      } else {
        // skip the rest of a non-integer number literal
        while (i < n && /[0-9.eE+-]/.test(text[i]!)) i++;
      }
      continue;
    }
    i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Index just past the closing quote of a string whose body starts at `i`. */
function endOfString(text: string, i: number): number {
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return text.length; // unterminated: JSON.parse reports it
    let backslashes = 0;
    for (let k = q - 1; k >= i && text.charCodeAt(k) === 0x5c; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    i = q + 1;
  }
}
