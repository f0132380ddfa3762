import type { ServerResponse } from 'node:http';

/**
 * Holds a response's writes until `at` (performance.now() time), then sends them in order. The
 * fakes run in the collector's own process: building an answer after a fixed delay added the
 * fake's work to every request, beyond the latency the benchmark's bound counts. Building it
 * while the delay runs makes a request take the latency, or the fake's work if that is longer.
 *
 * While held, `write` reports no backpressure, so a writer that streams until the client goes
 * away (an endless body) would queue all of it: such a writer waits for the returned promise,
 * which settles once the held writes have gone out.
 */
export function holdUntil(res: ServerResponse, at: number): Promise<void> {
  const write = res.write;
  const end = res.end;
  const queued: Array<{ fn: typeof write | typeof end; args: unknown[] }> = [];
  res.write = ((...args: unknown[]) => (queued.push({ fn: write, args }), true)) as ServerResponse['write'];
  res.end = ((...args: unknown[]) => (queued.push({ fn: end, args }), res)) as ServerResponse['end'];
  return new Promise((resolve) => {
    setTimeout(() => {
      // From here writes go straight out (and report backpressure again).
      res.write = write;
      res.end = end;
      for (const q of queued) (q.fn as (...a: unknown[]) => unknown).apply(res, q.args);
      resolve();
    }, Math.max(0, at - performance.now()));
  });
}
