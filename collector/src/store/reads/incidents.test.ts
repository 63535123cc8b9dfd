import type { IncidentEvent } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { fold } from './incidents.ts';

const ev = (at: string, body: Record<string, unknown>): IncidentEvent => ({ ...body, eventId: at, at, actor: 'ana' }) as IncidentEvent;

describe('incident events fold into the current state', () => {
  const created = ev('t1', { type: 'created', title: 'Exfiltration', seeds: ['act:' + 'a'.repeat(32) + '/' + 'b'.repeat(16)], traceIds: ['a'.repeat(32)], notes: 'first look', view: '/traces/' + 'a'.repeat(32) });

  it('applies notes, seeds, title, status and view in order', () => {
    const i = fold(
      [
        created,
        ev('t2', { type: 'note', text: 'confirmed' }),
        ev('t3', { type: 'seeds_added', seeds: ['art:' + 'c'.repeat(32)], traceIds: ['d'.repeat(32), 'a'.repeat(32)] }),
        ev('t4', { type: 'title', title: 'Customer export mailed outside' }),
        ev('t5', { type: 'status', status: 'closed' }),
        ev('t6', { type: 'view', view: '/traces/x?step=3' }),
      ],
      'i1',
    )!;
    expect(i.title).toBe('Customer export mailed outside');
    expect(i.status).toBe('closed');
    expect(i.seeds).toHaveLength(2);
    expect(i.traceIds).toEqual(['a'.repeat(32), 'd'.repeat(32)]);
    expect(i.notes.map((n) => n.text)).toEqual(['first look', 'confirmed']);
    expect(i.view).toBe('/traces/x?step=3');
    expect([i.createdAt, i.updatedAt]).toEqual(['t1', 't6']);
    expect(i.events).toHaveLength(6);
  });

  it('ignores events before the creation and a second creation', () => {
    const i = fold([ev('t0', { type: 'note', text: 'orphan' }), created, ev('t2', { ...created, at: 't2', title: 'again' } as never)], 'i1')!;
    expect(i.title).toBe('Exfiltration');
    expect(i.notes.map((n) => n.text)).toEqual(['first look']);
    expect(fold([ev('t0', { type: 'note', text: 'orphan' })], 'i2')).toBeUndefined();
  });
});
