import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { JSON_BATCH, jsonChunks } from '../../src/reporters/json-chunks.js';

describe('jsonChunks', () => {
  it('produces exactly the text of JSON.stringify(value, null, 2)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => {
        expect([...jsonChunks(v)].join('')).toBe(JSON.stringify(v, null, 2));
        expect([...jsonChunks(v, 0, 10)].join('')).toBe(JSON.stringify(v, null, 2));
        // Elements of the last walked level stringified in batches, of one and of three.
        for (const walk of [1, 2, 3]) for (const batch of [1, 3]) expect([...jsonChunks(v, 0, walk, batch)].join('')).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: 300 },
    );
    const odd = { a: undefined, b: [undefined, 1, () => 2], c: { d: [] }, e: {}, f: new Date(0), g: 'x\ny' };
    expect([...jsonChunks(odd)].join('')).toBe(JSON.stringify(odd, null, 2));
    expect([...jsonChunks(odd, 0, 10)].join('')).toBe(JSON.stringify(odd, null, 2));
    for (const walk of [1, 2]) for (const batch of [1, 2]) expect([...jsonChunks(odd, 0, walk, batch)].join('')).toBe(JSON.stringify(odd, null, 2));
  });

  it('never puts more than JSON_BATCH elements of a big array in one chunk', () => {
    const n = 4 * JSON_BATCH + 3;
    const value = { items: Array.from({ length: n }, (_, i) => ({ i, s: 'x'.repeat(i % 7) })) };
    const chunks = [...jsonChunks(value)];
    expect(chunks.join('')).toBe(JSON.stringify(value, null, 2));
    const biggest = Math.max(...value.items.map((x) => JSON.stringify(x, null, 2).length));
    // An element of depth 2 gets 4 more characters on each of its 4 lines, and ",\n" after it.
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(JSON_BATCH * (biggest + 4 * 4 + 2));
    expect(chunks.filter((c) => c.includes('"i"')).length).toBe(5);
  });
});
