/**
 * The AWS collector's retry strategy: a short exponential backoff with full jitter, patience
 * measured as time spent waiting rather than as a few attempts, and a send pacer that, once the
 * account throttles, spaces requests at a rate it learns from what the account lets through.
 *
 * Why not one of the SDK's strategies (bench/HISTORY.md, "Choosing the AWS retry strategy"):
 * standard mode's first throttling wait is up to 1 s and it keeps no memory of the account's
 * quota, so a passing throttle costs seconds and a lasting quota is pressed on about once a second
 * per call; adaptive mode remembers, but after a throttle it could not measure a rate for yet it
 * paces the client at 0.5 requests a second and climbs back slowly. A short base alone (100 ms)
 * was fast when throttles passed but, with six attempts, gave up under a lasting quota and lost
 * whole capabilities. Here a throttled call waits little at first, keeps trying until it has
 * waited `throttleBudgetMs` in all, and the pacer keeps the account's other calls from using up
 * the quota meanwhile.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RetryErrorInfo, RetryErrorType, RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import { appendAll } from '../../append-all.js';

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
  /** Whether a client starts with two requests in flight until it knows more (see SendPacer). Default true. */
  slowStart?: boolean;
  /** What the run's clients of the same service learn of its quota, shared between accounts (see SharedQuota). Default none. */
  sharedQuota?: SharedQuota;
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
  /** Whether it took one of the slow start's places in flight, which its answer gives back. */
  windowed?: boolean;
  /** Set once its answer gave its place back. */
  answered?: boolean;
}

const firstInLine = new AsyncLocalStorage<true>();

/**
 * Runs `read` with its sends ahead of the client's others while the slow start holds them (see
 * SendPacer): for a chain of pages that must follow each other, whose length bounds the
 * collection's time, while the other reads can fill the place beside it.
 */
