import type { OktaClock } from './options.js';

/**
 * Longest wait for a bucket's reset. Okta's rate-limit windows are one minute; a reset further
 * ahead is not a pause worth waiting for (a bogus header, or a limit that will not clear soon):
 * the request goes out and a 429 is then reported instead of sleeping until then.
 */
export const MAX_RESET_WAIT_MS = 5 * 60_000;

/** The three headers Okta sends on every response, parsed. */
export interface RateLimitHeaders {
  limit: number;
  remaining: number;
  /** UTC epoch seconds at which the bucket refills. */
  reset: number;
}

interface BucketState extends RateLimitHeaders {}

/** Tuning of {@link RateGate}. */
export interface RateGateOptions {
  maxConcurrent: number;
  /** Share of each bucket's limit left unused (other clients share the org's buckets). */
  reserveFraction: number;
  /** Added to every wait for a bucket's reset. */
  resetPaddingMs: number;
  /**
   * How far our clock is assumed to be ahead of Okta's until an answer with a `Date` header
   * has been seen. Default 0.
   */
  clockAheadWithoutDateMs?: number;
  /**
   * Longest wait for a bucket's reset; past it the request goes out (see MAX_RESET_WAIT_MS, the
   * default). A function is asked at each wait (doctor: what is left of its overall allowance).
   */
  maxResetWaitMs?: number | (() => number);
  clock: OktaClock;
}

/**
 * Okta rate-limits per endpoint bucket (e.g. `GET /api/v1/users`, `GET /api/v1/users/{id}`) and
 * also caps concurrent requests per org. The bucket a request falls in is approximated by its
 * path with the object id replaced: `GET /api/v1/users/{id}/roles`.
 */
export function bucketOf(method: string, url: string): string {
  const segments = new URL(url).pathname.split('/');
  // ['', 'api', 'v1', 'users', '<id>', 'roles'] and ['', 'oauth2', 'v1', 'clients', '<id>', 'roles']
  if (segments.length > 4 && segments[4] !== '') segments[4] = '{id}';
  return `${method.toUpperCase()} ${segments.join('/')}`;
}

