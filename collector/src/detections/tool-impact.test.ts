import { describe, expect, it } from 'vitest';
import { impactFromName, toolWords } from './tool-impact.ts';

describe('tool impact from its name', () => {
  it('splits snake, kebab, dotted and camel case', () => {
    expect(toolWords('fs.deleteFile-now')).toEqual(['fs', 'delete', 'file', 'now']);
  });
  it('classes high-impact verbs and leaves reads alone', () => {
    expect(impactFromName('delete_records')).toBe('destructive');
    expect(impactFromName('transfer_funds')).toBe('payment');
    expect(impactFromName('grant_role')).toBe('permission');
    expect(impactFromName('sendEmail')).toBe('egress');
    expect(impactFromName('export_customers')).toBe('egress');
    expect(impactFromName('update_ticket')).toBe('write');
    expect(impactFromName('search_email')).toBeUndefined();
    expect(impactFromName('get_delete_log')).toBeUndefined();
    expect(impactFromName('lookup_invoice')).toBeUndefined();
  });
});
