/**
 * The AWS collector's retry strategy: a short exponential backoff with full jitter, patience
 * measured as time spent waiting rather than as a few attempts, and a send pacer that, once the
 * account throttles, spaces requests at the rate that was actually getting through.
 *
 * Why not one of the SDK's strategies (bench/README.md, "Choosing the AWS retry strategy"):
 * standard mode's first throttling wait is up to 1 s and it keeps no memory of the account's
 * quota, so a passing throttle costs seconds and a lasting quota is pressed on about once a second
 * per call; adaptive mode remembers, but after a throttle it could not measure a rate for yet it
 * paces the client at 0.5 requests a second and climbs back slowly. A short base alone (100 ms)
 * was fast when throttles passed but, with six attempts, gave up under a lasting quota and lost
 * whole capabilities. Here a throttled call waits little at first, keeps trying until it has
 * waited `throttleBudgetMs` in all, and the pacer keeps the account's other calls from using up
 * the quota meanwhile.
 */
import type { RetryErrorInfo, RetryErrorType, RetryStrategyV2, StandardRetryToken } from '@smithy/types';

/** Tunables of PacedRetryStrategy; every field has a default (see DEFAULTS). */
export interface PacedRetryOptions {
  /**
   * Attempts per call, the first included, when the failures are not throttling (5xx, timeouts,
   * dropped connections): such an error usually does not pass by waiting longer.
   */
  maxAttempts: number;
  /** Backoff a throttled call may wait in all before it gives up. Default 30 s. */
  throttleBudgetMs?: number;
  /** A backstop on the attempts of a throttled call, for a random source that keeps drawing tiny waits. Default 50. */
  maxThrottledAttempts?: number;
  /**
   * The cap of the first retry's random wait after an error other than throttling, doubled for
   * each retry after it. Default 100 ms.
   */
  baseDelayMs?: number;
  /**
   * The same cap after throttling. Default 25 ms: IAM's Throttling names no wait, and most
   * throttles pass within a few tens of milliseconds (a burst of side-by-side calls), so the first
   * retries wait little; a quota that lasts is left to the pacer, which then spaces every send, and
   * to the doubling, which reaches the 100 ms curve's waits after two more retries. The wait
   * budget, not an attempt count, ends a throttled call, so the short start costs no coverage.
   */
  throttleBaseDelayMs?: number;
  /** The cap of one wait. Default 20 s, the SDK's. */
  maxDelayMs?: number;
  /** Whether sends are paced after throttling (off only to compare against plain backoff). Default true. */
  pacing?: boolean;
  /** Uniform in [0, 1). Default Math.random. */
  random?: () => number;
  /** Milliseconds on a monotonic clock. Default performance.now. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Backoff after throttling that several calls (of several clients) may wait in all, on top of
   * each call's throttleBudgetMs: a throttled call waits no more than it has left, and is not
   * retried once it is spent. Doctor's overall allowance for one provider's check. Default none.
   */
  sharedThrottleBudget?: { leftMs(): number; spend(ms: number): void };
}

const DEFAULTS = { throttleBudgetMs: 30_000, maxThrottledAttempts: 50, baseDelayMs: 100, throttleBaseDelayMs: 25, maxDelayMs: 20_000 } as const;

/**
 * The retry quota, as the SDK's standard mode keeps it: a client starts with 500 tokens, a retry
 * takes some (5 after throttling, 10 after another error) and a success gives back what its call's
 * last retry took, or 1. A client whose calls keep failing runs dry and stops retrying, instead of
 * pressing on against an account that does not answer.
 */
const QUOTA = { initial: 500, throttledRetry: 5, otherRetry: 10, success: 1 } as const;

/** One call's retry state. The strategy waits itself, so the SDK's own delay is always 0. */
export class PacedRetryToken implements StandardRetryToken {
  /** Read by the SDK's retry middleware for `$metadata.totalRetryDelay`. */
  readonly $retryLog: { acquisitionDelay: number };

  constructor(
    readonly retries: number,
    /** Backoff waited so far after throttling (the pacer's waits are not counted). */
    readonly throttleWaitedMs: number,
    /** Attempts that ended in an error other than throttling. */
    readonly otherFailures: number,
    readonly cost: number | undefined,
    acquisitionDelay: number,
  ) {
    this.$retryLog = { acquisitionDelay };
  }
  getRetryCount(): number {
    return this.retries;
  }
  getRetryDelay(): number {
    return 0;
  }
  getRetryCost(): number | undefined {
    return this.cost;
  }
}

