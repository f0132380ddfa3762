import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { jsonDuplicateKey, jsonErrorOffset } from '../../src/cli/json-position.js';

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

describe('jsonDuplicateKey', () => {
  it('finds a key given twice in one object, with its object path and place', () => {
    expect(jsonDuplicateKey('{"rules":{"r":{"a":1,\n  "a":2}}}')).toEqual({ key: 'a', path: 'rules.r', line: 2, column: 3 });
    expect(jsonDuplicateKey('{"x":1,"x":2}')).toEqual({ key: 'x', path: '', line: 1, column: 8 });
    expect(jsonDuplicateKey('{"l":[{"a":1},{"b":1,"b":2}]}')).toMatchObject({ key: 'b', path: 'l[1]' });
    // Escapes are read as JSON reads them: "\u0061" is "a".
    expect(jsonDuplicateKey('{"a":1,"\\u0061":2}')).toMatchObject({ key: 'a' });
  });

  it('accepts equal keys in different objects, and strings that only look like keys', () => {
    expect(jsonDuplicateKey('{"a":{"a":1},"b":{"a":2},"c":["a","a"],"d":"\\"a\\":"}')).toBeUndefined();
    expect(jsonDuplicateKey('[{"a":1},{"a":1}]')).toBeUndefined();
    expect(jsonDuplicateKey('{"a":{"x":1},"x":2}')).toBeUndefined();
  });

  it('agrees with JSON.parse on whether a key was lost', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(jsonDuplicateKey(JSON.stringify(v, null, 1))).toBeUndefined();
      }),
    );
  });
});
