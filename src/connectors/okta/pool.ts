/**
 * Runs `fn` over `items` with at most `limit` calls pending, without creating a promise per
 * item up front (per-user calls can number in the hundreds of thousands). The first error
 * stops new calls; it is rethrown once the pending ones have settled.
 */
export async function forEachPooled<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        if (!failed) {
          failed = true;
          failure = e;
        }
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.max(1, Math.min(limit, items.length)); i++) workers.push(worker());
  await Promise.all(workers);
  if (failed) throw failure;
}
