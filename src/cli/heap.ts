import { setFlagsFromString } from 'node:v8';
import { nodeFlagGiven } from './node-flags.js';

/** Heap growth factor 1.8 instead of V8's default (up to 4 for a young, growing heap). */
export const HEAP_GROWING_PERCENT = 80;

/**
 * Caps how far V8 lets the heap grow between full collections. A scan allocates gigabytes of
 * short- and middle-lived objects while its live data grows steadily; with V8's default factor
 * the heap of a 100,000-identity scan swells to about 2 GB of mostly garbage before the next
 * full collection. At 1.8 it peaks near 1.6 GB, for a few percent more collection time
 * (measured in bench/HISTORY.md). A `--heap-growing-percent` the user passes to Node wins.
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  const given = nodeFlagGiven(/heap[-_]growing[-_]percent/, execArgv, nodeOptions);
  if (!given) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  limited = !given;
  return !given;
}

/** Heap growth factor once the graph is built: 1.5. */
export const LATE_HEAP_GROWING_PERCENT = 50;

let limited = false;

/**
 * Narrows the heap growth factor to 1.5 for the rest of a scan, once the graph is built (V8
 * reads the factor at every full collection). From there the live heap only grows (graph,
 * analysis caches, findings, summaries: about 1 GB at 100,000 identities), and at 1.8 the heap
 * after the last full collection could swell to about 2 GB before the scan ended. Over the
 * whole scan 1.5 cost 5-10% of the time; after the graph, the peak of the 100,000-identity bench
 * fell from 1,980-2,044 MB to 1,711-1,795 MB (two alternated pairs, loaded machine). Does
 * nothing when the user chose a factor (see limitHeapGrowth); returns whether it set one.
 */
export function narrowHeapGrowth(): boolean {
  if (limited) setFlagsFromString(`--heap-growing-percent=${LATE_HEAP_GROWING_PERCENT}`);
  return limited;
}
