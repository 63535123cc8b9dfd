import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.ts';

describe('parseArgs', () => {
  it('takes a flag before another option without swallowing it (detect --dry-run --limit 1)', () => {
    expect(parseArgs(['--dry-run', '--limit', '1', '--since', '2026-12-01'])).toEqual({ 'dry-run': [''], limit: ['1'], since: ['2026-12-01'] });
  });
  it('takes a flag at the end, repeated options and positionals', () => {
    expect(parseArgs(['verify', '--tenant', 'a', '--tenant', 'b', '--json'])).toEqual({ _: ['verify'], tenant: ['a', 'b'], json: [''] });
  });
});
