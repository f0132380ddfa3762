import { MAX_EMPTY_PAGES_IN_A_ROW, MAX_PAGES_PER_LISTING } from '../limits.js';
import { repeatedPages } from '../repeated-page.js';

// The limits themselves: ../limits.ts.

/**
 * Why a listing must stop: a page with the same items as an earlier one (served again in place of
 * the next one), its next token repeats one it gave, it sends empty pages forever, or its pages never end.
 */
export type PagingStop = 'repeated-page' | 'repeated-token' | 'empty-pages' | 'too-many-pages';

/**
 * Stops an AWS listing whose pages never end, as the SDK paginators would follow it: called
 * after each page with its item count, next token and, when the caller can name them, its items'
 * keys (ARNs, ids), it answers why to stop, or undefined to go on. A page with the keys of an
 * earlier page (repeatedPages) is checked first, last page or not: the page it stands in for was not read.
 * Then a repeated token, MAX_EMPTY_PAGES_IN_A_ROW empty pages in a row, and `maxPages` pages with
 * another still to come.
 */
export function pagingGuard(maxPages = MAX_PAGES_PER_LISTING): (items: number, nextToken: string | undefined, keys?: readonly (string | undefined)[]) => PagingStop | undefined {
  const seen = new Set<string>();
  const repeated = repeatedPages();
  let emptyInARow = 0;
  let pages = 0;
  return (items, nextToken, keys) => {
    pages += 1;
    if (keys !== undefined && repeated(keys)) return 'repeated-page';
    emptyInARow = items === 0 ? emptyInARow + 1 : 0;
    if (!nextToken) return undefined;
    if (seen.has(nextToken)) return 'repeated-token';
    if (emptyInARow >= MAX_EMPTY_PAGES_IN_A_ROW) return 'empty-pages';
    if (pages >= maxPages) return 'too-many-pages';
    seen.add(nextToken);
    return undefined;
  };
}
