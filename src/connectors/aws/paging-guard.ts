import { MAX_EMPTY_PAGES_IN_A_ROW, MAX_PAGES_PER_LISTING } from '../limits.js';

// The limits themselves: ../limits.ts.

/**
 * Why a listing must stop: a page whose every item was read before (served again in place of the
 * next one), its next token repeats one it gave, it sends empty pages forever, or its pages never end.
 */
export type PagingStop = 'repeated-page' | 'repeated-token' | 'empty-pages' | 'too-many-pages';

/**
 * Stops an AWS listing whose pages never end, as the SDK paginators would follow it: called
 * after each page with its item count, next token and, when the caller can name them, its items'
 * keys (ARNs, ids), it answers why to stop, or undefined to go on. A page whose every key was seen
 * on an earlier page is checked first, last page or not: the page it stands in for was not read.
 * Then a repeated token, MAX_EMPTY_PAGES_IN_A_ROW empty pages in a row, and `maxPages` pages with
 * another still to come.
 */
export function pagingGuard(maxPages = MAX_PAGES_PER_LISTING): (items: number, nextToken: string | undefined, keys?: readonly (string | undefined)[]) => PagingStop | undefined {
  const seen = new Set<string>();
  const seenKeys = new Set<string>();
  let emptyInARow = 0;
  let pages = 0;
  return (items, nextToken, keys) => {
    pages += 1;
    if (keys !== undefined && keys.length > 0) {
      if (keys.every((k) => k !== undefined && seenKeys.has(k))) return 'repeated-page';
      for (const k of keys) if (k !== undefined) seenKeys.add(k);
    }
    emptyInARow = items === 0 ? emptyInARow + 1 : 0;
    if (!nextToken) return undefined;
    if (seen.has(nextToken)) return 'repeated-token';
    if (emptyInARow >= MAX_EMPTY_PAGES_IN_A_ROW) return 'empty-pages';
    if (pages >= maxPages) return 'too-many-pages';
    seen.add(nextToken);
    return undefined;
  };
}
