import { describe, expect, it } from 'vitest';
import { neighbour } from './nav.ts';

const b = (id: string, x: number, y: number): { id: string; x: number; y: number; w: number; h: number } => ({ id, x, y, w: 150, h: 30 });

describe('moving between nodes with the arrow keys', () => {
  const grid = [b('a', 0, 0), b('b', 200, 0), b('c', 200, 60), b('d', 400, 10), b('e', 0, 200)];
  const from = (id: string) => grid.find((x) => x.id === id)!;
  it('goes to the nearest node in the direction, preferring the same row', () => {
    expect(neighbour(grid, from('a'), 'ArrowRight')?.id).toBe('b');
    expect(neighbour(grid, from('b'), 'ArrowRight')?.id).toBe('d');
    expect(neighbour(grid, from('b'), 'ArrowDown')?.id).toBe('c');
    expect(neighbour(grid, from('a'), 'ArrowDown')?.id).toBe('e');
    expect(neighbour(grid, from('c'), 'ArrowUp')?.id).toBe('b');
  });
  it('stays put at the edge', () => {
    expect(neighbour(grid, from('a'), 'ArrowLeft')).toBeUndefined();
    expect(neighbour(grid, from('a'), 'ArrowUp')).toBeUndefined();
  });
});
