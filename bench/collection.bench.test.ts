/**
 * Collection efficiency against the local fake servers with injected latency (issue 8):
 * requests sent vs the minimum a perfect collector needs, and wall time vs the latency-bound
 * minimum. Run with `npm run bench:collect`; results go to `bench/results.json` under
 * "collection". Nothing here asserts a time: the numbers are reported, not judged.
 *
 * Throttled rows also carry a second minimum and bound that include what the server forced:
 * one more request per throttled answer, and for Okta the wait until `X-Rate-Limit-Reset` when
 * it falls on the chain of dependent requests. The plain ratios stay in the row as well.
 *
 * The AWS rows run the collector as shipped (its default retry strategy, its own report polling).
 * IAM's Throttling names no wait, so the retries wait as the strategy decides (exponential backoff
 * with jitter); the throttled AWS row also shows those waits, as the fake saw them, and the bound
 * with them added on each path.
 *
 * Every row also checks the collected ids against the fake's dataset (`allDatasetIds`): every
 * user, group, role and policy for AWS, every service principal for Entra, every user for Okta.
 */
import { it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectAws } from '../src/connectors/aws/client.js';
import { collectEntra } from '../src/connectors/entra/client.js';
import { collectOkta } from '../src/connectors/okta/client.js';
import type { CollectResult } from '../src/snapshot/types.js';
import { awsMinimumPlan, buildAccount } from '../test/fakes/aws-dataset.js';
import { startFakeAws } from '../test/fakes/aws-iam-server.js';
import { isolateAwsEnv } from '../test/fakes/aws-test-env.js';
import { makeEntraDataset, minimumPlan } from '../test/fakes/entra-dataset.js';
import { startEntraFake } from '../test/fakes/entra-server.js';
import { makeOktaDataset, oktaMinimumPlan } from '../test/fakes/okta-dataset.js';
import { startOktaFake } from '../test/fakes/okta-server.js';

const LATENCY_MS = 50;
/** Runs per scenario (`BENCH_RUNS`); each row reports the median run (the machine is shared). */
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const rows: Record<string, unknown>[] = [];
const seconds = (ms: number): number => +(ms / 1000).toFixed(2);

