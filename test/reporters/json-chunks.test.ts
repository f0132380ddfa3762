import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { jsonChunks } from '../../src/reporters/json-chunks.js';

describe('jsonChunks', () => {
  it('produces exactly the text of JSON.stringify(value, null, 2)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => {
        expect([...jsonChunks(v)].join('')).toBe(JSON.stringify(v, null, 2));
        expect([...jsonChunks(v, 0, 10)].join('')).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: 300 },
    );
    const odd = { a: undefined, b: [undefined, 1, () => 2], c: { d: [] }, e: {}, f: new Date(0), g: 'x\ny' };
    expect([...jsonChunks(odd)].join('')).toBe(JSON.stringify(odd, null, 2));
    expect([...jsonChunks(odd, 0, 10)].join('')).toBe(JSON.stringify(odd, null, 2));
  });
});
