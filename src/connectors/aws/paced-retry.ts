/**
 * The AWS collector's retry strategy: a short exponential backoff with full jitter, patience
 * measured as time spent waiting rather than as a few attempts, and a send pacer that, once the
 * account throttles, spaces requests at a rate it learns from what the account lets through.
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

/** When one attempt was sent, as the pacer saw it: the time, and the rate decision it was sent under. */
export interface SendMark {
  at: number;
  /** The pacer's decision count at the send: a throttle of an attempt sent before the latest decision says nothing about the current rate. */
  decision: number;
}

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
    /** When the attempt this token goes with was sent (undefined with pacing off). */
    readonly sent?: SendMark,
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
 * Paces one client's sends once the account throttles, at a rate it learns from what the server
 * does: the quota is never known in advance. Until the first throttle (and again once pacing has
 * stopped) it does nothing, so a client that is never throttled never waits.
 *
 * What it learns from: a throttled request found the account's quota spent when it arrived.
 * Between two such moments A and T, the quota let through the n requests sent in between that
 * succeeded, give or take one, so, unless its bucket filled up meanwhile, the sustainable rate is
 * below (n + 1) / (T - A). A is the throttle that began the episode, or once there is one, the
 * latest throttle at least 2 s before T: the interval lengthens as throttles come and the bound
 * closes in on the quota, without reaching back over stretches in which the client sent under the
 * quota (its bucket filled up then, so the successes there undercount it).
 *
 * - The first throttle starts the measurement. If the last second holds two successes or more, it
 *   also starts pacing at 0.9 of their rate (a client younger than 250 ms counted as 250 ms old);
 *   that rate includes the quota's burst, so it is high, and the next throttles bring it down.
 *   With fewer there is nothing to measure (adaptive mode falls to 0.5 requests a second there):
 *   sends stay unpaced, but the client's throttled calls retry one at a time, each once an answer
 *   to the one before has come (the probe), instead of all running into the quota again together;
 *   once MAX_SPAN_MS pass with no other throttle, that episode is over.
 * - A later throttle of a request sent under the current rate sets the rate to 0.9 of the rate
 *   measured since A, no lower than 0.7 of the current rate, and never above 0.9 of the bound. A
 *   throttle of a request sent before the latest decision changes nothing: the requests a client
 *   sends side by side come back throttled together, and cutting for each of them (the previous
 *   pacer: 0.7 per throttled answer) fell far below the quota.
 * - Each success raises the rate by a tenth, up to 0.8 of the bound once the bound rests on two
 *   successes or more over half a second or more; past that, by 2 % per success, to notice a quota
 *   that has grown. A throttle that passed (a burst of side-by-side calls) leaves no such ceiling,
 *   so the rate climbs back quickly, and pacing stops past MAX_PACED_RATE.
 * - Sends take turns one at a time, each turn set when the one before it has gone, at the rate of
 *   that moment: a cut delays the sends already waiting too (the previous pacer kept the turns it
 *   had handed out, so a cut took effect only after them).
 */
export class SendPacer {
  static readonly WINDOW_MS = 1000;
  /** A window shorter than this (the start of a client) is counted as this long, so two quick answers do not measure as a huge rate. */
  static readonly MIN_SPAN_MS = 250;
  /** The span (and successes) a bound must rest on before it holds back the rate's climb. */
  static readonly TRUSTED_SPAN_MS = 500;
  static readonly TRUSTED_SUCCESSES = 2;
  /** A measurement starts from the latest throttle at least this long before the one that ends it. */
  static readonly RECENT_MS = 2000;
  /** Past this, a measurement starts again from the latest throttle, so a quota that changes is followed. */
  static readonly MAX_SPAN_MS = 20_000;
  static readonly MIN_RATE = 0.5;
  static readonly MAX_PACED_RATE = 100;
  /** The deepest cut one throttle makes. */
  static readonly DECREASE = 0.7;
  /** How far under a measured rate (or its bound) the pacer sends. */
  static readonly UNDER = 0.9;
  /** How close to a trusted bound the climb may go. */
  static readonly CEILING = 0.8;
  static readonly INCREASE = 1.1;
  /** The climb per success past the ceiling. */
  static readonly CREEP = 1.02;

  /** Requests a second; undefined while not pacing. */
  private rate: number | undefined;
  private nextSendAt = 0;
  private decision = 0;
  /** Answer times of the successes of the last WINDOW_MS, for the first throttle's rate. */
  private readonly recent: number[] = [];
  private firstSeen: number | undefined;
  /** Send time of the throttled request the current measurement starts from. */
  private anchor: number | undefined;
  /** Send times of the successful requests sent after `anchor`. */
  private readonly sinceAnchor: number[] = [];
  /** Send times of the throttled requests since `anchor` that the rate answered for. */
  private readonly throttledAt: number[] = [];
  /** Where the fast climb stops (0.8 of a trusted bound); Infinity while there is none. */
  private ceiling = Infinity;
  /** The throttled call retrying while no rate is set, until an answer to it (or to a later send) comes. */
  private probe: { sentAt: number; answered: Promise<void>; release: () => void } | undefined;
  /** The last send waiting for its turn, while any is. */
  private queue: Promise<void> | undefined;

