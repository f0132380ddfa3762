/**
 * Appends the items to `target`, in order, one push at a time. `target.push(...items)` passes
 * every item as an argument, and V8 throws a RangeError ("Maximum call stack size exceeded")
 * past about 125,000 of them on Node 20 with the default stack, fewer from deeper in it: a list
 * that grows with the estate (coverage records, failures, warnings, report lines) comes here.
 */
export function appendAll<T>(target: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) target.push(items[i]);
}
