import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { jsonErrorOffset } from '../../src/cli/json-position.js';

describe('jsonErrorOffset', () => {
  it('points at the first invalid character', () => {
    expect(jsonErrorOffset('[{"a": oops}]')).toBe(7);
    expect(jsonErrorOffset('{"a": 1,}')).toBe(8);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
    expect(jsonErrorOffset('[1, 2')).toBe(5);
    expect(jsonErrorOffset('"abc')).toBe(4);
    expect(jsonErrorOffset('{} x')).toBe(3);
  });
  it('accepts exactly what JSON.parse accepts on generated documents', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v, null, 1);
        expect(jsonErrorOffset(text)).toBe(-1);
      }),
      { numRuns: 200 },
    );
  });
  it('handles deep nesting without recursion', () => {
    expect(jsonErrorOffset('['.repeat(100_000))).toBe(100_000);
  });
});
