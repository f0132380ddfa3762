import { getEventListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { collectAws, type AwsCollectOptions } from '../../src/connectors/aws/client.js';
import { buildAccount } from '../fakes/aws-dataset.js';
import { startFakeAws } from '../fakes/aws-iam-server.js';
import { isolateAwsEnv, type AwsTestEnv } from '../fakes/aws-test-env.js';

/**
 * The run's stop signal lives as long as `collect` and is shared by every provider. The AWS
 * collector passes a stop to every SDK call, and the SDK registers on the signal it is given
 * (its retry loop while it waits, the HTTP handler while a request is open), so that signal must
 * be one of the collector's own per call, not the run's: otherwise the run's signal holds two
 * listeners per call in flight, and six calls at once (one account) are enough for Node's
 * MaxListenersExceededWarning. Counted in listeners, never in time.
 */
const KEY = 'AKIALISTENERTEST0001';
const SECRET = 'LISTENERTESTsecretAccessKey00000000001';

let env: AwsTestEnv;
const warnings: Error[] = [];
const onWarning = (w: Error): void => void warnings.push(w);
beforeAll(() => {
  env = isolateAwsEnv();
  process.on('warning', onWarning);
});
afterAll(() => {
  process.off('warning', onWarning);
  env.restore();
});
afterEach(() => {
  expect(env.blocked).toEqual([]);
});

/** A stop signal that records the most listeners it held at once. */
function watchedStop(): { signal: AbortSignal; abort(reason: unknown): void; peak(): number; now(): number } {
  const stop = new AbortController();
  const signal = stop.signal;
  const add = signal.addEventListener.bind(signal);
  let peak = 0;
  signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
    add(...args);
    peak = Math.max(peak, getEventListeners(signal, 'abort').length);
  }) as AbortSignal['addEventListener'];
  return { signal, abort: (reason) => stop.abort(reason), peak: () => peak, now: () => getEventListeners(signal, 'abort').length };
}

/** Node emits the warning from process.nextTick; let that run before looking. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const leakWarnings = (): string[] => warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message);

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const ACCOUNTS = Array.from({ length: 12 }, (_, i) => String(100000000001 + i));

describe('the AWS collector and the run\'s stop signal', () => {
  it('holds one listener on it at most, and none once done, over many accounts with pages, throttles, retries and report polls', async () => {
    const fake = await startFakeAws({
      accounts: ACCOUNTS.map((id) => buildAccount(id, { users: 6, roles: 6, policies: 4 })),
      credentials: { accessKeyId: KEY, secretAccessKey: SECRET },
      pageSize: 3,
      throttleFirst: { 'sts:AssumeRole': 6, 'iam:GetAccountAuthorizationDetails': 10, 'iam:ListSAMLProviders': 8, 'rolesanywhere:ListTrustAnchors': 8 },
      credentialReport: { inProgressPolls: 2 },
    });
    try {
      const stop = watchedStop();
      const result = await collectAws({
        endpoint: fake.url,
        credentials: { accessKeyId: KEY, secretAccessKey: SECRET },
        assumeRoleName: 'nhiscan-readonly',
        accounts: ACCOUNTS,
        concurrency: 12,
        // A real wait of 1 ms between retries and between report polls (the SDK's retry loop
        // and the collector's own wait both listen for the stop while they wait).
        retryStrategy: new ConfiguredRetryStrategy(12, () => 1),
        credentialReportDelayMs: 1,
        signal: stop.signal,
      });
      expect(stop.now()).toBe(0);
      await settle();
      expect(result.coverage.filter((c) => c.status !== 'collected')).toEqual([]);
      expect(result.stats?.retries).toBeGreaterThanOrEqual(32);
      expect(fake.totalRequests()).toBeGreaterThan(150);
      expect(stop.peak()).toBeLessThanOrEqual(1);
      expect(leakWarnings()).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('holds one listener at most, and none once done, when the endpoint refuses every connection (retried)', async () => {
    const port = await closedPort();
    const runs: Array<Partial<AwsCollectOptions>> = [{}, { assumeRoleName: 'nhiscan-readonly', accounts: ACCOUNTS, concurrency: 12 }];
    for (const extra of runs) {
      const stop = watchedStop();
      const result = await collectAws({
        endpoint: `http://127.0.0.1:${port}`,
        credentials: { accessKeyId: KEY, secretAccessKey: SECRET },
        retryStrategy: new ConfiguredRetryStrategy(4, () => 1),
        signal: stop.signal,
        ...extra,
      });
      expect(stop.now()).toBe(0);
      await settle();
      expect(result.coverage.length).toBeGreaterThan(0);
      expect(result.coverage.filter((c) => c.status === 'error').every((c) => /ECONNREFUSED/.test(c.reason ?? ''))).toBe(true);
      expect(result.stats?.retries).toBeGreaterThan(0);
      expect(stop.peak()).toBeLessThanOrEqual(1);
    }
    expect(leakWarnings()).toEqual([]);
  });

  it('still reaches every call: a stop closes the requests in flight and ends the run with its reason', async () => {
    // A server that takes every request and never answers: only a stop that reaches each
    // call's own signal closes them (the per-attempt timeout is far beyond the test's).
    const open = new Set<Socket>();
    let requests = 0;
    const server = createServer(() => void requests++);
    server.on('connection', (socket) => {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const stop = watchedStop();
      const reason = new Error('another provider refused its credential');
      const run = collectAws({
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        credentials: { accessKeyId: KEY, secretAccessKey: SECRET },
        retryStrategy: new ConfiguredRetryStrategy(1, () => 1),
        requestTimeoutMs: 3_600_000,
        signal: stop.signal,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      // GetCallerIdentity and the seven reads of the caller's account (ListRoles and DescribeOrganization among them) start together.
      while (requests < 8) await new Promise((resolve) => setTimeout(resolve, 5));
      stop.abort(reason);
      expect(await run).toBe(reason);
      while (open.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(requests).toBe(8);
      expect(stop.now()).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