/**
 * Paces one client's sends after throttling. Until the first throttle (and again once it has
 * recovered) it does nothing. On a throttle it sets the send rate to the rate at which this client's
 * requests succeeded over the last second: under a lasting quota that is the quota, measured,
 * rather than a floor picked in advance. While throttles go on, each one also lowers the rate to
 * 0.7 of itself if the measurement does not say lower (never below 1 request a second): a second
 * of a few answers measures a quota only roughly, and a pace just above it would be throttled
 * again and again. Each success raises the rate by a tenth, so the pacer probes the quota again;
 * past MAX_PACED_RATE pacing stops, so a client whose throttles have passed is back to full speed
 * after a few dozen answers.
 *
 * A throttle with fewer than two successes in the window, before pacing has started, sets no rate:
 * there is nothing to measure yet (adaptive mode falls to 0.5 requests a second there). The
 * backoff alone handles it, and the next throttle, once something has succeeded, sets one.
 */
export class SendPacer {
  static readonly WINDOW_MS = 1000;
  /** A window shorter than this (the start of a client) is counted as this long, so two quick answers do not measure as a huge rate. */
  static readonly MIN_SPAN_MS = 250;
  static readonly MIN_RATE = 1;
  static readonly MAX_PACED_RATE = 100;
  static readonly DECREASE = 0.7;
  static readonly INCREASE = 1.1;

  /** Requests a second; undefined while not pacing. */
  private rate: number | undefined;
  private nextSendAt = 0;
  private readonly successes: number[] = [];
  private firstSeen: number | undefined;

  constructor(
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** The current send rate in requests a second, or undefined while sends are not paced. */
  currentRate(): number | undefined {
    return this.rate;
  }

  /** Waits for this send's turn; returns how long it waited. */
  async turn(): Promise<number> {
    const now = this.now();
    this.firstSeen ??= now;
    if (this.rate === undefined) return 0;
    const at = Math.max(now, this.nextSendAt);
    this.nextSendAt = at + 1000 / this.rate;
    const wait = at - now;
    if (wait > 0) await this.sleep(wait);
    return wait;
  }

  succeeded(): void {
    const now = this.now();
    this.firstSeen ??= now;
    this.successes.push(now);
    this.forgetBefore(now - SendPacer.WINDOW_MS);
    if (this.rate === undefined) return;
    this.rate *= SendPacer.INCREASE;
    if (this.rate > SendPacer.MAX_PACED_RATE) this.rate = undefined;
  }

  throttled(): void {
    const now = this.now();
    this.firstSeen ??= now;
    this.forgetBefore(now - SendPacer.WINDOW_MS);
    const span = Math.min(SendPacer.WINDOW_MS, Math.max(SendPacer.MIN_SPAN_MS, now - this.firstSeen));
    const measured = this.successes.length >= 2 ? (this.successes.length * 1000) / span : undefined;
    if (this.rate === undefined && measured === undefined) return;
    const lowered = this.rate === undefined ? Infinity : this.rate * SendPacer.DECREASE;
    this.rate = Math.max(SendPacer.MIN_RATE, Math.min(lowered, measured ?? Infinity));
    // The request just throttled was one too many: the next one waits a full interval.
    this.nextSendAt = Math.max(this.nextSendAt, now + 1000 / this.rate);
  }

  private forgetBefore(t: number): void {
    while (this.successes.length > 0 && this.successes[0] <= t) this.successes.shift();
  }
}

/**
 * RetryStrategyV2 for the AWS SDK clients (see the file comment). One instance per client: its
 * pacer and retry quota then belong to one account's service, as IAM's quota does.
 *
 * A retry after throttling waits a random time between 0 and min(maxDelayMs, throttleBaseDelayMs
 * x 2^retries) ("full jitter"), cut to what is left of the call's throttleBudgetMs; once the budget
 * is spent (or maxThrottledAttempts reached, or the retry quota is dry) the call fails and its
 * capability becomes an error coverage record. Other retryable errors wait the same way, from
 * baseDelayMs, and end after maxAttempts attempts. Every send, first attempts included, then waits for its turn at the
 * pacer.
 */
export class PacedRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'nhiscan-paced';
  readonly pacer: SendPacer;
  private capacity: number = QUOTA.initial;
  private readonly options: Required<Omit<PacedRetryOptions, 'random' | 'now' | 'sleep' | 'sharedThrottleBudget'>> & { random: () => number };
  private readonly shared: PacedRetryOptions['sharedThrottleBudget'];

