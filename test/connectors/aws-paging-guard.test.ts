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

  it('stops at a page with the same items as an earlier one, even a last page; an item met again beside new ones goes on', () => {
    const guard = pagingGuard(10);
    expect(guard(2, 'm1', ['a', 'b'])).toBeUndefined();
    // Served again in place of the next page: the page it stands in for was never read.
    expect(guard(2, 'm2', ['a', 'b'])).toBe('repeated-page');
    const last = pagingGuard(10);
    last(1, 'm1', ['a']);
    expect(last(1, undefined, ['a'])).toBe('repeated-page');
    // Near misses: an item met again beside a new one, alone on a short last page (a change made
    // while paging), an item without a key, a caller naming none.
    const near = pagingGuard(10);
    near(2, 'm1', ['a', 'b']);
    expect(near(2, 'm2', ['b', 'c'])).toBeUndefined();
    expect(near(1, 'm3', ['c'])).toBeUndefined();
    expect(near(2, 'm4', ['a', undefined])).toBeUndefined();
    expect(near(2, 'm5')).toBeUndefined();
    expect(near(0, undefined, [])).toBeUndefined();
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
