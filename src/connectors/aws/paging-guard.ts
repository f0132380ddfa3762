import { MAX_EMPTY_PAGES_IN_A_ROW, MAX_PAGES_PER_LISTING } from '../limits.js';

// The limits themselves: ../limits.ts.

/** Why a listing must stop: its next token repeats one it gave, it sends empty pages forever, or its pages never end. */
export type PagingStop = 'repeated-token' | 'empty-pages' | 'too-many-pages';

/**
 * Stops an AWS listing whose pages never end, as the SDK paginators would follow it: called
 * after each page with its item count and next token, it answers why to stop, or undefined to go
 * on. A repeated token is checked first, then MAX_EMPTY_PAGES_IN_A_ROW empty pages in a row, then
 * `maxPages` pages with another still to come.
 */
export function pagingGuard(maxPages = MAX_PAGES_PER_LISTING): (items: number, nextToken: string | undefined) => PagingStop | undefined {
  const seen = new Set<string>();
  let emptyInARow = 0;
  let pages = 0;
  return (items, nextToken) => {
    pages += 1;
    emptyInARow = items === 0 ? emptyInARow + 1 : 0;
    if (!nextToken) return undefined;
    if (seen.has(nextToken)) return 'repeated-token';
    if (emptyInARow >= MAX_EMPTY_PAGES_IN_A_ROW) return 'empty-pages';
    if (pages >= maxPages) return 'too-many-pages';
    seen.add(nextToken);
    return undefined;
  };
}
