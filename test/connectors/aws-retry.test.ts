/**
 * The retry behaviour the AWS collector ships with (no `retryStrategy` passed): exponential
 * backoff with full jitter, up to `maxAttempts` attempts, and a throttle that never clears ends
 * as an error coverage record. Math.random is pinned so the jittered delays are known.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { StandardRetryStrategy } from '@smithy/util-retry';
import type { RetryErrorInfo, StandardRetryToken } from '@smithy/types';
import { collectAws } from '../../src/connectors/aws/client.js';
import { newRequestStats } from '../../src/connectors/aws/request-stats.js';
import { defaultRetryStrategy, makeIamClient, makeRolesAnywhereClient, makeStsClient, type ClientSettings } from '../../src/connectors/aws/sdk-clients.js';
import { buildAccount } from '../fakes/aws-dataset.js';
import { startFakeAws, type FakeAws, type FakeAwsOptions } from '../fakes/aws-iam-server.js';
import { isolateAwsEnv, type AwsTestEnv } from '../fakes/aws-test-env.js';

const KEY = 'AKIARETRY00000000001';
const SECRET = 'retry-test-secret-not-real-0000000000';
const MAIN = '111122223333';
const THROTTLED: RetryErrorInfo = { errorType: 'THROTTLING' };

let env: AwsTestEnv;
let fakes: FakeAws[] = [];
beforeAll(() => {
  env = isolateAwsEnv();
});
afterAll(() => env.restore());
afterEach(async () => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  for (const fake of fakes) await fake.close();
  fakes = [];
  expect(env.blocked).toEqual([]);
});

/** The delay the strategy waited before granting each retry, until it refuses one. */
async function retryDelays(maxAttempts: number, advance?: () => Promise<unknown>): Promise<{ delays: number[]; refused: boolean }> {
  const strategy = defaultRetryStrategy(maxAttempts) as StandardRetryStrategy;
  let token: StandardRetryToken = await strategy.acquireInitialRetryToken('');
  const delays: number[] = [];
  for (;;) {
    const next = strategy.refreshRetryTokenForRetry(token, THROTTLED).then(
      (t) => t,
      () => undefined,
    );
    if (advance) await advance();
    const granted = await next;
    if (!granted) return { delays, refused: true };
    token = granted;
    delays.push((token as unknown as { $retryLog: { acquisitionDelay: number } }).$retryLog.acquisitionDelay);
  }
}

describe('the default AWS retry strategy', () => {
  it('doubles the jittered delay after each throttled attempt and stops at maxAttempts', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.01);
    // A throttling error starts from 1 s; the random factor (here 0.01) spreads clients apart.
    expect(await retryDelays(6)).toEqual({ delays: [10, 20, 40, 80, 160], refused: true });
    expect(await retryDelays(2)).toEqual({ delays: [10], refused: true });
  });

  it('caps one delay at 20 s however many attempts are allowed', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { delays } = await retryDelays(9, () => vi.runAllTimersAsync());
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('is what every client gets when no strategy is passed, with the configured attempts', async () => {
    const settings: ClientSettings = { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 4, stats: newRequestStats() };
    const credentials = { accessKeyId: KEY, secretAccessKey: SECRET };
    for (const client of [makeIamClient(settings, credentials), makeStsClient(settings, credentials)]) {
      const strategy = await client.config.retryStrategy();
      expect(strategy).toBeInstanceOf(StandardRetryStrategy);
      expect(await (strategy as StandardRetryStrategy).maxAttempts()).toBe(4);
      client.destroy();
    }
    // The older Roles Anywhere client gets the same strategy behind a scope adapter: its
    // refusal after maxAttempts shows it is the standard one with the same attempts.
    vi.spyOn(Math, 'random').mockReturnValue(0.01);
    const ra = makeRolesAnywhereClient(settings, credentials);
    const config = ra.config as unknown as { retryStrategy: () => Promise<StandardRetryStrategy> };
    const strategy = await config.retryStrategy();
    let token = await strategy.acquireInitialRetryToken(undefined as unknown as string);
    const delays: number[] = [];
    await expect(
      (async () => {
        for (;;) {
          token = await strategy.refreshRetryTokenForRetry(token, THROTTLED);
          delays.push((token as unknown as { $retryLog: { acquisitionDelay: number } }).$retryLog.acquisitionDelay);
        }
      })(),
    ).rejects.toThrow();
    expect(delays).toEqual([10, 20, 40]);
    ra.destroy();
  });
});

describe('collectAws with the default retry strategy', () => {
  async function run(fakeOptions: Partial<FakeAwsOptions>): Promise<{ fake: FakeAws; result: Awaited<ReturnType<typeof collectAws>>; progress: string[] }> {
    const fake = await startFakeAws({ accounts: [buildAccount(MAIN, { users: 5, roles: 4 })], credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, pageSize: 3, ...fakeOptions });
    fakes.push(fake);
    const progress: string[] = [];
    // No retryStrategy: the one users run.
    const result = await collectAws({ endpoint: fake.url, credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, progress: (m) => progress.push(m) });
    return { fake, result, progress };
  }

  it('retries throttled calls after growing waits and collects the same files as without throttling', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.01);
    const baseline = await run({});
    const throttleFirst = { 'iam:GetAccountAuthorizationDetails': 3, 'iam:GenerateCredentialReport': 1, 'rolesanywhere:ListTrustAnchors': 1 };
    const { fake, result } = await run({ throttleFirst });

    expect(result.files).toEqual(baseline.result.files);
    expect(result.coverage.every((c) => c.status === 'collected')).toBe(true);
    expect(fake.throttled()).toBe(5);
    expect(result.stats.retries).toBe(5);
    // The server saw each retry come no sooner than the backoff asked (timers never fire early;
    // 1 ms of slack for their rounding).
    const waits = fake.waitsAfterThrottle['iam:GetAccountAuthorizationDetails'];
    expect(waits).toHaveLength(3);
    [10, 20, 40].forEach((delay, i) => expect(waits[i]).toBeGreaterThanOrEqual(delay - 1));
  });

  it('turns a throttle that never clears into an error record after maxAttempts, with a progress warning', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.01);
    const { fake, result, progress } = await run({ throttleFirst: { 'iam:ListOpenIDConnectProviders': 1000 } });

    const federation = result.coverage.find((c) => c.scope === MAIN && c.capability === 'aws.federation');
    expect(federation?.status).toBe('error');
    expect(federation?.reason).toMatch(/^ListOpenIDConnectProviders: Throttling .*still throttled after 6 attempts/);
    expect(fake.counts['iam:ListOpenIDConnectProviders']).toBe(6);
    expect(progress).toContain(`aws ${MAIN}: aws.federation error`);
    expect(result.files[`aws/${MAIN}/oidc-providers.json`]).toBeUndefined();
    expect(result.coverage.filter((c) => c.capability !== 'aws.federation').every((c) => c.status === 'collected')).toBe(true);
  });
});