  constructor(options: PacedRetryOptions) {
    const now = options.now ?? (() => performance.now());
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.pacer = new SendPacer(now, sleep);
    this.sleep = sleep;
    this.shared = options.sharedThrottleBudget;
    this.options = {
      maxAttempts: options.maxAttempts,
      throttleBudgetMs: options.throttleBudgetMs ?? DEFAULTS.throttleBudgetMs,
      maxThrottledAttempts: options.maxThrottledAttempts ?? DEFAULTS.maxThrottledAttempts,
      baseDelayMs: options.baseDelayMs ?? DEFAULTS.baseDelayMs,
      throttleBaseDelayMs: options.throttleBaseDelayMs ?? DEFAULTS.throttleBaseDelayMs,
      maxDelayMs: options.maxDelayMs ?? DEFAULTS.maxDelayMs,
      pacing: options.pacing ?? true,
      random: options.random ?? Math.random,
    };
  }

  private readonly sleep: (ms: number) => Promise<void>;

  /** What the SDK reads for the `amz-sdk-request` header's `max=`. */
  async maxAttempts(): Promise<number> {
    return this.options.maxAttempts;
  }

  /** The retry quota left (see QUOTA). */
  getCapacity(): number {
    return this.capacity;
  }

  async acquireInitialRetryToken(_scope: string): Promise<PacedRetryToken> {
    const waited = this.options.pacing ? await this.pacer.turn() : 0;
    return new PacedRetryToken(0, 0, 0, undefined, waited);
  }

  async refreshRetryTokenForRetry(token: PacedRetryToken, errorInfo: RetryErrorInfo): Promise<PacedRetryToken> {
    const throttled = errorInfo.errorType === 'THROTTLING';
    if (throttled && this.options.pacing) this.pacer.throttled();
    const delay = this.nextDelay(token, errorInfo.errorType, errorInfo.retryAfterHint);
    if (delay === undefined) throw new Error('No retry token available');
    const cost = throttled ? QUOTA.throttledRetry : QUOTA.otherRetry;
    this.capacity -= cost;
    // Charged before the wait, with no await since nextDelay: calls throttled side by side cannot
    // both count on the same remainder.
    if (throttled) this.shared?.spend(delay);
    if (delay > 0) await this.sleep(delay);
    const paced = this.options.pacing ? await this.pacer.turn() : 0;
    return new PacedRetryToken(
      token.retries + 1,
      token.throttleWaitedMs + (throttled ? delay : 0),
      token.otherFailures + (throttled ? 0 : 1),
      cost,
      delay + paced,
    );
  }

  recordSuccess(token: PacedRetryToken): void {
    if (this.options.pacing) this.pacer.succeeded();
    this.capacity = Math.min(QUOTA.initial, this.capacity + (token.getRetryCost() ?? QUOTA.success));
  }

  /**
   * The backoff before the retry after this failure, or undefined when the call must stop: the
   * error is not retryable, its limit (budget or attempts) is reached, or the quota is dry.
   */
  nextDelay(token: PacedRetryToken, errorType: RetryErrorType, retryAfter?: Date): number | undefined {
    const throttled = errorType === 'THROTTLING';
    if (!throttled && errorType !== 'TRANSIENT') return undefined;
    if (this.capacity < (throttled ? QUOTA.throttledRetry : QUOTA.otherRetry)) return undefined;
    const attempts = token.retries + 1;
    if (throttled) {
      if (attempts >= this.options.maxThrottledAttempts) return undefined;
      if (token.throttleWaitedMs >= this.options.throttleBudgetMs) return undefined;
      if (this.shared && this.shared.leftMs() <= 0) return undefined;
    } else if (token.otherFailures + 1 >= this.options.maxAttempts) {
      return undefined;
    }
    const base = throttled ? this.options.throttleBaseDelayMs : this.options.baseDelayMs;
    const ceiling = Math.min(this.options.maxDelayMs, base * 2 ** token.retries);
    let delay = Math.floor(this.options.random() * ceiling);
    // A service that names a time to come back (Retry-After; IAM does not) is waited for, as the
    // SDK's standard mode does: up to 5 s beyond the backoff.
    if (retryAfter instanceof Date) delay = Math.max(delay, Math.min(retryAfter.getTime() - Date.now(), delay + 5000));
    return throttled ? Math.min(delay, this.options.throttleBudgetMs - token.throttleWaitedMs, this.shared?.leftMs() ?? Infinity) : delay;
  }
}
