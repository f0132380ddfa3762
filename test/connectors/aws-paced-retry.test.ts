/**
 * The decisions of PacedRetryStrategy, the AWS collector's default: how long each retry waits,
 * when a call stops, the retry quota, and how the send pacer sets and recovers its rate. The
 * random source, the clock and the sleep are injected, so every number here is exact and no test
 * waits in real time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RetryErrorType } from '@smithy/types';
import { PacedRetryStrategy, PacedRetryToken, SendPacer, type PacedRetryOptions } from '../../src/connectors/aws/paced-retry.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A clock that only moves when the strategy sleeps (or a test advances it). */
function fakeTime(): { now: () => number; sleep: (ms: number) => Promise<void>; advance: (ms: number) => void; slept: number[] } {
  let t = 1000;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    advance: (ms) => {
      t += ms;
    },
    slept,
  };
}

function strategy(options: Partial<PacedRetryOptions> & { random?: () => number } = {}) {
  const time = fakeTime();
  const s = new PacedRetryStrategy({ maxAttempts: 6, random: () => 0.5, now: time.now, sleep: time.sleep, ...options });
  return { s, time };
}

/** Retries one call through `errors` (repeating the last one) until the strategy refuses; the backoff before each retry. */
async function retries(s: PacedRetryStrategy, errors: RetryErrorType[]): Promise<{ delays: number[]; attempts: number }> {
  let token = (await s.acquireInitialRetryToken('')) as PacedRetryToken;
  const delays: number[] = [];
  for (let i = 0; ; i++) {
    const errorType = errors[Math.min(i, errors.length - 1)];
    try {
      token = await s.refreshRetryTokenForRetry(token, { errorType });
    } catch {
      return { delays, attempts: token.getRetryCount() + 1 };
    }
    expect(token.getRetryDelay()).toBe(0);
    delays.push(token.$retryLog.acquisitionDelay);
  }
}

