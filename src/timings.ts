/** Wall time per named step, in seconds, summed over calls; only the benchmark asks for it. */
export type Timings = Record<string, number>;

/** Runs `fn`, adding its wall time to `timings[name]` when timings are asked for. */
export function timed<T>(timings: Timings | undefined, name: string, fn: () => T): T {
  if (!timings) return fn();
  const t0 = performance.now();
  const out = fn();
  timings[name] = (timings[name] ?? 0) + (performance.now() - t0) / 1000;
  return out;
}
