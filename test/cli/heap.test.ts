import { describe, expect, it } from 'vitest';
import { limitHeapGrowth } from '../../src/cli/heap.js';

describe('limitHeapGrowth', () => {
  it('sets the heap growth factor unless the user gave Node one (flag or NODE_OPTIONS, either spelling)', () => {
    expect(limitHeapGrowth([], '')).toBe(true);
    expect(limitHeapGrowth(['--max-old-space-size=4096'], '--enable-source-maps')).toBe(true);
    expect(limitHeapGrowth(['--heap-growing-percent=30'], '')).toBe(false);
    expect(limitHeapGrowth([], '--heap_growing_percent=200')).toBe(false);
  });
});