/** Same files with the same content, whatever order they were written in. */
function sameFiles(a: CollectResult['files'], b: CollectResult['files']): boolean {
  const keys = Object.keys(a).sort();
  if (keys.join('\n') !== Object.keys(b).sort().join('\n')) return false;
  return keys.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

/** Whether the items of `collected` (an array) carry exactly the `key` values of `expected`, in any order. */
function sameIds(collected: unknown, expected: ReadonlyArray<Record<string, unknown>>, key: string): boolean {
  if (!Array.isArray(collected)) return false;
  const ids = (list: ReadonlyArray<unknown>): string => list.map((item) => String((item as Record<string, unknown>)[key])).sort().join('\n');
  return collected.length === expected.length && ids(collected) === ids(expected);
}

/** One run of one scenario. */
interface Run {
  result: CollectResult;
  wallMs: number;
  boundMs: number;
  /** Throttled answers the server sent, and the bound with what they forced (throttled runs). */
  throttled?: {
    responses: number;
    boundMs: number;
    /** Client-chosen waits before retries, as the server saw them, and the bound with them added. */
    waits?: { onChainMs: number; totalMs: number; boundMs: number };
  };
}

/**
 * One row per scenario: the median run by wall time (its bound too, since a throttled run's
 * bound depends on the waits the server demanded in that run). Requests are the largest count
 * of any run; `complete` and `sameFilesAsUnthrottled` must hold for every run.
 */
function report(
  provider: string,
  scenario: string,
  minimum: number,
  runs: Run[],
  baseline: CollectResult | undefined,
  hasDatasetIds: (result: CollectResult) => boolean,
): void {
  const byWall = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  const m = byWall[Math.floor((byWall.length - 1) / 2)];
  const wallMs = m.wallMs;
  const requests = Math.max(...runs.map((r) => r.result.stats.requests));
  const row: Record<string, unknown> = {
    provider,
    scenario,
    requests,
    minimumRequests: minimum,
    requestRatio: +(requests / minimum).toFixed(3),
    wallSeconds: seconds(wallMs),
    latencyBoundSeconds: seconds(m.boundMs),
    wallRatio: +(wallMs / m.boundMs).toFixed(2),
    complete: runs.every((r) => r.result.coverage.every((c) => c.status === 'collected')),
    allDatasetIds: runs.every((r) => hasDatasetIds(r.result)),
  };
  if (m.throttled) {
    const responses = Math.max(...runs.map((r) => r.throttled!.responses));
    const min2 = minimum + responses;
    Object.assign(row, {
      throttledResponses: responses,
      minimumWithRetries: min2,
      requestRatioWithRetries: +(requests / min2).toFixed(3),
      boundWithThrottlingSeconds: seconds(m.throttled.boundMs),
      wallRatioWithThrottling: +(m.wallMs / m.throttled.boundMs).toFixed(2),
      sameFilesAsUnthrottled: baseline ? runs.every((r) => sameFiles(r.result.files, baseline.files)) : null,
    });
    const waits = m.throttled.waits;
    if (waits) {
      Object.assign(row, {
        retryWaitOnChainSeconds: seconds(waits.onChainMs),
        retryWaitAllCallsSeconds: seconds(waits.totalMs),
        boundWithWaitsSeconds: seconds(waits.boundMs),
        wallRatioWithWaits: +(m.wallMs / waits.boundMs).toFixed(2),
      });
    }
  }
  const full = { ...row, runs: runs.length, wallSecondsAllRuns: runs.map((r) => seconds(r.wallMs)) };
  rows.push(full);
  // Printed as it is measured, so one case run alone (`-t AWS`) shows its rows too.
  console.log(JSON.stringify(full));
}

it('Entra: 1,000 service principals, 50 ms per request, with and without throttling', async () => {
  const tenant = '11111111-2222-4333-8444-555555555555';
  const clientId = '99999999-8888-4777-8666-555555555555';
  const secret = 'bench-secret-not-real';
  const concurrency = 4;
  let baseline: CollectResult | undefined;
  for (const throttle of [false, true]) {
    const dataset = makeEntraDataset(tenant, { servicePrincipals: 1000, users: 200 });
    const min = minimumPlan(dataset, 100);
    // At the configured concurrency, no collector can beat the longest chain of dependent
    // requests nor the minimum request count spread over the connections.
    const bound = (requests: number): number => Math.max(min.criticalPath, Math.ceil(requests / concurrency)) * LATENCY_MS;
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      const fake = await startEntraFake({
        dataset,
        clientId,
        clientSecret: secret,
        pageSize: 100,
        latencyMs: LATENCY_MS,
        ...(throttle ? { throttle: { '/v1.0/servicePrincipals': { times: 2, retryAfter: '0' }, '/v1.0/$batch': { times: 2, retryAfter: '0' } } } : {}),
      });
      const started = performance.now();
      const result = await collectEntra({ tenantId: tenant, clientId, credential: { kind: 'secret', clientSecret: secret }, tokenEndpoint: fake.tokenEndpoint, graphUrl: fake.url, sleep: async () => {}, concurrency });
      const wallMs = performance.now() - started;
      const responses = fake.log.filter((l) => l.status === 429 && !l.inBatch).length;
      await fake.close();
      // Retry-After: 0 forces no wait; the retries are spread over the connections like the rest.
      runs.push({ result, wallMs, boundMs: bound(min.requests), ...(throttle ? { throttled: { responses, boundMs: bound(min.requests + responses) } } : {}) });
    }
    const servicePrincipals = dataset.v1['/servicePrincipals'];
    const hasDatasetIds = (r: CollectResult): boolean => sameIds((r.files['entra/servicePrincipals.json'] as { value?: unknown } | undefined)?.value, servicePrincipals, 'id');
    report('entra', throttle ? '1,000 SPs, 2 throttled list pages + 2 throttled batches (Retry-After: 0)' : '1,000 SPs', min.requests, runs, baseline, hasDatasetIds);
    if (!throttle) baseline = runs[0].result;
  }
});