describe('PacedRetryStrategy backoff', () => {
  it('starts throttled retries at up to 25 ms, doubles the cap, and stops once 30 s have been waited', async () => {
    // random 0.5: half of each cap. The caps go 25, 50, ... 12.8 s, then 20 s; the last wait is
    // cut to what is left of the 30 s budget.
    const { s } = strategy({ pacing: false });
    const { delays, attempts } = await retries(s, ['THROTTLING']);
    expect(delays).toEqual([12, 25, 50, 100, 200, 400, 800, 1600, 3200, 6400, 10_000, 7213]);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(30_000);
    // Far more than maxAttempts (6): the budget, not the attempt count, ends a throttled call.
    expect(attempts).toBe(13);
  });

  it('draws each wait from the full range (full jitter)', async () => {
    const draws = [0, 0.999, 0.25];
    const { s } = strategy({ pacing: false, random: () => draws.shift() ?? 0.5, maxAttempts: 2 });
    const { delays } = await retries(s, ['THROTTLING', 'THROTTLING', 'THROTTLING', 'CLIENT_ERROR']);
    expect(delays).toEqual([0, 49, 25]);
  });

  it('honours a shorter throttle budget', async () => {
    const { s } = strategy({ pacing: false, throttleBudgetMs: 300 });
    expect((await retries(s, ['THROTTLING'])).delays).toEqual([12, 25, 50, 100, 113]);
  });

  it('stops a throttled call at maxThrottledAttempts when the random source keeps drawing no wait', async () => {
    const { s } = strategy({ pacing: false, random: () => 0 });
    const { delays, attempts } = await retries(s, ['THROTTLING']);
    expect(attempts).toBe(50);
    expect(delays.every((d) => d === 0)).toBe(true);
  });

  it('ends other transient errors after maxAttempts attempts, not counting throttled ones', async () => {
    expect(await retries(strategy({ pacing: false }).s, ['TRANSIENT'])).toEqual({ delays: [50, 100, 200, 400, 800], attempts: 6 });
    expect(await retries(strategy({ pacing: false, maxAttempts: 2 }).s, ['TRANSIENT'])).toEqual({ delays: [50], attempts: 2 });
    // Three throttles first: the transient errors after them still get their maxAttempts - 1 retries,
    // each from the 100 ms base of other errors (the cap doubles per retry of the call, whatever failed).
    const mixed = await retries(strategy({ pacing: false, maxAttempts: 3 }).s, ['THROTTLING', 'THROTTLING', 'THROTTLING', 'TRANSIENT']);
    expect(mixed).toEqual({ delays: [12, 25, 50, 400, 800], attempts: 6 });
  });

  it('does not retry client errors or server errors the SDK does not call transient', async () => {
    expect(await retries(strategy().s, ['CLIENT_ERROR'])).toEqual({ delays: [], attempts: 1 });
    expect(await retries(strategy().s, ['SERVER_ERROR'])).toEqual({ delays: [], attempts: 1 });
  });

  it('keeps a retry quota per strategy: a client whose calls keep failing stops retrying, successes refill it', async () => {
    const { s } = strategy({ pacing: false, random: () => 0 });
    expect(s.getCapacity()).toBe(500);
    // 49 throttled retries (the backstop) cost 5 each.
    await retries(s, ['THROTTLING']);
    expect(s.getCapacity()).toBe(500 - 49 * 5);
    await retries(s, ['THROTTLING']);
    expect(s.getCapacity()).toBe(10);
    // Two more retries fit; the third finds the quota dry, whatever the budget left.
    expect(await retries(s, ['THROTTLING'])).toEqual({ delays: [0, 0], attempts: 3 });
    expect(s.getCapacity()).toBe(0);
    // A success after a retry gives back what that retry took; a first-attempt success gives 1.
    let token = (await s.acquireInitialRetryToken('')) as PacedRetryToken;
    s.recordSuccess(token);
    expect(s.getCapacity()).toBe(1);
    token = new PacedRetryToken(1, 0, 0, 5, 0);
    s.recordSuccess(token);
    expect(s.getCapacity()).toBe(6);
    expect(await retries(s, ['THROTTLING'])).toEqual({ delays: [0], attempts: 2 });
  });

  it('waits for a Retry-After the service names, up to 5 s beyond the backoff', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const { s } = strategy({ pacing: false });
    const first = (await s.acquireInitialRetryToken('')) as PacedRetryToken;
    const soon = await s.refreshRetryTokenForRetry(first, { errorType: 'THROTTLING', retryAfterHint: new Date(1_003_000) });
    expect(soon.$retryLog.acquisitionDelay).toBe(3000);
    expect(soon.throttleWaitedMs).toBe(3000);
    const far = await s.refreshRetryTokenForRetry(first, { errorType: 'THROTTLING', retryAfterHint: new Date(1_060_000) });
    expect(far.$retryLog.acquisitionDelay).toBe(12 + 5000);
  });

  it('reports maxAttempts for the SDK header', async () => {
    expect(await strategy({ maxAttempts: 4 }).s.maxAttempts()).toBe(4);
  });
});

