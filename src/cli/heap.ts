import { setFlagsFromString } from 'node:v8';
import { nodeFlagGiven } from './node-flags.js';

/** Heap growth factor 1.8 instead of V8's default (up to 4 for a young, growing heap). */
export const HEAP_GROWING_PERCENT = 80;

/**
 * Caps how far V8 lets the heap grow between full collections. A scan allocates gigabytes of
 * short- and middle-lived objects while its live data grows steadily; with V8's default factor
 * the heap of a 100,000-identity scan swells to about 2 GB of mostly garbage before the next
 * full collection. At 1.8 it peaks near 1.6 GB, for a few percent more collection time
 * (measured in bench/README.md). A `--heap-growing-percent` the user passes to Node wins.
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  const given = nodeFlagGiven(/heap[-_]growing[-_]percent/, execArgv, nodeOptions);
  if (!given) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return !given;
}
