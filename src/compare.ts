/** Orders strings by UTF-16 code units (as `<` does), independent of the locale: for sorts whose output must be the same everywhere. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts strings in place in {@link compareText} order, the order `sort()` without a comparator
 * gives strings, and returns the list. Short lists (most lists of a principal's policies or tags
 * hold a few names) are sorted by insertion: the built-in sort allocates work arrays on every
 * call, about 100 MB over the 50,000 AWS principals of a 100k estate. Equal strings are
 * indistinguishable, so stability does not matter.
 */
export function sortTexts(list: string[]): string[] {
  if (list.length > 16) return list.sort();
  for (let i = 1; i < list.length; i++) {
    const v = list[i];
    let j = i - 1;
    for (; j >= 0 && list[j] > v; j--) list[j + 1] = list[j];
    list[j + 1] = v;
  }
  return list;
}

/** The first `shown` texts of a list, then how many more: "a, b, c and 4 more" (how a message names a long list). */
export function firstFewText(list: readonly string[], shown: number): string {
  if (list.length <= shown) return list.join(', ');
  return `${list.slice(0, shown).join(', ')} and ${list.length - shown} more`;
}

/** The distinct texts of `list`, sorted as sortTexts sorts them. */
export function uniqueSortedTexts(list: Iterable<string>): string[] {
  return sortTexts([...new Set(list)]);
}