it('Okta: 1,000 users, 300 apps, 50 ms per request, with and without 429 + X-Rate-Limit-Reset', async () => {
  const token = 'bench-token-not-real';
  // The collector's defaults: 3 requests in flight, pages of 200.
  const concurrency = 3;
  const pageSize = 200;
  const bound = (plan: { requests: number; criticalPath: number }): number =>
    Math.max(plan.criticalPath, Math.ceil(plan.requests / concurrency)) * LATENCY_MS;
  let baseline: CollectResult | undefined;
  for (const throttle of [false, true]) {
    const dataset = makeOktaDataset({ users: 1000, serviceAccounts: 20, apps: 300, machineApps: 24, awsApps: 2, awsUsersPerApp: 10, apiTokens: 24, groups: 80, groupsPerUser: 3 });
    const min = oktaMinimumPlan(dataset, { pageSize });
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      const fake = await startOktaFake({
        dataset,
        apiToken: token,
        latencyMs: LATENCY_MS,
        // Okta-style 429s: X-Rate-Limit-Remaining 0, X-Rate-Limit-Reset at the next whole second.
        ...(throttle
          ? { inject429: [{ template: '/api/v1/users', times: 2, resetAfterMs: 0 }, { template: '/api/v1/users/{id}/roles', times: 2, resetAfterMs: 0 }] }
          : {}),
      });
      const started = performance.now();
      const result = await collectOkta({ orgUrl: fake.url, auth: { kind: 'ssws', token }, maxConcurrent: concurrency, pageSize });
      const wallMs = performance.now() - started;
      await fake.close();
      let throttled: Run['throttled'];
      if (throttle) {
        // The user list's 429s lengthen its chain by a retry and the demanded wait each. The
        // waits on the per-user roles bucket are left out (other reads can fill them), which
        // keeps this a lower bound.
        const onUsers = fake.state.throttled.filter((t) => t.template === '/api/v1/users');
        const usersDelay = onUsers.length + onUsers.reduce((sum, t) => sum + t.waitMs, 0) / LATENCY_MS;
        const plan = oktaMinimumPlan(dataset, { pageSize, listDelays: { '/api/v1/users': usersDelay } });
        const responses = fake.state.throttled.length;
        throttled = { responses, boundMs: bound({ requests: min.requests + responses, criticalPath: plan.criticalPath }) };
      }
      runs.push({ result, wallMs, boundMs: bound(min), ...(throttled ? { throttled } : {}) });
    }
    report(
      'okta',
      throttle ? '1,000 users, 2 throttled user-list pages + 2 throttled user-role reads (429, reset at the next second)' : '1,000 users, 300 apps',
      min.requests,
      runs,
      baseline,
      (r) => sameIds(r.files['okta/users.json'], dataset.users, 'id'),
    );
    if (!throttle) baseline = runs[0].result;
  }
});

it('AWS: one account of 1,200 principals, 50 ms per request, with and without throttling', async () => {
  const env = isolateAwsEnv();
  const account = '111122223333';
  const creds = { accessKeyId: 'AKIABENCH00000000000', secretAccessKey: 'bench-secret-not-real' };
  const pageSize = 100;
  const throttleFirst = { 'iam:GetAccountAuthorizationDetails': 3, 'iam:GenerateCredentialReport': 1 };
  let baseline: CollectResult | undefined;
  try {
    for (const throttle of [false, true]) {
      const data = buildAccount(account, { users: 800, groups: 20, roles: 400, policies: 40, oidcProviders: 2, samlProviders: 1 });
      const min = awsMinimumPlan(data, { pageSize });
      const detailsFile = `aws/${account}/authorization-details.json`;
      const hasDatasetIds = (r: CollectResult): boolean => {
        const details = r.files[detailsFile] as Record<string, unknown> | undefined;
        return (
          details !== undefined &&
          sameIds(details.UserDetailList, data.users, 'Arn') &&
          sameIds(details.GroupDetailList, data.groups, 'Arn') &&
          sameIds(details.RoleDetailList, data.roles, 'Arn') &&
          sameIds(details.Policies, data.policies, 'Arn')
        );
      };
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) {
        const fake = await startFakeAws({ accounts: [data], credentials: creds, pageSize, latencyMs: LATENCY_MS, ...(throttle ? { throttleFirst } : {}) });
        const started = performance.now();
        // As shipped: the default retry strategy and credential report polling.
        const result = await collectAws({ endpoint: fake.url, credentials: creds });
        const wallMs = performance.now() - started;
        await fake.close();
        let throttled: Run['throttled'];
        if (throttle) {
          // Within an account the collector reads authorization details, the credential report,
          // the federation providers, Roles Anywhere and the ListRoles pages side by side, and
          // GetCallerIdentity beside them; the longest chain is the authorization-details pages, which must follow each
          // other. Every throttled authorization-details attempt is on that chain; the throttled
          // report call is on the report's own path (Generate, its retry, Get).
          const responses = Object.values(throttleFirst).reduce((a, b) => a + b, 0);
          const chainWithRetries = min.criticalPath + throttleFirst['iam:GetAccountAuthorizationDetails'];
          // IAM's Throttling asks for no wait, so the plain bound has none; the strategy's own
          // waits (random, so each run has its own) are added on the path they fall on.
          const sum = (list: number[] | undefined): number => (list ?? []).reduce((a, b) => a + b, 0);
          const onChainMs = sum(fake.waitsAfterThrottle['iam:GetAccountAuthorizationDetails']);
          const onReportMs = sum(fake.waitsAfterThrottle['iam:GenerateCredentialReport']);
          const totalMs = Object.values(fake.waitsAfterThrottle).reduce((a, list) => a + sum(list), 0);
          const reportPath = 2 + throttleFirst['iam:GenerateCredentialReport'];
          const boundMs = Math.max(chainWithRetries * LATENCY_MS + onChainMs, reportPath * LATENCY_MS + onReportMs);
          throttled = { responses, boundMs: chainWithRetries * LATENCY_MS, waits: { onChainMs, totalMs, boundMs } };
        }
        runs.push({ result, wallMs, boundMs: min.criticalPath * LATENCY_MS, ...(throttled ? { throttled } : {}) });
      }
      report('aws', throttle ? '1,200 principals, 3 throttled pages + 1 throttled report call' : '1,200 principals', min.requests, runs, baseline, hasDatasetIds);
      if (!throttle) baseline = runs[0].result;
    }
  } finally {
    env.restore();
  }
});

