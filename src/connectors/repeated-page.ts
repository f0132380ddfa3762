/**
 * Tells a page served again in place of the next one (a cache, or a server that lost its place):
 * a page whose items, by key and in order, are those of an earlier page of the same listing. The
 * page it stands in for was never read, so the listing is incomplete. Only the page as a whole
 * counts: an item met again beside new ones, or alone on a short last page, can come from a
 * change made while the listing was paged, and is kept (with a duplicate warning where the
 * reader gives one). A page with an item that has no string key is never called repeated.
 */
export function repeatedPages(): (keys: readonly unknown[]) => boolean {
  const seen = new Set<string>();
  return (keys) => {
    if (keys.length === 0) return false;
    for (let i = 0; i < keys.length; i++) if (typeof keys[i] !== 'string') return false;
    const page = (keys as readonly string[]).join('\u0000');
    if (seen.has(page)) return true;
    seen.add(page);
    return false;
  };
}
