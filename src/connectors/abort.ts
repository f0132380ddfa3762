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

/** Signals for the requests and waits of one collector, all stopped through one listener on the run's stop signal. */
export interface RequestSignals {
  /** A signal of its own for one request or wait, aborted with `stop`'s reason; `done()` forgets it. */
  request(): RequestSignal;
  /** `sleepUnlessAborted` on a signal of its own, released when the wait ends. */
  sleep(ms: number): Promise<void>;
  /** Removes the listener from `stop`; call it once the collector has ended. */
  close(): void;
}

/**
 * For a collector whose requests go through an SDK that registers on the signal it is given and
 * removes the listener only when it is done with the request (the AWS SDK: its retry loop while
 * it waits, its HTTP handler until the socket's `close`, which can come after the call has
 * settled). Given the run's stop signal, every call in flight would hold listeners on it (two per
 * call, 60 for 12 accounts at once), and Node warns from 11 on. Here the stop signal holds one
 * listener for the whole collector, however many calls are in flight; each call gets a signal of
 * its own, on which the SDK may register what it likes.
 */
export function requestSignals(stop: AbortSignal): RequestSignals {
  const live = new Set<AbortController>();
  const onStop = (): void => {
    for (const controller of live) controller.abort(stop.reason);
    live.clear();
  };
  stop.addEventListener('abort', onStop, { once: true });
  const request = (): RequestSignal => {
    const controller = new AbortController();
    if (stop.aborted) controller.abort(stop.reason);
    else live.add(controller);
    return { signal: controller.signal, done: () => void live.delete(controller) };
  };
  return {
    request,
    sleep: (ms) => {
      const wait = request();
      return sleepUnlessAborted(ms, wait.signal).finally(wait.done);
    },
    close: () => {
      stop.removeEventListener('abort', onStop);
      live.clear();
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