describe('SendPacer', () => {
  function pacer() {
    const time = fakeTime();
    return { p: new SendPacer(time.now, time.sleep), time };
  }

  it('does not pace before any throttle', async () => {
    const { p, time } = pacer();
    for (let i = 0; i < 20; i++) expect(await p.turn()).toBe(0);
    expect(time.slept).toEqual([]);
    expect(p.currentRate()).toBeUndefined();
  });

  it('sets no rate on a throttle before two successes have been measured (no 0.5 requests a second from nothing)', async () => {
    const { p, time } = pacer();
    await p.turn();
    time.advance(50);
    p.throttled();
    expect(p.currentRate()).toBeUndefined();
    p.succeeded();
    time.advance(50);
    p.throttled();
    expect(p.currentRate()).toBeUndefined();
    expect(await p.turn()).toBe(0);
  });

  it('paces at the success rate measured over the last second, then spaces every send by it', async () => {
    const { p, time } = pacer();
    await p.turn();
    // Four successes over 2 s, three of them in the last second: 3 requests a second.
    for (const gap of [500, 600, 300, 300]) {
      time.advance(gap);
      p.succeeded();
    }
    time.advance(100);
    p.throttled();
    expect(p.currentRate()).toBe(3);
    // The throttled request was one too many: the next send waits a full interval, the ones after
    // it one interval each.
    expect(await p.turn()).toBeCloseTo(1000 / 3, 6);
    expect(await p.turn()).toBeCloseTo(1000 / 3, 6);
    time.advance(1000);
    expect(await p.turn()).toBe(0);
  });

  it('counts a young client over at least 250 ms, so two quick answers do not measure as a huge rate', async () => {
    const { p, time } = pacer();
    await p.turn();
    time.advance(40);
    p.succeeded();
    p.succeeded();
    time.advance(10);
    p.throttled();
    expect(p.currentRate()).toBe(8);
  });

  it('lowers the rate while throttles go on, never below 1 request a second', async () => {
    const { p, time } = pacer();
    await p.turn();
    for (let i = 0; i < 10; i++) {
      time.advance(100);
      p.succeeded();
    }
    p.throttled();
    expect(p.currentRate()).toBe(10);
    // The same successes still in the window: the rate falls by 0.7 per throttle.
    p.throttled();
    expect(p.currentRate()).toBeCloseTo(7, 9);
    p.throttled();
    expect(p.currentRate()).toBeCloseTo(4.9, 9);
    // A measurement lower than 0.7 of the rate wins: two successes in the last second.
    time.advance(1500);
    p.succeeded();
    p.succeeded();
    p.throttled();
    expect(p.currentRate()).toBe(2);
    for (let i = 0; i < 10; i++) p.throttled();
    expect(p.currentRate()).toBe(1);
  });

  it('raises the rate by a tenth per success and stops pacing past 100 requests a second', async () => {
    const { p, time } = pacer();
    await p.turn();
    time.advance(500);
    p.succeeded();
    p.succeeded();
    p.throttled();
    expect(p.currentRate()).toBe(4);
    p.succeeded();
    expect(p.currentRate()).toBeCloseTo(4.4, 9);
    let successes = 1;
    while (p.currentRate() !== undefined) {
      p.succeeded();
      successes++;
    }
    // 4 x 1.1^34 > 100: back to full speed after 34 answers.
    expect(successes).toBe(34);
    expect(await p.turn()).toBe(0);
  });
});

describe('PacedRetryStrategy with its pacer', () => {
  it('makes every send, first attempts too, wait its turn once the client throttles, and counts the pacing in the retry log', async () => {
    const { s, time } = strategy({ random: () => 0 });
    const first = (await s.acquireInitialRetryToken('')) as PacedRetryToken;
    time.advance(100);
    s.recordSuccess(first);
    s.recordSuccess((await s.acquireInitialRetryToken('')) as PacedRetryToken);
    time.advance(150);
    // Two successes in 250 ms: 8 requests a second, one send every 125 ms.
    const retried = await s.refreshRetryTokenForRetry((await s.acquireInitialRetryToken('')) as PacedRetryToken, { errorType: 'THROTTLING' });
    expect(s.pacer.currentRate()).toBe(8);
    expect(retried.$retryLog.acquisitionDelay).toBe(125);
    const next = (await s.acquireInitialRetryToken('')) as PacedRetryToken;
    expect(next.$retryLog.acquisitionDelay).toBe(125);
    expect(time.slept).toEqual([125, 125]);
  });

  it('leaves sends alone with pacing off', async () => {
    const { s, time } = strategy({ random: () => 0, pacing: false });
    for (let i = 0; i < 3; i++) s.recordSuccess((await s.acquireInitialRetryToken('')) as PacedRetryToken);
    await s.refreshRetryTokenForRetry((await s.acquireInitialRetryToken('')) as PacedRetryToken, { errorType: 'THROTTLING' });
    expect(s.pacer.currentRate()).toBeUndefined();
    expect(time.slept).toEqual([]);
  });
});