export function sendsFirst<T>(read: () => Promise<T>): Promise<T> {
  return firstInLine.run(true, read);
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
 * What the clients of one run learn about one service's quota, shared between its accounts. IAM
 * throttles each account on its own, but the quota is the same service quota in every account of
 * a partition, so what one account's pacer learns is a good start for the others: without it, each
 * account of a run pays for finding the quota itself, most of it at its start, when its reads go
 * out side by side against a burst it cannot know (bench/HISTORY.md, "Slow start and one quota per
 * run (nineteenth session)").
 *
 * The first client to join leads; the others hold their sends until it has shown what the quota is
 * like:
 * - LEAD_SUCCESSES successes in a row with no throttle (no quota in sight, or one that passed):
 *   they start as the lead did, unpaced unless it paces;
 * - a rate the account let through since its first throttle, resting on two successes or more over
 *   half a second or more (SendPacer.throughRate): they start paced under it, under the lead's own
 *   rate and under 0.8 of the lowest bound any client measured, and climb no higher than that
 *   bound allows (cap), so that none of them pays again for what the lead found;
 * - or the lead's end (its reads are done or its client is closed);
 * - or a lead gone quiet: no answer for STALL_MS, or for twice its pacing interval or four of its
 *   round trips if longer (quietLimit). A connection that stalls would otherwise hold the run for up
 *   to the request timeout. The others then start as if alone (slow start, unpaced), unless the
 *   lead had learned a rate by then.
 * Meanwhile each held client sends as many as the lead's account has let through with no throttle
 * yet (its own account's bucket holds at least as many), and once the lead's first throttle has
 * shown the burst, no more than that burst; while it then waits its bucket fills again. A run of
 * one account has no one to hold and pays nothing; a run of several unthrottled accounts pays
 * about the lead's first round trip.
 */
export class SharedQuota {
  /** Successes in a row, with no throttle since, after which the lead lets the others start. */
  static readonly LEAD_SUCCESSES = 6;
  /**
   * How long the lead may go without an answer before the others stop waiting for it (at least;
   * see SendPacer.quietLimit). A healthy lead keeps two requests in flight and hears back every
   * round trip (50 ms to the bench's fake, 100 to 300 ms to IAM, up to 200 ms here under load):
   * 1.5 s is five round trips or more, and what a stalled lead can cost the others.
   */
  static readonly STALL_MS = 1500;
  private lead: SendPacer | undefined;
  private open = false;
  /** Whether the others went because the lead went quiet, not because it showed anything. */
  private quiet = false;
  /** When the lead joined or was last heard from. */
  private lastNews = 0;
  private cancelWatch: (() => void) | undefined;
  private readonly now: () => number;
  private readonly setTimer: (ms: number, fn: () => void) => () => void;

  /** `now` and `setTimer` (which returns its cancel) are for tests; by default the real clock and setTimeout. */
  constructor(options: { now?: () => number; setTimer?: (ms: number, fn: () => void) => () => void } = {}) {
    this.now = options.now ?? (() => performance.now());
    this.setTimer =
      options.setTimer ??
      ((ms, fn) => {
        const timer = setTimeout(fn, ms);
        return () => clearTimeout(timer);
      });
  }
  private readonly held: Array<() => void> = [];
  private learned: Learned | undefined;
  private lowest = Infinity;
  private firstBurst: number | undefined;
  /** The lead's successes before its first throttle, while it has had none. */
  private unthrottled = 0;

  /** Whether `pacer` leads: the first to join, while the others are still held. */
  join(pacer: SendPacer): boolean {
    if (this.lead !== undefined || this.open) return false;
    this.lead = pacer;
    this.lastNews = this.now();
    return true;
  }

  isOpen(): boolean {
    return this.open;
  }

  /** Whether the others went because the lead went quiet (see STALL_MS): they then know nothing of the quota from it. */
  wentQuiet(): boolean {
    return this.quiet;
  }

  /** Resolves once the others may send, or once the lead has measured its burst. */
  whenChanged(): Promise<void> {
    if (this.open) return Promise.resolve();
    this.watch(this.lead?.quietLimit() ?? SharedQuota.STALL_MS);
    return new Promise((resolve) => this.held.push(resolve));
  }

  /** The lead had an answer: it is not stalled. */
  heard(from: SendPacer): void {
    if (from === this.lead) this.lastNews = this.now();
  }

  /**
   * While a client is held: one timer, due when the lead will have been quiet for `limit`; when it
   * fires, the lead was heard from meanwhile (a new deadline) or the others go. Cancelled when they
   * go for any other reason, so that no timer outlives the hold.
   */
  private watch(limit: number): void {
    if (this.cancelWatch !== undefined || this.open) return;
    this.cancelWatch = this.setTimer(Math.max(1, this.lastNews + limit - this.now()), () => {
      this.cancelWatch = undefined;
      if (this.open) return;
      const limitNow = this.lead?.quietLimit() ?? SharedQuota.STALL_MS;
      if (this.now() - this.lastNews < limitNow) return this.watch(limitNow);
      this.quiet = true;
      this.openUp();
    });
  }

  /**
   * How many each held client may send before the others may go: the burst the lead's account let
   * through at its start, once a throttle ended it; until then, the successes it has had so far
   * (its own account's bucket holds at least as many). Undefined while the lead has had none.
   */
  burst(): number | undefined {
    return this.firstBurst ?? (this.unthrottled > 0 ? this.unthrottled : undefined);
  }

  /** The lead has had `successes` successes and no throttle yet. */
  succeededSoFar(from: SendPacer, successes: number): void {
    if (from !== this.lead || this.firstBurst !== undefined || this.open || successes <= this.unthrottled) return;
    this.unthrottled = successes;
    this.wakeHeld();
  }

  /** The lead's first throttle ended its burst of `burst` successes. */
  burstSeen(from: SendPacer, burst: number): void {
    if (from !== this.lead || this.firstBurst !== undefined || this.open) return;
    this.firstBurst = burst;
    this.wakeHeld();
  }

  /** How fast a client that started from the run's rate may go: 0.8 of the lowest bound on the quota any client measured (Infinity while none has). */
  cap(): number {
    return SendPacer.CAP_UNDER * this.lowest;
  }

  /** A client measured a bound on the quota it can vouch for (see SendPacer.throttled). */
  measured(bound: number): void {
    this.lowest = Math.min(this.lowest, bound);
  }

  /** The latest rate any client of the run learned, for a client that starts now. */
  known(): Learned | undefined {
    return this.learned;
  }

  /** A client learned a rate: clients that start later start from it. From the lead, it also lets the others start. */
  remember(from: SendPacer, learned: Learned): void {
    this.learned = learned;
    if (from === this.lead) this.openUp();
  }

  /** The lead has seen enough (or is done): the held clients go on. */
  release(from: SendPacer): void {
    if (from === this.lead) this.openUp();
  }

  private openUp(): void {
    if (this.open) return;
    this.open = true;
    this.cancelWatch?.();
    this.cancelWatch = undefined;
    this.wakeHeld();
  }

  /** Every held client looks again at what it may do (send its burst, adopt the run's rate, wait on). */
  private wakeHeld(): void {
    for (const resolve of this.held.splice(0)) resolve();
  }
}

/** A rate to start from, and the burst the account that learned it let through at its start. */
export interface Learned {
  rate: number;
  burst: number;
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
 * - With `slowStart` (the IAM clients of a run of several accounts), a client starts with
 *   SLOW_START_WINDOW requests in flight, not all its reads at once, until SLOW_START_SUCCESSES
 *   successes in a row or a rate of its own: against an unknown burst, the reads sent side by side
 *   past it are all throttled. Sends of `sendsFirst` (the authorization-details chain, whose pages
 *   follow each other and bound the account's time) take a free place before the others.
 * - With a `quota` (SharedQuota), the run's first client leads and the others start from what it
 *   learned; see there.
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
  /** How close to the lowest bound a run's accounts measured the others may go. */
  static readonly CAP_UNDER = 0.8;
  /** How close to a trusted bound the climb may go. */
  static readonly CEILING = 0.8;
  static readonly INCREASE = 1.1;
  /** The climb per success past the ceiling. */
  static readonly CREEP = 1.02;
  /** The successes after the first throttle that throughRate counts (the first few are what another account starts from). */
  static readonly THROUGH_SAMPLE = 8;
  /** Requests a client has in flight at its start, before it knows anything of the quota. */
  static readonly SLOW_START_WINDOW = 2;
  /** Successes with no throttle that end the slow start. */
  static readonly SLOW_START_SUCCESSES = 6;

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
  /** The lowest bound measured since the episode began, trusted or not: what a client starting from this one's rate stays under. */
  private bound = Infinity;
  /** The throttled call retrying while no rate is set, until an answer to it (or to a later send) comes. */
  private probe: { sentAt: number; answered: Promise<void>; release: () => void } | undefined;
  /** The last send waiting for its turn, while any is. */
  private queue: Promise<void> | undefined;
  /** Whether this client leads its run's quota (see SharedQuota), and whether it is still held back by the lead. */
  private readonly leads: boolean;
  private held: boolean;
  /** Whether the rate was taken from another account's: the climb then stops at the run's cap. */
  private adopted = false;
  /** Sends made from the burst while held, and when the latest went. */
  private earlySent = 0;
  private earlyAt: number | undefined;
  /** Sends that go at once, whatever the rate: the burst a client adopting a run's rate still has. */
  private credit = 0;
  /** Successes since the latest throttle. */
  private streak = 0;
  /** Send time of the first throttled request, and the send times of the successes sent up to a little after it. */
  private firstThrottleAt: number | undefined;
  private readonly earlySends: number[] = [];
  /** How long the first success took, send to answer. */
  private roundTrip: number | undefined;
  /** Send times of the successes sent after the first throttled request, the first few (see throughRate). */
  private readonly throughSince: number[] = [];
  /** The slow start's places in flight, until the first throttle or SLOW_START_SUCCESSES successes; undefined once it is over. */
  private window: number | undefined;
  private inFlight = 0;
  /** Sends waiting for a place in flight; those of `sendsFirst` go ahead of the others. */
  private readonly waiting: Array<{ first: boolean; go: () => void }> = [];
  private readonly quota: SharedQuota | undefined;

  constructor(
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
    options: { quota?: SharedQuota; slowStart?: boolean } = {},
  ) {
    this.quota = options.quota;
    this.leads = this.quota?.join(this) ?? false;
    this.held = this.quota !== undefined && !this.leads && !this.quota.isOpen();
    if (options.slowStart) this.window = SendPacer.SLOW_START_WINDOW;
    // An account that starts after the lead let the others go (a later batch, or every account
    // after the first with --concurrency 1) starts as they did: from the run's rate, its bucket full.
    if (this.quota !== undefined && !this.leads && !this.held) this.adopt();
  }

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
    let held = false;
    while (this.held) {
      // The lead may have let the others go while this client had nothing to send: it then starts
      // from the run's rate (see adopt), not with an early send the burst would still allow.
      if (this.quota!.isOpen()) {
        this.adopt();
        break;
      }
      held = true;
      // The account's own burst goes as soon as the lead has measured its own: the same quota, and
      // while this client waits, its bucket fills up again.
      const burst = this.quota!.burst();
      if (burst !== undefined && this.earlySent < burst) {
        this.earlySent++;
        const at = (this.earlyAt = this.now());
        return { waited: at - start, sent: { at, decision: this.decision } };
      }
      await this.quota!.whenChanged();
    }
    this.firstSeen ??= this.now();
    let windowed = false;
    if (this.window !== undefined && this.inFlight >= this.window) {
      held = true;
      const first = firstInLine.getStore() === true;
      await new Promise<void>((go) => {
        const at = first ? this.waiting.findIndex((w) => !w.first) : -1;
        this.waiting.splice(at < 0 ? this.waiting.length : at, 0, { first, go });
      });
    }
    if (this.window !== undefined) {
      this.inFlight++;
      windowed = true;
    }
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
      return { waited: held ? at - start : 0, sent: { at, decision: this.decision, ...(windowed ? { windowed } : {}) } };
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
      if (this.credit > 0 && this.rate !== undefined) this.credit--;
      else for (let now = this.now(); this.rate !== undefined && now < this.nextSendAt; now = this.now()) await this.sleep(this.nextSendAt - now);
      const at = this.now();
      if (this.rate !== undefined) this.nextSendAt = at + 1000 / this.rate;
      return { waited: at - start, sent: { at, decision: this.decision, ...(windowed ? { windowed } : {}) } };
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
    this.streak++;
    if (sent) this.roundTrip ??= now - sent.at;
    if (this.streak >= SendPacer.SLOW_START_SUCCESSES) this.endSlowStart();
    if (sent && (this.firstThrottleAt === undefined || sent.at <= this.firstThrottleAt)) {
      // Until the first throttle only the last second's are kept: the burst is counted from a quarter second of them.
      if (this.firstThrottleAt === undefined && this.earlySends.length > 0 && this.earlySends[0] <= now - SendPacer.WINDOW_MS) {
        const kept = this.earlySends.filter((t) => t > now - SendPacer.WINDOW_MS);
        this.earlySends.length = 0;
        this.earlySends.push(...kept);
      }
      this.earlySends.push(sent.at);
    }
    // The lead has shown enough (see SharedQuota): no quota in sight, or one that passed, or what
    // its account lets through.
    if (sent && this.firstThrottleAt !== undefined && sent.at > this.firstThrottleAt && this.throughSince.length < SendPacer.THROUGH_SAMPLE) this.throughSince.push(sent.at);
    if (this.leads && (this.streak >= SharedQuota.LEAD_SUCCESSES || this.throughRate() !== undefined)) this.letOthersGo();
    // No throttle yet: the others may send as many as went through here, a round trip behind the lead rather than three.
    else if (this.leads && this.firstThrottleAt === undefined) this.quota?.succeededSoFar(this, this.streak);
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
    // Started from another account's rate: no faster than what the run's accounts measured allows
    // (the same quota, so its own throttles would only cost requests to find it again).
    if (this.adopted && this.quota) this.rate = Math.min(this.rate * SendPacer.INCREASE, this.quota.cap());
    else this.rate = this.rate < this.ceiling ? Math.min(this.ceiling, this.rate * SendPacer.INCREASE) : this.rate * SendPacer.CREEP;
    if (this.rate > SendPacer.MAX_PACED_RATE) this.stopPacing();
  }

  /** An attempt sent at `sent` was throttled. */
  throttled(sent?: SendMark): void {
    this.answered(sent);
    const now = this.now();
    this.firstSeen ??= now;
    this.forgetBefore(now - SendPacer.WINDOW_MS);
    const at = sent?.at ?? now;
    this.streak = 0;
    if (this.firstThrottleAt === undefined) {
      this.firstThrottleAt = at;
      if (this.leads) this.quota?.burstSeen(this, this.burstBefore(at));
    }
    // Sent before the latest decision: that decision has answered for it already.
    if (sent && sent.decision < this.decision) return;
    const span = Math.min(SendPacer.WINDOW_MS, Math.max(SendPacer.MIN_SPAN_MS, now - this.firstSeen));
    if (this.anchor === undefined) {
      this.startMeasuring(at);
      const recentRate = (this.recent.length * 1000) / span;
      // Paced at a rate another account learned: that account's quota was this one's, so the cut is a small one.
      if (this.rate !== undefined) this.decide(now, Math.max(this.rate * SendPacer.DECREASE, Math.min(this.rate, SendPacer.UNDER * recentRate)));
      else if (this.recent.length >= 2) this.decide(now, SendPacer.UNDER * recentRate);
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
    if (spanMs >= SendPacer.MIN_SPAN_MS) {
      this.bound = Math.min(this.bound, upper);
      // For the run, only a bound with a success in it: with none, it rests on two send times alone,
      // and a few milliseconds of difference in when they arrived move it by the quota's whole size.
      if (this.quota && n >= 1 && this.bucketStayedLow(from, at, upper)) this.quota.measured(upper);
    }
    // Not paced yet (the first throttle had too little to measure): the last second's successes, one more counted.
    const current = this.rate ?? ((this.recent.length + 1) * 1000) / span;
    this.decide(now, Math.min(current, SendPacer.UNDER * upper, Math.max(current * SendPacer.DECREASE, SendPacer.UNDER * measured)));
    if (spanMs >= SendPacer.TRUSTED_SPAN_MS && n >= SendPacer.TRUSTED_SUCCESSES) {
      this.ceiling = SendPacer.CEILING * upper;
      this.quota?.remember(this, this.learned()!);
    }
    if (spanMs >= SendPacer.MAX_SPAN_MS) this.startMeasuring(at);
  }

  private endSlowStart(): void {
    if (this.window === undefined) return;
    this.window = undefined;
    for (const w of this.waiting.splice(0)) w.go();
  }

  /** A place in flight came free: the next send waiting for one takes it. */
  private nextInLine(): void {
    if (this.window === undefined || this.inFlight >= this.window) return;
    this.waiting.shift()?.go();
  }

  /**
   * Whether the account's bucket cannot have filled up between the throttled sends at `from` and
   * `at`: no gap between this client's sends there was long enough for the quota, were it `upper`,
   * to refill the burst. A bucket that filled wasted refill, and the bound then undercounts the quota
   * (with a burst of one, a client pacing a little under the quota does that at every send): such a
   * bound is fine for this client's own pacing, which climbs past it, but not as a cap for the run.
   */
  private bucketStayedLow(from: number, at: number, upper: number): boolean {
    const burst = this.burstBefore(this.firstThrottleAt ?? at);
    const sends = [from, ...this.sinceAnchor.filter((t) => t > from && t < at), ...this.throttledAt.filter((t) => t > from && t < at), at].sort((a, b) => a - b);
    for (let i = 1; i < sends.length; i++) if (((sends[i] - sends[i - 1]) * upper) / 1000 >= burst) return false;
    return true;
  }

  /**
   * How long this client, leading, may go without an answer before the others stop waiting for it:
   * STALL_MS, or four round trips, or twice its pacing interval (a lead sending slowly is not stalled).
   */
  quietLimit(): number {
    return Math.max(SharedQuota.STALL_MS, 4 * (this.roundTrip ?? 0), this.rate !== undefined ? 2000 / this.rate : 0);
  }

  /** The client is done (its reads ended, or it was closed): clients its run held for it go on. */
  close(): void {
    if (this.leads) this.letOthersGo();
  }

  /** What this client knows of the quota, for others to start from: undefined while it does not pace. */
  private learned(): Learned | undefined {
    if (this.rate === undefined) return undefined;
    const burst = this.burstBefore(this.firstThrottleAt ?? this.now());
    // Another account starts under what this one let through and under its bounds: each throttle
    // there would cost a request, while a rate a little low costs only a few successes' climb.
    const rate = Math.min(this.rate, this.quota?.cap() ?? Infinity, SendPacer.UNDER * (this.throughRate() ?? Infinity), SendPacer.UNDER * this.bound);
    return { rate, burst };
  }

  /**
   * The rate at which the account let requests through since its first throttle, once that rests on
   * TRUSTED_SUCCESSES successes over TRUSTED_SPAN_MS or more: the quota's refill, give or take the
   * tokens left at the throttle (under one), or the client's own rate if it sent slower.
   */
  private throughRate(): number | undefined {
    const first = this.firstThrottleAt;
    if (first === undefined || this.throughSince.length < SendPacer.TRUSTED_SUCCESSES) return undefined;
    const span = Math.max(...this.throughSince) - first;
    return span >= SendPacer.TRUSTED_SPAN_MS ? (this.throughSince.length * 1000) / span : undefined;
  }

  /**
   * The burst: the successes sent up to the first throttled send, within a round trip and a half
   * of it (at least a quarter second): a client sends its first reads side by side, and successes
   * much earlier were let through by the refill.
   */
  private burstBefore(first: number): number {
    const reach = Math.max(SendPacer.MIN_SPAN_MS, 1.5 * (this.roundTrip ?? 0));
    return Math.max(1, this.earlySends.filter((t) => t > first - reach && t <= first).length);
  }

  private letOthersGo(): void {
    const learned = this.learned();
    if (learned) this.quota?.remember(this, learned);
    else this.quota?.release(this);
  }

  /** A held client starts: paced at the run's trusted rate if there is one, its account's burst sent at once. */
  private adopt(): void {
    this.held = false;
    const known = this.quota?.known();
    // The lead's start has shown what the slow start would find out; unless it went quiet first.
    if (known || !this.quota?.wentQuiet()) this.endSlowStart();
    if (!known || this.rate !== undefined) return;
    this.rate = known.rate;
    // The bucket refilled while this client was held after its early sends: at the adopted rate (at
    // most the quota's), by the time it waited; never past the burst.
    const refilled = this.earlyAt === undefined ? known.burst : Math.floor(((this.now() - this.earlyAt) * known.rate) / 1000);
    this.credit = Math.min(known.burst, refilled);
    this.adopted = true;
    this.decision++;
  }

  /** Some answer came to an attempt sent at `sent`: the probe, if it is that one or older, is done. */
  answered(sent?: SendMark): void {
    if (this.leads) this.quota?.heard(this);
    if (sent?.windowed && !sent.answered) {
      sent.answered = true;
      this.inFlight--;
      this.nextInLine();
    }
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
    // The pacer takes over from the slow start (until then, a throttle with too little to measure keeps it).
    this.endSlowStart();
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
    this.bound = Infinity;
  }

  /** Forgets the successes sent at or before `from` and the throttles sent before it (see throttled). */
  private dropBefore(from: number): void {
    const kept = this.sinceAnchor.filter((t) => t > from);
    if (kept.length < this.sinceAnchor.length) {
      this.sinceAnchor.length = 0;
      appendAll(this.sinceAnchor, kept);
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
  private readonly options: Required<Omit<PacedRetryOptions, 'random' | 'now' | 'sleep' | 'sharedThrottleBudget' | 'sharedQuota' | 'slowStart'>> & { random: () => number };
  private readonly shared: PacedRetryOptions['sharedThrottleBudget'];

  constructor(options: PacedRetryOptions) {
    const now = options.now ?? (() => performance.now());
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.pacer = new SendPacer(now, sleep, options.pacing === false ? {} : { quota: options.sharedQuota, slowStart: options.slowStart ?? options.sharedQuota !== undefined });
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

  /** The client is done: other accounts' clients held for it go on (see SharedQuota). */
  close(): void {
    this.pacer.close();
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