export function parseRateLimitHeaders(get: (name: string) => string | null): RateLimitHeaders | undefined {
  // Okta has been seen to send duplicated headers (comma-joined by fetch); the SDK skips those too.
  const num = (name: string): number | undefined => {
    const raw = get(name);
    if (raw === null || raw.includes(',')) return undefined;
    const n = Number(raw.trim());
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const limit = num('x-rate-limit-limit');
  const remaining = num('x-rate-limit-remaining');
  const reset = num('x-rate-limit-reset');
  if (limit === undefined || remaining === undefined || reset === undefined) return undefined;
  return { limit, remaining, reset };
}

/**
 * Admission control for outgoing requests: at most `maxConcurrent` in flight, and no request
 * sent into a bucket whose last advertised `X-Rate-Limit-Remaining`, minus what we already
 * have in flight there, is down to the reserve. Such requests wait for `X-Rate-Limit-Reset`.
 * A bucket we know nothing about (first use, or its window has passed) gets one request at a
 * time until a response tells us its budget.
 */
export class RateGate {
  private readonly buckets = new Map<string, BucketState>();
  private readonly inflightByBucket = new Map<string, number>();
  private inflight = 0;
  private waiters: Array<() => void> = [];
  /**
   * Upper bound of how far our clock is ahead of Okta's (negative: behind), from the `Date`
   * headers seen so far; undefined before the first.
   */
  private clockAheadMs?: number;
  /** Times a request waited for a bucket to reset. */
  pauses = 0;
  maxInflightSeen = 0;

  constructor(private readonly opts: RateGateOptions) {}

  /** Waits until `bucket` may send; the caller must call `release(bucket, headers)` after. */
  async acquire(bucket: string): Promise<void> {
    for (;;) {
      const verdict = this.check(bucket);
      if (verdict.ok) {
        this.inflight++;
        this.maxInflightSeen = Math.max(this.maxInflightSeen, this.inflight);
        this.inflightByBucket.set(bucket, (this.inflightByBucket.get(bucket) ?? 0) + 1);
        return;
      }
      if (verdict.waitMs !== undefined) {
        this.pauses++;
        await this.opts.clock.sleep(verdict.waitMs);
      } else {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    }
  }

  /** Records the response's rate-limit headers (if any) and frees the slot. */
  release(bucket: string, headers: RateLimitHeaders | undefined): void {
    if (headers) this.observe(bucket, headers);
    this.inflight--;
    const n = (this.inflightByBucket.get(bucket) ?? 1) - 1;
    if (n <= 0) this.inflightByBucket.delete(bucket);
    else this.inflightByBucket.set(bucket, n);
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  /**
   * Records the `Date` header of an answer that arrived at `receivedAt` (our clock). Okta's
   * `X-Rate-Limit-Reset` is a time on Okta's clock; this is how it is mapped onto ours. The
   * header has whole seconds, rounded down, and was stamped before the answer arrived, so
   * `receivedAt - Date` can only overstate how far our clock is ahead: the smallest value seen
   * is a safe bound that tightens as answers arrive. It replaces a fixed allowance for clock
   * skew, which either waits too long or, beyond the allowance, retries too early.
   */
  noteServerDate(date: string | null | undefined, receivedAt: number): void {
    if (!date) return;
    const stamped = Date.parse(date);
    if (!Number.isFinite(stamped)) return;
    const ahead = receivedAt - stamped;
    this.clockAheadMs = this.clockAheadMs === undefined ? ahead : Math.min(this.clockAheadMs, ahead);
  }

  /** Our clock's time at which a bucket resetting at `reset` (epoch seconds on Okta's clock) may be used again. */
  private resetAt(reset: number): number {
    return reset * 1000 + (this.clockAheadMs ?? this.opts.clockAheadWithoutDateMs ?? 0) + this.opts.resetPaddingMs;
  }

  /**
   * Milliseconds until the bucket's advertised reset has passed on Okta's clock, padding
   * included. `extraPaddings` adds that many more paddings (after a retry that was still early).
   */
  msUntilReset(headers: RateLimitHeaders, extraPaddings = 0): number {
    return Math.max(0, this.resetAt(headers.reset) - this.opts.clock.now()) + extraPaddings * this.opts.resetPaddingMs;
  }

  private observe(bucket: string, h: RateLimitHeaders): void {
    const cur = this.buckets.get(bucket);
    if (!cur || h.reset > cur.reset) {
      this.buckets.set(bucket, { ...h });
    } else if (h.reset === cur.reset) {
      // Responses arrive out of order; the lowest remaining seen in a window is the truth.
      cur.remaining = Math.min(cur.remaining, h.remaining);
      cur.limit = h.limit;
    }
    // A response from an older window (h.reset < cur.reset) says nothing new.
  }

  private check(bucket: string): { ok: true } | { ok: false; waitMs?: number } {
    if (this.inflight >= this.opts.maxConcurrent) return { ok: false };
    const mine = this.inflightByBucket.get(bucket) ?? 0;
    const state = this.buckets.get(bucket);
    if (state && this.opts.clock.now() >= this.resetAt(state.reset)) {
      this.buckets.delete(bucket);
      return this.check(bucket);
    }
    if (!state) return mine === 0 ? { ok: true } : { ok: false };
    const reserve = Math.floor(state.limit * this.opts.reserveFraction);
    if (state.remaining - mine > reserve) return { ok: true };
    if (mine > 0) return { ok: false };
    const waitMs = this.msUntilReset(state);
    const most = this.opts.maxResetWaitMs;
    if (waitMs > (typeof most === 'function' ? most() : (most ?? MAX_RESET_WAIT_MS))) {
      this.buckets.delete(bucket);
      return { ok: true };
    }
    return { ok: false, waitMs };
  }
}
