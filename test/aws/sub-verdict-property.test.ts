import { describe, expect, it } from 'vitest';
import { claimFact, subjectVerdict } from '../../src/aws/trust.js';

// subjectVerdict against a direct evaluation: every sub of up to 4 letters over a small alphabet is
// put to each operator on the key as IAM reads it (blocks ANDed, values ORed, a negated operator
// holding when the sub matches none of its values; StringNotEqualsIgnoreCase without case). A bar
// must mean no such sub passes; a verdict without a bar or a doubt, that every sub the pattern admits
// passes, or with `except` (what negated operators turn away, said), that some do and some do not. Seeded.
let seed = 7;
const rnd = (n: number) => {
  seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
  return (seed >>> 8) % n;
};
const pick = <T,>(a: readonly T[]): T => a[rnd(a.length)];
const KEY = 'accounts.google.com:sub';
const CHARS = ['a', 'b', 'A', '*', '?'];
const word = (max: number, wild: boolean) => {
  const n = 1 + rnd(max);
  let w = '';
  for (let i = 0; i < n; i++) w += wild ? pick(CHARS) : pick(['a', 'b', 'A']);
  return w;
};
// Negated patterns short and rich in wildcards, so that together they often turn away everything.
const NEG_LIKE = ['*', '?', '??*', 'a*', 'b*', '*a', '*b', 'A*', '?*', '*?', 'a', 'b', 'ab*', 'a?*'];
const glob = (p: string) => new RegExp(`^${[...p].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c)).join('')}$`, 's');
const SUBS: string[] = [];
const grow = (prefix: string) => {
  if (prefix.length > 0) SUBS.push(prefix);
  // B and c: letters no pattern names in that case, or at all (a StringNotEqualsIgnoreCase ab turns away aB).
  if (prefix.length < 4) for (const c of ['a', 'b', 'A', 'B', 'c']) grow(prefix + c);
};
grow('');
const meets = (op: string, values: string[], s: string): boolean => {
  const like = /like/i.test(op);
  const fold = /ignorecase/i.test(op);
  const m = values.some((v) => (like ? glob(v).test(s) : fold ? v.toLowerCase() === s.toLowerCase() : v === s));
  return /not/i.test(op) ? !m : m;
};

describe('subjectVerdict against enumerated subs (seeded random conditions)', () => {
  it('bars only what no sub passes, and leaves no doubt out', () => {
    let bars = 0;
    let clean = 0;
    let missed = 0;
    let partial = 0;
    for (let i = 0; i < 1000; i++) {
      const cond: Record<string, Record<string, string[]>> = {};
      const positive = rnd(4) > 0;
      if (positive) cond.StringLike = { [KEY]: [rnd(2) ? pick(['*', '?', 'a*', 'a?', 'ab*', '*b', 'a*b', '??']) : word(3, true)] };
      for (const op of ['StringNotLike', 'StringNotEquals', 'StringNotEqualsIgnoreCase']) if (op === 'StringNotLike' ? rnd(4) > 0 : rnd(3) === 0) cond[op] = { [KEY]: Array.from({ length: 1 + rnd(3) }, () => (op === 'StringNotLike' && rnd(3) > 0 ? pick(NEG_LIKE) : word(3, op === 'StringNotLike'))) };
      if (Object.keys(cond).length === 0) continue;
      const fact = claimFact(cond, KEY);
      const entries = Object.entries(cond).map(([op, k]) => ({ op, values: k[KEY] }));
      const passes = SUBS.filter((s) => entries.every((e) => meets(e.op, e.values, s)));
      const pattern = positive ? fact.values[0] : undefined;
      const admitted = pattern === undefined ? SUBS : SUBS.filter((s) => glob(pattern).test(s));
      const v = subjectVerdict(fact.status === 'missing' ? undefined : pattern, false, fact);
      const what = JSON.stringify(cond);
      if (v.bar !== undefined) {
        bars++;
        expect([what, passes]).toEqual([what, []]);
      } else if (passes.length === 0) {
        missed++;
      }
      if (v.bar === undefined && v.doubt === undefined && pattern !== undefined) {
        clean++;
        // Without `except` every sub the pattern admits passes; with it, some do and some do not.
        if (v.except === undefined) expect([what, passes.length]).toEqual([what, admitted.length]);
        else {
          partial++;
          expect([what, passes.length > 0, passes.length < admitted.length]).toEqual([what, true, true]);
        }
      }
    }
    // Both kinds of verdict are met often enough for the check to mean something.
    expect(bars).toBeGreaterThan(50);
    expect(clean).toBeGreaterThan(100);
    expect(partial).toBeGreaterThan(50);
    // A condition no sub of up to 4 letters meets, with patterns this short, meets none at all.
    expect(missed).toBe(0);
  });
});
