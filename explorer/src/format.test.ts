import { describe, expect, it } from 'vitest';
import { contentCut, STORED_CONTENT_LIMIT } from './format.ts';

describe('stored content cut', () => {
  it('is not cut when redaction placeholders made the text shorter than it was', () => {
    // what the API says of a redacted e-mail: 412 characters before redaction, 398 stored
    expect(contentCut({ content: 'x'.repeat(398) })).toBe(false);
  });
  it('is cut when the stored text reached the limit, whatever the lengths before redaction say', () => {
    expect(contentCut({ content: 'x'.repeat(STORED_CONTENT_LIMIT) })).toBe(true);
  });
});
