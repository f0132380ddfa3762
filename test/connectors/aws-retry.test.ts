/**
 * The retry behaviour the AWS collector ships with (no `retryStrategy` passed), end to end with the
 * real SDK against the fake: short exponential backoff with full jitter, a throttle that never
 * clears ending as an error coverage record once its wait budget is spent, and a lasting quota
 * outlasted with fewer throttled answers thanks to the pacer. Math.random is pinned so the
 * jittered delays are known; the strategy's own decisions are in aws-paced-retry.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RetryErrorInfo } from '@smithy/types';
import { collectAws } from '../../src/connectors/aws/client.js';
import { newRequestStats } from '../../src/connectors/aws/request-stats.js';
import { requestSignals } from '../../src/connectors/abort.js';
import { PacedRetryStrategy, PacedRetryToken, SharedQuota } from '../../src/connectors/aws/paced-retry.js';
import { makeIamClient, makeRolesAnywhereClient, makeStsClient, type ClientSettings } from '../../src/connectors/aws/sdk-clients.js';
import { buildAccount } from '../fakes/aws-dataset.js';
import { startFakeAws, type FakeAws, type FakeAwsOptions } from '../fakes/aws-iam-server.js';
import { useIsolatedAwsEnv } from '../fakes/aws-test-env.js';

const KEY = 'AKIARETRY00000000001';
const SECRET = 'retry-test-secret-not-real-0000000000';
const MAIN = '111122223333';
const THROTTLED: RetryErrorInfo = { errorType: 'THROTTLING' };

let fakes: FakeAws[] = [];
const env = useIsolatedAwsEnv();
afterEach(async () => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  for (const fake of fakes) await fake.close();
  fakes = [];
  expect(env.blocked).toEqual([]);
});

describe('the default AWS retry strategy', () => {
  it("shares a run's IAM quota between the IAM clients of its accounts: a client held for the first is let go when that one is closed", async () => {
    const settings: ClientSettings = { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 4, stats: newRequestStats(), iamQuota: new SharedQuota() };
    const credentials = { accessKeyId: KEY, secretAccessKey: SECRET };
    const first = makeIamClient(settings, credentials);
    const second = makeIamClient(settings, credentials);
    const sts = makeStsClient(settings, credentials);
    const strategy = async (client: { config: { retryStrategy: () => Promise<unknown> } }) => (await client.config.retryStrategy()) as PacedRetryStrategy;
    let held = true;
    const waiting = (await strategy(second)).acquireInitialRetryToken('').then(() => (held = false));
    // STS is another service's quota: its client does not wait.
    await (await strategy(sts)).acquireInitialRetryToken('');
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(held).toBe(true);
    first.destroy();
    await waiting;
    expect(held).toBe(false);
    second.destroy();
    sts.destroy();
  });

  it('is what every client gets when no strategy is passed, each its own, with the configured attempts and budget', async () => {
    const settings: ClientSettings = { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 4, throttleBudgetMs: 300, stats: newRequestStats() };
    const credentials = { accessKeyId: KEY, secretAccessKey: SECRET };
    const strategies: PacedRetryStrategy[] = [];
    for (const client of [makeIamClient(settings, credentials), makeStsClient(settings, credentials)]) {
      const strategy = await client.config.retryStrategy();
      expect(strategy).toBeInstanceOf(PacedRetryStrategy);
      expect(await (strategy as PacedRetryStrategy).maxAttempts()).toBe(4);
      strategies.push(strategy as PacedRetryStrategy);
      client.destroy();
    }
    expect(strategies[0]).not.toBe(strategies[1]);
    // The older Roles Anywhere client gets the same strategy behind a scope adapter: its waits
    // and its refusal once the 300 ms budget is spent show it is the paced one with that budget.
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const ra = makeRolesAnywhereClient(settings, credentials);
    const config = ra.config as unknown as { retryStrategy: () => Promise<PacedRetryStrategy> };
    const strategy = await config.retryStrategy();
    let token = (await strategy.acquireInitialRetryToken(undefined as unknown as string)) as PacedRetryToken;
    const delays: number[] = [];
    await expect(
      (async () => {
        for (;;) {
          const waited = token.throttleWaitedMs;
          token = (await strategy.refreshRetryTokenForRetry(token, THROTTLED)) as PacedRetryToken;
          // The backoff alone: once the throttles go on, the pacer spaces the retries as well.
          delays.push(token.throttleWaitedMs - waited);
        }
      })(),
    ).rejects.toThrow();
    expect(delays).toEqual([12, 25, 50, 100, 113]);
    ra.destroy();
  });
});

describe('the default strategy and the run\'s stop', () => {
  it('a backoff wait ends when the run is stopped: the retry is refused with the stop\'s reason at once', async () => {
    const stop = new AbortController();
    const signals = requestSignals(stop.signal);
    const settings: ClientSettings = { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 4, stats: newRequestStats(), stop: signals };
    // Pinned before the client exists: the strategy takes Math.random when it is made, and a real
    // draw of 0 (1 in 25 from the 25 ms cap) would mean no wait at all to stop.
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const client = makeIamClient(settings, { accessKeyId: KEY, secretAccessKey: SECRET });
    const strategy = (await client.config.retryStrategy()) as PacedRetryStrategy;
    const token = await strategy.acquireInitialRetryToken(undefined as unknown as string);
    const waiting = strategy.refreshRetryTokenForRetry(token, THROTTLED);
    const reason = new Error('stopped: another provider failed');
    stop.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    signals.close();
    client.destroy();
  });
});

describe('collectAws with the default retry strategy', () => {
  /** One collection against a fake holding MAIN, or every account `collectOptions.accounts` names, each of `size`. */
  async function run(
    fakeOptions: Partial<FakeAwsOptions>,
    collectOptions: Partial<Parameters<typeof collectAws>[0]> = {},
    size: Parameters<typeof buildAccount>[1] = { users: 5, roles: 4 },
  ): Promise<{ fake: FakeAws; result: Awaited<ReturnType<typeof collectAws>>; progress: string[] }> {
    const ids = Array.isArray(collectOptions.accounts) ? collectOptions.accounts : [MAIN];
    const fake = await startFakeAws({ accounts: ids.map((id) => buildAccount(id, size)), credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, pageSize: 3, ...fakeOptions });
    fakes.push(fake);
    const progress: string[] = [];
    // No retryStrategy unless a test passes one: the one users run.
    const result = await collectAws({ endpoint: fake.url, credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, progress: (m) => progress.push(m), ...collectOptions });
    return { fake, result, progress };
  }

  it('retries throttled calls after short growing waits and collects the same files as without throttling', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const baseline = await run({});
    const throttleFirst = { 'iam:GetAccountAuthorizationDetails': 3, 'iam:GenerateCredentialReport': 1, 'rolesanywhere:ListTrustAnchors': 1 };
    const { fake, result } = await run({ throttleFirst });

    expect(result.files).toEqual(baseline.result.files);
    expect(result.coverage.every((c) => c.status === 'collected')).toBe(true);
    expect(fake.throttled()).toBe(5);
    expect(result.stats.retries).toBe(5);
    // Half of 25, 50 and 100 ms. The server saw each retry come no sooner than the backoff asked
    // (timers never fire early; 1 ms of slack for their rounding).
    const waits = fake.waitsAfterThrottle['iam:GetAccountAuthorizationDetails'];
    expect(waits).toHaveLength(3);
    [12, 25, 50].forEach((delay, i) => expect(waits[i]).toBeGreaterThanOrEqual(delay - 1));
  });

  it('turns a throttle that never clears into an error record once the wait budget is spent, with a progress warning', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.04);
    // Waits of 1, 2, 4, ... 128 ms (0.04 of caps from 25 ms), then the 45 ms left of a 300 ms budget: 10 attempts, more than
    // maxAttempts (6), which only limits errors other than throttling.
    const { fake, result, progress } = await run({ throttleFirst: { 'iam:ListOpenIDConnectProviders': 1000 } }, { throttleBudgetMs: 300 });

    const federation = result.coverage.find((c) => c.scope === MAIN && c.capability === 'aws.federation');
    expect(federation?.status).toBe('error');
    expect(federation?.reason).toMatch(/^ListOpenIDConnectProviders: Throttling .*still throttled after 10 attempts/);
    expect(fake.counts['iam:ListOpenIDConnectProviders']).toBe(10);
    expect(fake.waitsAfterThrottle['iam:ListOpenIDConnectProviders'].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(300 - 9);
    expect(progress).toContain(`aws ${MAIN}: aws.federation error`);
    expect(result.files[`aws/${MAIN}/oidc-providers.json`]).toBeUndefined();
    expect(result.coverage.filter((c) => c.capability !== 'aws.federation').every((c) => c.status === 'collected')).toBe(true);
  });

  it('outlasts a quota that never lets up, every capability collected, with fewer throttled answers than the same backoff unpaced', async () => {
    // Short waits (a tenth of each cap), so the calls come back soon after every throttle: unpaced,
    // the account's calls running side by side keep running into the quota; paced, the client sends
    // at the rate that got through.
    vi.spyOn(Math, 'random').mockReturnValue(0.1);
    const size = { users: 12, roles: 10, groups: 2, policies: 3 };
    const baseline = await run({}, {}, size);
    const quota = { iamRateLimit: { perSecond: 20, burst: 1 } };

    const paced = await run(quota, {}, size);
    const unpaced = await run(quota, { retryStrategy: new PacedRetryStrategy({ maxAttempts: 6, pacing: false }) }, size);

    for (const r of [paced, unpaced]) {
      expect(r.result.files).toEqual(baseline.result.files);
      expect(r.result.coverage.every((c) => c.status === 'collected')).toBe(true);
    }
    // Both made every request the collection needs; the difference is throttled answers.
    expect(paced.fake.totalRequests() - paced.fake.throttled()).toBe(baseline.fake.totalRequests());
    expect(unpaced.fake.totalRequests() - unpaced.fake.throttled()).toBe(baseline.fake.totalRequests());
    const counts = `throttled answers: paced ${paced.fake.throttled()}, unpaced ${unpaced.fake.throttled()}`;
    expect(paced.fake.throttled() * 2, counts).toBeLessThan(unpaced.fake.throttled());
  });

  it('collects every account of a run under a lasting quota with the accounts sharing what the first one learns, the same files as unthrottled', async () => {
    // Four accounts side by side: the first leads and the others wait for it (SharedQuota), so a
    // hold that never ended would hang here; each account has its own bucket, as IAM has.
    vi.spyOn(Math, 'random').mockReturnValue(0.1);
    const accounts = [MAIN, '222233334444', '333344445555', '444455556666'];
    const collect = (fakeOptions: Partial<FakeAwsOptions>) => run(fakeOptions, { assumeRoleName: 'nhiscan-readonly', accounts }, { users: 12, roles: 10, groups: 2, policies: 3 });
    const baseline = await collect({});
    const quota = await collect({ iamRateLimit: { perSecond: 20, burst: 2 } });
    expect(quota.result.files).toEqual(baseline.result.files);
    expect(quota.result.coverage.every((c) => c.status === 'collected')).toBe(true);
    expect(quota.fake.totalRequests() - quota.fake.throttled()).toBe(baseline.fake.totalRequests());
  });

  it.each([1, 2])('collects every account with --concurrency %i under a lasting quota: the accounts after the first batch start from the run rate, none waits forever', async (concurrency) => {
    vi.spyOn(Math, 'random').mockReturnValue(0.1);
    const accounts = [MAIN, '222233334444', '333344445555'];
    const collect = (fakeOptions: Partial<FakeAwsOptions>) => run(fakeOptions, { assumeRoleName: 'nhiscan-readonly', accounts, concurrency }, { users: 8, roles: 6, groups: 2, policies: 2 });
    const baseline = await collect({});
    const quota = await collect({ iamRateLimit: { perSecond: 20, burst: 2 } });
    expect(quota.result.files).toEqual(baseline.result.files);
    expect(quota.result.coverage.every((c) => c.status === 'collected')).toBe(true);
  });
});
