// Segmented scans (segmented.ts) store exactly what a scan of the whole text stores: random
// conversations with planted secrets and personal data, re-sent as they grow, and hostile texts
// cut at every `,{`, compared with the whole-text scan of a redactor that never segments.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from './policy.ts';
import { createRedactor } from './redactor.ts';
import { cutPoints } from './segmented.ts';

const key = Buffer.alloc(32, 9);
const SCOPE = 'f'.repeat(32);

// Values every rule family finds, in the shapes agents carry them.
const PLANTED = [
  'AKIAIOSFODNN7REALKEY',
  'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY',
  'ghp_0123456789abcdefABCDEF0123456789abcd',
  'xoxb-2048-1234567890-AbCdEfGhIjKlMnOp',
  'sk-proj-Zk3mQ9vX2bT7nL4pR8sW1yC6hJ0dF5gA',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  '-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA7bq9\\nQk2Jx8s=\\n-----END RSA PRIVATE KEY-----',
  'postgres://admin:S3cr3tPassw0rd@db.internal:5432/app',
  'Server=db;Database=app;User Id=sa;Password=Tr0ub4dor&3;',
  'db_password=hunter2hunter2',
  'Authorization: Bearer abcdef0123456789abcdef',
  'the api key is Zx81kq9PLm23ncT7vw0QrS5d',
  'maria.garcia@example.com',
  '+44 20 7946 0958',
  '4111 1111 1111 1111',
  'DE89 3704 0044 0532 0130 00',
  '123-45-6789',
  '192.168.10.20',
  '2001:db8:85a3::8a2e:370:7334',
  'Dear Maria Müller',
  'Mr. John Smith',
  '221B Baker Street, London NW1 6XE',
  'Hauptstraße 12',
  'AccountKey=' + 'Ab3dEf6hIj9lMn2pQr5tUv8xYz1BcDeFgHiJkLmNoPqRsTuVwXyZ0123456789+/AbCdEfGhIjKlMnOpQrStUv==',
];
const WORDS = 'the order was shipped to our customer and please check the invoice before the next call with support team Berlin Paris London'.split(' ');

const prose = fc.array(fc.constantFrom(...WORDS), { minLength: 5, maxLength: 120 }).map((w) => w.join(' '));
const content = fc
  .array(fc.oneof({ weight: 3, arbitrary: prose }, { weight: 2, arbitrary: fc.constantFrom(...PLANTED) }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }), { minLength: 1, maxLength: 6 })
  .map((xs) => xs.join(' '));
// OpenAI-style and GenAI-semconv-style messages, tool calls and responses, secrets at either end of a message
const message = fc.oneof(
  fc.record({ role: fc.constantFrom('system', 'user', 'assistant'), content }),
  fc.record({ role: fc.constantFrom('user', 'assistant'), parts: fc.array(fc.record({ type: fc.constant('text'), content }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ role: fc.constant('tool'), tool_call_id: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 8, maxLength: 8 }), content: content.map((c) => JSON.stringify({ result: c, password: 'x9!' })) }),
  fc.record({ role: fc.constant('assistant'), tool_calls: fc.array(fc.record({ id: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 6, maxLength: 6 }), name: fc.constantFrom('send_email', 'run_sql'), arguments: content }), { maxLength: 2 }) }),
);

const segmented = () => createRedactor({ key });
const whole = () => createRedactor({ key, segmented: false });

function same(a: ReturnType<typeof createRedactor>, b: ReturnType<typeof createRedactor>, text: string): void {
  const x = a.redactText(text, SCOPE);
  const y = b.redactText(text, SCOPE);
  expect(x.text).toBe(y.text);
  expect(x.findings.map((f) => `${f.rule}@${f.start}-${f.end}`)).toEqual(y.findings.map((f) => `${f.rule}@${f.start}-${f.end}`));
}

describe('a segmented scan stores what the whole-text scan stores', () => {
  it('random conversations re-sent as they grow (memo warm), with planted secrets', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 2, maxLength: 24 }), (messages) => {
        const seg = segmented();
        const ref = whole();
        for (let k = 1; k <= messages.length; k++) same(seg, ref, JSON.stringify(messages.slice(0, k)));
      }),
      { numRuns: 60, seed: 1515 },
    );
  });

  it('is actually cut: conversations of this size are scanned in pieces', () => {
    const msgs = Array.from({ length: 20 }, (_, i) => ({ role: 'user', content: `${WORDS.join(' ')} ${PLANTED[i % PLANTED.length]}` }));
    expect(cutPoints(JSON.stringify(msgs)).length).toBeGreaterThan(5);
  });

  it('hostile text cut at every `,{"`: secrets, quotes and braces across the cuts', () => {
    const hostile = fc.oneof(fc.constantFrom(...PLANTED), fc.constantFrom('}', ']', '\\"', 'password=', 'password="', 'name: DB_SECRET', 'value: ', 'https://u:', '@h', ' ', '\\n', 'Server=x;'), fc.string({ unit: fc.constantFrom(...'ab1 :=;,{}@/\\'), maxLength: 30 }));
    // a chunk long enough to be a piece, ending and starting with what detectors look for across a cut
    const chunk = fc.tuple(fc.array(hostile, { maxLength: 3 }), prose, fc.array(hostile, { maxLength: 4 })).map(([a, p, b]) => `${a.join('')} ${p} ${p} ${b.join('')}`);
    let cut = 0;
    fc.assert(
      fc.property(fc.array(chunk, { minLength: 3, maxLength: 12 }), (chunks) => {
        const text = `[{"${chunks.join('"},{"')}"}]`;
        if (cutPoints(text).length > 0) cut++;
        same(segmented(), whole(), text);
      }),
      { numRuns: 150, seed: 2626 },
    );
    // many inputs were scanned in pieces (an unbalanced quote or bracket in a chunk hides the cuts after it)
    expect(cut).toBeGreaterThan(30);
  });

  it('with a policy: custom patterns (scanned over the whole text) and allowlisted values', () => {
    const policy = parsePolicy({ patterns: [{ id: 'acme_ticket', pattern: 'ACME-[0-9]{6}', keywords: ['acme-'] }], allowValues: ['maria.garcia@example.com'] });
    const seg = createRedactor({ key, policy });
    const ref = createRedactor({ key, policy, segmented: false });
    const text = JSON.stringify(Array.from({ length: 30 }, (_, i) => ({ role: 'user', content: `${WORDS.join(' ')} ACME-${100000 + i} ${PLANTED[i % PLANTED.length]}` })));
    same(seg, ref, text);
    expect(seg.redactText(text, SCOPE).text).toContain('maria.garcia@example.com');
    expect(seg.redactText(text, SCOPE).text).not.toContain('ACME-100000');
  });
});