  constructor(
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** The current send rate in requests a second, or undefined while sends are not paced. */
  currentRate(): number | undefined {
    return this.rate;
  }

  /**
   * Waits for this send's turn; returns how long it waited and when, under which decision, it was
   * sent. `afterThrottle`: the send is the retry of a throttled call.
   */
  async turn(afterThrottle = false): Promise<{ waited: number; sent: SendMark }> {
    const start = this.now();
    this.firstSeen ??= start;
    let held = false;
    if (afterThrottle && this.rate === undefined && this.anchor !== undefined) {
      // One throttled call retries at a time (see the class comment). The wait ends: every attempt
      // ends in recordSuccess or refreshRetryTokenForRetry, which release the probe, but for a call
      // the run's stop cancels, and the SDK races this wait against that call's signal.
      while (this.probe !== undefined && this.rate === undefined) {
        held = true;
        await this.probe.answered;
      }
      if (this.rate === undefined) {
        let release!: () => void;
        const answered = new Promise<void>((resolve) => (release = resolve));
        this.probe = { sentAt: this.now(), answered, release };
      }
    }
    if (this.rate === undefined && this.queue === undefined) {
      const at = this.now();
      return { waited: held ? at - start : 0, sent: { at, decision: this.decision } };
    }
    // One send at a time takes its turn, and each turn is set when the one before it has gone, at
    // the rate of that moment: a cut while sends wait delays all of them, not only those that
    // asked after it.
    const previous = this.queue ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    this.queue = mine;
    try {
      await previous;
      for (let now = this.now(); this.rate !== undefined && now < this.nextSendAt; now = this.now()) await this.sleep(this.nextSendAt - now);
      const at = this.now();
      if (this.rate !== undefined) this.nextSendAt = at + 1000 / this.rate;
      return { waited: at - start, sent: { at, decision: this.decision } };
    } finally {
      if (this.queue === mine) this.queue = undefined;
      release();
    }
  }

  /** An attempt sent at `sent` succeeded (without `sent`: counted for the last second only). */
  succeeded(sent?: SendMark): void {
    this.answered(sent);
    const now = this.now();
    this.firstSeen ??= now;
    this.recent.push(now);
    this.forgetBefore(now - SendPacer.WINDOW_MS);
    if (this.rate === undefined) {
      // A throttle with too little to measure, then MAX_SPAN_MS of sends unthrottled: it passed.
      // The episode ends (no more probing), so a later throttle is measured as a first one, from
      // the last second: from this one, the bound would be the average of a long stretch sent
      // under the quota, far below it, and the successes would pile up meanwhile.
      if (this.anchor !== undefined && now - this.anchor >= SendPacer.MAX_SPAN_MS) this.stopPacing();
      else if (sent && this.anchor !== undefined && sent.at > this.anchor) this.sinceAnchor.push(sent.at);
      return;
    }
    if (sent && this.anchor !== undefined && sent.at > this.anchor) this.sinceAnchor.push(sent.at);
    this.rate = this.rate < this.ceiling ? Math.min(this.ceiling, this.rate * SendPacer.INCREASE) : this.rate * SendPacer.CREEP;
    if (this.rate > SendPacer.MAX_PACED_RATE) this.stopPacing();
  }

  /** An attempt sent at `sent` was throttled. */
  throttled(sent?: SendMark): void {
    this.answered(sent);
    const now = this.now();
    this.firstSeen ??= now;
    this.forgetBefore(now - SendPacer.WINDOW_MS);
    const at = sent?.at ?? now;
    // Sent before the latest decision: that decision has answered for it already.
    if (sent && sent.decision < this.decision) return;
    const span = Math.min(SendPacer.WINDOW_MS, Math.max(SendPacer.MIN_SPAN_MS, now - this.firstSeen));
    if (this.anchor === undefined) {
      this.startMeasuring(at);
      if (this.recent.length >= 2) this.decide(now, SendPacer.UNDER * ((this.recent.length * 1000) / span));
      else this.decision++;
      return;
    }
    // From the latest throttle at least RECENT_MS before this one, else from the episode's first:
    // over a stretch in which the client sent under the quota, its bucket filled up and wasted
    // refill, and a measurement spanning it would come out low.
    let from = this.anchor;
    for (const t of this.throttledAt) if (at - t >= SendPacer.RECENT_MS) from = Math.max(from, t);
    this.throttledAt.push(at);
    const spanMs = at - from;
    const n = this.sinceAnchor.filter((t) => t > from && t < at).length;
    // No later measurement starts before `from`: a throttle it counts was sent after this one's
    // decision, so at or after `at`, and the throttles at least RECENT_MS before it include those
    // before this one. What lies before `from` is dropped, or the lists would hold every send of
    // a long paced collection and each throttle would go through all of them.
    this.dropBefore(from);
    const measured = (n * 1000) / Math.max(spanMs, SendPacer.MIN_SPAN_MS);
    const upper = spanMs > 0 ? ((n + 1) * 1000) / spanMs : Infinity;
    // Not paced yet (the first throttle had too little to measure): the last second's successes, one more counted.
    const current = this.rate ?? ((this.recent.length + 1) * 1000) / span;
    this.decide(now, Math.min(current, SendPacer.UNDER * upper, Math.max(current * SendPacer.DECREASE, SendPacer.UNDER * measured)));
    if (spanMs >= SendPacer.TRUSTED_SPAN_MS && n >= SendPacer.TRUSTED_SUCCESSES) this.ceiling = SendPacer.CEILING * upper;
    if (spanMs >= SendPacer.MAX_SPAN_MS) this.startMeasuring(at);
  }

  /** Some answer came to an attempt sent at `sent`: the probe, if it is that one or older, is done. */
  answered(sent?: SendMark): void {
    const probe = this.probe;
    if (!probe || (sent && sent.at < probe.sentAt)) return;
    this.probe = undefined;
    probe.release();
  }

  private decide(now: number, rate: number): void {
    // Calls held behind a probe now take turns at the rate.
    const probe = this.probe;
    this.probe = undefined;
    probe?.release();
    this.rate = Math.max(SendPacer.MIN_RATE, rate);
    this.decision++;
    // The request just throttled was one too many: the next one waits a full interval.
    this.nextSendAt = Math.max(this.nextSendAt, now + 1000 / this.rate);
  }

  private startMeasuring(at: number): void {
    this.anchor = at;
    const kept = this.sinceAnchor.filter((t) => t > at);
    this.sinceAnchor.length = 0;
    this.sinceAnchor.push(...kept);
    this.throttledAt.length = 0;
  }

  private stopPacing(): void {
    this.rate = undefined;
    this.anchor = undefined;
    this.sinceAnchor.length = 0;
    this.throttledAt.length = 0;
    this.ceiling = Infinity;
  }

  /** Forgets the successes sent at or before `from` and the throttles sent before it (see throttled). */
  private dropBefore(from: number): void {
    const kept = this.sinceAnchor.filter((t) => t > from);
    if (kept.length < this.sinceAnchor.length) {
      this.sinceAnchor.length = 0;
      this.sinceAnchor.push(...kept);
    }
    const first = this.throttledAt.findIndex((t) => t >= from);
    this.throttledAt.splice(0, first < 0 ? this.throttledAt.length : first);
  }

  private forgetBefore(t: number): void {
    while (this.recent.length > 0 && this.recent[0] <= t) this.recent.shift();
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
 * pacer, which learns from each attempt's send time and answer (the token carries the time).
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
    if (!this.options.pacing) return new PacedRetryToken(0, 0, 0, undefined, 0);
    const { waited, sent } = await this.pacer.turn();
    return new PacedRetryToken(0, 0, 0, undefined, waited, sent);
  }

  async refreshRetryTokenForRetry(token: PacedRetryToken, errorInfo: RetryErrorInfo): Promise<PacedRetryToken> {
    const throttled = errorInfo.errorType === 'THROTTLING';
    // Before anything that may end the call: the pacer must hear of every answer (see SendPacer.turn).
    if (this.options.pacing) {
      if (throttled) this.pacer.throttled(token.sent);
      else this.pacer.answered(token.sent);
    }
    const delay = this.nextDelay(token, errorInfo.errorType, errorInfo.retryAfterHint);
    if (delay === undefined) throw new Error('No retry token available');
    const cost = throttled ? QUOTA.throttledRetry : QUOTA.otherRetry;
    this.capacity -= cost;
    // Charged before the wait, with no await since nextDelay: calls throttled side by side cannot
    // both count on the same remainder.
    if (throttled) this.shared?.spend(delay);
    if (delay > 0) await this.sleep(delay);
    const turn = this.options.pacing ? await this.pacer.turn(throttled) : undefined;
    return new PacedRetryToken(
      token.retries + 1,
      token.throttleWaitedMs + (throttled ? delay : 0),
      token.otherFailures + (throttled ? 0 : 1),
      cost,
      delay + (turn?.waited ?? 0),
      turn?.sent,
    );
  }

  recordSuccess(token: PacedRetryToken): void {
    if (this.options.pacing) this.pacer.succeeded(token.sent);
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