it('AWS: four accounts of 630 principals under a lasting quota of 2 IAM requests a second each', async () => {
  const env = isolateAwsEnv();
  const creds = { accessKeyId: 'AKIABENCH00000000000', secretAccessKey: 'bench-secret-not-real' };
  const pageSize = 100;
  const quota = { perSecond: 2, burst: 2 };
  const ids = ['111122223333', '222233334444', '333344445555', '444455556666'];
  try {
    const dataset = () => ids.map((a) => buildAccount(a, { users: 400, groups: 10, roles: 200, policies: 20, oidcProviders: 1, samlProviders: 1 }));
    const plans = dataset().map((a) => awsMinimumPlan(a, { pageSize }));
    // Per account: AssumeRole (STS, outside IAM's quota) takes the place of GetCallerIdentity in
    // the plan, then the account's requests; the IAM ones (all but that one, the two Roles
    // Anywhere lists and DescribeOrganization) can go no faster than the bucket refills once its burst is spent, and the
    // last answer takes one more round trip.
    const minimum = plans.reduce((n, p) => n + p.requests, 0);
    const quotaBoundMs = Math.max(...plans.map((p) => LATENCY_MS + ((p.requests - 4 - quota.burst) / quota.perSecond) * 1000 + LATENCY_MS));
    const collect = async (throttle: boolean) => {
      const data = dataset();
      const fake = await startFakeAws({ accounts: data, credentials: creds, pageSize, latencyMs: LATENCY_MS, ...(throttle ? { iamRateLimit: quota } : {}) });
      const started = performance.now();
      const result = await collectAws({ endpoint: fake.url, credentials: creds, assumeRoleName: 'nhiscan-readonly', accounts: ids });
      const wallMs = performance.now() - started;
      const responses = fake.throttled();
      await fake.close();
      return { result, wallMs, responses, data };
    };
    const unthrottled = await collect(false);
    const hasDatasetIds = (r: CollectResult): boolean =>
      unthrottled.data.every((d) => {
        const details = r.files[`aws/${d.accountId}/authorization-details.json`] as Record<string, unknown> | undefined;
        return details !== undefined && sameIds(details.UserDetailList, d.users, 'Arn') && sameIds(details.RoleDetailList, d.roles, 'Arn') && sameIds(details.GroupDetailList, d.groups, 'Arn') && sameIds(details.Policies, d.policies, 'Arn');
      });
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { result, wallMs, responses } = await collect(true);
      runs.push({ result, wallMs, boundMs: quotaBoundMs, throttled: { responses, boundMs: quotaBoundMs } });
    }
    report('aws', `4 accounts x 630 principals, IAM quota ${quota.perSecond} requests/s per account (burst ${quota.burst}); bound: the quota's refill`, minimum, runs, unthrottled.result, hasDatasetIds);
  } finally {
    env.restore();
  }
});

it('writes the table and bench/results.json', () => {
  console.table(rows);
  const file = join(import.meta.dirname, 'results.json');
  const results = JSON.parse(readFileSync(file, 'utf8'));
  results.collection = {
    latencyMs: LATENCY_MS,
    note:
      'Fakes run in the same Node process as the collector, so their CPU time counts against the collector. ' +
      'Bounds: max(longest chain of dependent requests, minimum requests / concurrency) x latency (Entra 4 connections, Okta 3 in flight; AWS: the authorization-details chain). ' +
      'Throttled rows add the requests the server forced (minimumWithRetries) and, for Okta, the waits it demanded on the user-list chain (boundWithThrottlingSeconds). ' +
      'AWS runs as shipped (default retry strategy): IAM Throttling names no wait, so the throttled AWS row also gives the waits its backoff chose (retryWaitOnChainSeconds) and the bound with them (boundWithWaitsSeconds). ' +
      'allDatasetIds: every run collected exactly the ids of the dataset (AWS users, groups, roles, policies; Entra service principals; Okta users).',
    rows,
  };
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
});
