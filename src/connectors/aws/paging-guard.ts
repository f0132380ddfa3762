/** An empty page mid-listing is allowed; this many in a row, each with a new token, never ends. */
export const MAX_EMPTY_PAGES_IN_A_ROW = 100;

/** Why a listing must stop: its next token repeats one it gave, or it sends empty pages forever. */
export type PagingStop = 'repeated-token' | 'empty-pages';

/**
 * Stops an AWS listing whose pages never end, as the SDK paginators would follow it: called
 * after each page with its item count and next token, it answers why to stop, or undefined to go
 * on. A repeated token is checked first, then MAX_EMPTY_PAGES_IN_A_ROW empty pages in a row.
 */
export function pagingGuard(): (items: number, nextToken: string | undefined) => PagingStop | undefined {
  const seen = new Set<string>();
  let emptyInARow = 0;
  return (items, nextToken) => {
    emptyInARow = items === 0 ? emptyInARow + 1 : 0;
    if (!nextToken) return undefined;
    if (seen.has(nextToken)) return 'repeated-token';
    if (emptyInARow >= MAX_EMPTY_PAGES_IN_A_ROW) return 'empty-pages';
    seen.add(nextToken);
    return undefined;
  };
}
