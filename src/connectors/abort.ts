/**
 * Stopping a collection from outside. `nhiscan collect`/`scan` run the providers side by side
 * and abort the others once one has failed (a refused credential): no snapshot will be written,
 * so every further request would only spend the tenant's rate-limit budget. A collector given a
 * signal checks it before each request and each wait, passes it to the request itself, and once
 * it is aborted rejects with its reason instead of recording coverage.
 */

/** Aborts when `signal` does or after `timeoutMs`, whichever comes first. */
export function timeoutOr(timeoutMs: number, signal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  if (!signal) return timeout;
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([signal, timeout]);
  // Node 20.0-20.2 have no AbortSignal.any.
  const both = new AbortController();
  const forward = (s: AbortSignal) => () => both.abort(s.reason);
  for (const s of [signal, timeout]) {
    if (s.aborted) both.abort(s.reason);
    else s.addEventListener('abort', forward(s), { once: true });
  }
  return both.signal;
}

/** Waits `ms` on the real clock; an abort of `signal` ends the wait at once, rejecting with its reason. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** An injected wait (tests) made to stop on `signal`: it rejects with the reason once aborted. */
export function stoppingSleep(sleep: (ms: number) => Promise<void>, signal: AbortSignal | undefined): (ms: number) => Promise<void> {
  if (!signal) return sleep;
  return async (ms) => {
    signal.throwIfAborted();
    await sleep(ms);
    signal.throwIfAborted();
  };
}
