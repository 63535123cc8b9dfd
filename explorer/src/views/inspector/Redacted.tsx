// Stored text as a responder reads it: each [REDACTED:rule:fp] placeholder marked and explained,
// and (for evidence) the passages another content shares marked as copied.
import { PLACEHOLDER } from '../../format.ts';

export function Redacted({ text }: { text: string }): React.JSX.Element {
  const parts: (string | React.JSX.Element)[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(
      <mark key={m.index} className="redacted" data-testid="redaction" data-rule={m[1]} title={`A ${m[1]} value was redacted before storage. Fingerprint ${m[2]}: the same value has the same fingerprint wherever it appears, without revealing it.`}>
        {m[0]}
      </mark>,
    );
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}

/** Text with `ranges` ([start, end), sorted, disjoint) marked as copied. */
export function Marked({ text, ranges }: { text: string; ranges: readonly [number, number][] }): React.JSX.Element {
  const out: React.JSX.Element[] = [];
  let last = 0;
  for (const [s, e] of ranges) {
    if (s > last) out.push(<Redacted key={`t${last}`} text={text.slice(last, s)} />);
    out.push(
      <mark key={`m${s}`} className="copied" data-testid="copied-passage">
        <Redacted text={text.slice(s, e)} />
      </mark>,
    );
    last = e;
  }
  if (last < text.length) out.push(<Redacted key={`t${last}`} text={text.slice(last)} />);
  return <>{out}</>;
}
