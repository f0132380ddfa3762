import { describe, expect, it } from 'vitest';
import { sortTexts, uniqueSortedTexts } from '../../src/compare.js';

/** A deterministic pseudo-random generator (the same lists on every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('sortTexts', () => {
  it('orders strings as sort() without a comparator does, short lists and long ones', () => {
    const r = rng(8);
    // Shared prefixes, one string the prefix of another, case, digits, a non-ASCII letter and an
    // astral character (UTF-16 code units, not code points), duplicates.
    const pieces = ['', 'a', 'A', 'ab', 'a/', 'a?', 'b', 'Z', '0', '10', '9', 'é', '\u{1F600}', '\uFFFF', ' (inline)', 'Policy'];
    for (let round = 0; round < 400; round++) {
      const n = Math.floor(r() * 40);
      const list: string[] = [];
      for (let i = 0; i < n; i++) {
        let s = '';
        const parts = 1 + Math.floor(r() * 3);
        for (let k = 0; k < parts; k++) s += pieces[Math.floor(r() * pieces.length)];
        list.push(s);
      }
      const expected = [...list].sort();
      const same = sortTexts(list);
      expect(same).toBe(list);
      expect(list).toEqual(expected);
    }
  });

  it('uniqueSortedTexts keeps each text once, in the same order, from any iterable', () => {
    expect(uniqueSortedTexts(['b', 'a', 'b', 'A', 'a'])).toEqual(['A', 'a', 'b']);
    expect(uniqueSortedTexts(new Set(['z', 'y']).values())).toEqual(['y', 'z']);
    const many = Array.from({ length: 40 }, (_, i) => `t${i % 7}`);
    expect(uniqueSortedTexts(many)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
  });
});
