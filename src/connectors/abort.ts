/**
 * Stopping a collection from outside. `nhiscan collect`/`scan` run the providers side by side
 * and abort the others once one has failed (a refused credential): no snapshot will be written,
 * so every further request would only spend the tenant's rate-limit budget. A collector given a
 * signal checks it before each request and each wait, passes it to the request itself, and once
 * it is aborted rejects with its reason instead of recording coverage.
 */

/** A request's own signal, and the call that releases it once the request (and its body) is done. */
export interface RequestSignal {
  signal: AbortSignal;
  done(): void;
}

/**
 * A signal that aborts when `stop` does or after `timeoutMs` (with a `TimeoutError`, as
 * `AbortSignal.timeout` would), whichever comes first. `done()` removes its listener from `stop`
 * and clears its timer: `AbortSignal.any([stop, AbortSignal.timeout(ms)])` per request would leave
 * one dependent signal registered on the long-lived `stop` for every request ever sent (Node 20
 * keeps them all: 400,000 requests, 400,000 entries), and a pending 60 s timer each.
 */
export function requestSignal(timeoutMs: number, stop: AbortSignal | undefined): RequestSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), timeoutMs);
  timer.unref?.();
  const onStop = (): void => controller.abort(stop!.reason);
  if (stop?.aborted) controller.abort(stop.reason);
  else stop?.addEventListener('abort', onStop, { once: true });
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
    },
  };
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

/** A collector's wait: the injected one (tests) when given, else the real clock; either ends once `signal` aborts. */
export function waitUntilStopped(injected: ((ms: number) => Promise<void>) | undefined, signal: AbortSignal | undefined): (ms: number) => Promise<void> {
  return injected ? stoppingSleep(injected, signal) : (ms) => sleepUnlessAborted(ms, signal);
}
