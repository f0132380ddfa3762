import { describe, expect, it } from 'vitest';
import { MAX_EMPTY_PAGES_IN_A_ROW, MAX_PAGES_PER_LISTING } from '../../src/connectors/limits.js';
import { pagingGuard } from '../../src/connectors/aws/paging-guard.js';

describe('pagingGuard', () => {
  it('lets a listing end on its own, however many pages it took below the cap', () => {
    const guard = pagingGuard(5);
    expect([guard(3, 'a'), guard(3, 'b'), guard(3, 'c'), guard(3, 'd'), guard(3, undefined)]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('stops a listing of full pages with ever new tokens once it reaches the cap', () => {
    const guard = pagingGuard(4);
    expect([guard(3, 't1'), guard(3, 't2'), guard(3, 't3'), guard(3, 't4')]).toEqual([undefined, undefined, undefined, 'too-many-pages']);
  });

  it('keeps the more specific reasons first, and a generous default cap', () => {
    const repeated = pagingGuard(2);
    repeated(1, 'x');
    expect(repeated(1, 'x')).toBe('repeated-token');
    expect(MAX_PAGES_PER_LISTING).toBeGreaterThan(MAX_EMPTY_PAGES_IN_A_ROW);
    const guard = pagingGuard();
    let stop;
    let pages = 0;
    while (stop === undefined && pages < MAX_PAGES_PER_LISTING + 1) stop = guard(1, `t${++pages}`);
    expect([stop, pages]).toEqual(['too-many-pages', MAX_PAGES_PER_LISTING]);
  });
});
