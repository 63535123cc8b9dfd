// Inputs built to make a redactor slow: each family repeats a unit that starts a match attempt,
// or many findings, at every few characters. Used by linear.test.ts (step counts) and by
// collector/bench/redaction.ts (time per input at 10k … 1M characters).

/** name → a text of about n characters */
export const ADVERSARIAL_FAMILIES: Record<string, (n: number) => string> = {
  // from the security report (issue 14)
  "'a-'×n+' key…'": (n) => `${'a-'.repeat(n / 2)} key=abcdef123456`,
  "'a-'×n+' token'": (n) => `${'a-'.repeat(n / 2)} token`,
  "'name='+'secret'×n+'!'": (n) => `name=${'secret'.repeat(n / 6)}!`,
  "'a@b.co '×n": (n) => 'a@b.co '.repeat(n / 7),
  // found by reading the patterns: a keyword or prefix that starts an attempt at every few characters
  "'name=secret'×n": (n) => 'name=secret'.repeat(n / 11),
  "'password='×n": (n) => 'password='.repeat(n / 9),
  "'db_password=x'+'a'×n": (n) => `db_password=x${'a'.repeat(n)}`,
  "'aws '×n": (n) => 'aws '.repeat(n / 4),
  "'eyJ-'×n": (n) => 'eyJ-'.repeat(n / 4),
  "'glpat-'×n": (n) => 'glpat-'.repeat(n / 6),
  "'a://x:'×n": (n) => 'a://x:'.repeat(n / 6),
  "'-----BEGIN PRIVATE KEY-----!'×n": (n) => '-----BEGIN PRIVATE KEY-----!'.repeat(n / 28),
  "'key '×n+'a'×100": (n) => `${'key '.repeat(n / 4)}${'a'.repeat(100)}`,
  "'a'×n+'::'": (n) => `${'a'.repeat(n)}::`,
  "'a.'×n+'@'": (n) => `${'a.'.repeat(n / 2)}@`,
  "'a@'+'b.'×n": (n) => `a@${'b.'.repeat(n / 2)}`,
  "'4111 '×n": (n) => '4111 '.repeat(n / 5),
  "'1 '×n": (n) => '1 '.repeat(n / 2),
  "'GB82 WEST '×n": (n) => 'GB82 WEST '.repeat(n / 10),
  "'server=x;password=a;'×n": (n) => 'server=x;password=a;'.repeat(n / 20),
  "'{\"a\":'×n": (n) => '{"a":'.repeat(n / 5),
  "'[REDACTED:email:0badc0de] '×n": (n) => '[REDACTED:email:0badc0de] '.repeat(n / 26),
  // person names and postal addresses (names.ts, addresses.ts): a run or a cue at every few characters
  "'Aa '×n": (n) => 'Aa '.repeat(n / 3),
  "'Mr. X '×n": (n) => 'Mr. X '.repeat(n / 6),
  "'Dear Maria '×n": (n) => 'Dear Maria '.repeat(n / 11),
  "'Regards,\\n'×n+'A'": (n) => `${'Regards,\n'.repeat(n / 9)}A`,
  "'\"name\":\"Wei Li '×n": (n) => '"name":"Wei Li '.repeat(n / 15),
  "'first_name=a '×n": (n) => 'first_name=a '.repeat(n / 13),
  "'Aaaaaaaaaaaaaaaaaaaaaaaa'×n (one word)": (n) => 'Aaaaaaaaaaaaaaaaaaaaaaaa'.repeat(n / 24),
  "'1 Baker '×n": (n) => '1 Baker '.repeat(n / 8),
  "'12 rue de la A '×n": (n) => '12 rue de la A '.repeat(n / 15),
  "'Calle A, '×n": (n) => 'Calle A, '.repeat(n / 9),
  "'Hauptstraßestraße '×n": (n) => 'Hauptstraßestraße '.repeat(n / 18),
  "'1 A Street, '×n": (n) => '1 A Street, '.repeat(n / 12),
  "'P.O. Box 1 '×n": (n) => 'P.O. Box 1 '.repeat(n / 11),
};
