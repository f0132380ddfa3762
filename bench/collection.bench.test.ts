/**
 * Collection efficiency against the local fake servers with injected latency (issue 8):
 * requests sent vs the minimum a perfect collector needs, and wall time vs the latency-bound
 * minimum. Run with `npm run bench:collect`; results go to `bench/results.json` under
 * "collection". Nothing here asserts a time: the numbers are reported, not judged.
 */
import { it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { collectAws } from '../src/connectors/aws/client.js';
import { collectEntra } from '../src/connectors/entra/client.js';
import { authorizationItemCount, buildAccount } from '../test/fakes/aws-dataset.js';
import { startFakeAws } from '../test/fakes/aws-iam-server.js';
import { isolateAwsEnv } from '../test/fakes/aws-test-env.js';
import { makeEntraDataset, minimumPlan } from '../test/fakes/entra-dataset.js';
import { startEntraFake } from '../test/fakes/entra-server.js';

const LATENCY_MS = 50;
const rows: Record<string, unknown>[] = [];

it('Entra: 1,000 service principals, 50 ms per request, with and without throttling', async () => {
  const tenant = '11111111-2222-4333-8444-555555555555';
  const clientId = '99999999-8888-4777-8666-555555555555';
  const secret = 'bench-secret-not-real';
  for (const throttle of [false, true]) {
    const dataset = makeEntraDataset(tenant, { servicePrincipals: 1000, users: 200 });
    const fake = await startEntraFake({
      dataset,
      clientId,
      clientSecret: secret,
      pageSize: 100,
      latencyMs: LATENCY_MS,
      ...(throttle ? { throttle: { '/v1.0/servicePrincipals': { times: 2, retryAfter: '0' }, '/v1.0/$batch': { times: 2, retryAfter: '0' } } } : {}),
    });
    const started = performance.now();
    const r = await collectEntra({ tenantId: tenant, clientId, credential: { kind: 'secret', clientSecret: secret }, tokenEndpoint: fake.tokenEndpoint, graphUrl: fake.url, sleep: async () => {}, concurrency: 4 });
    const wall = (performance.now() - started) / 1000;
    await fake.close();
    const min = minimumPlan(dataset, 100);
    // At the configured concurrency (4), no collector can beat the longest chain of dependent
    // requests nor the minimum request count spread over 4 connections.
    const bound = (Math.max(min.criticalPath, Math.ceil(min.requests / 4)) * LATENCY_MS) / 1000;
    rows.push({
      provider: 'entra',
      scenario: throttle ? '1,000 SPs, 2 throttled list pages + 2 throttled batches' : '1,000 SPs',
      requests: r.stats.requests,
      minimumRequests: min.requests,
      requestRatio: +(r.stats.requests / min.requests).toFixed(3),
      wallSeconds: +wall.toFixed(2),
      latencyBoundSeconds: +bound.toFixed(2),
      wallRatio: +(wall / bound).toFixed(2),
      complete: r.coverage.every((c) => c.status === 'collected'),
    });
  }
});

it('AWS: one account of 1,200 principals, 50 ms per request, with and without throttling', async () => {
  const env = isolateAwsEnv();
  const account = '111122223333';
  const creds = { accessKeyId: 'AKIABENCH00000000000', secretAccessKey: 'bench-secret-not-real' };
  try {
    for (const throttle of [false, true]) {
      const data = buildAccount(account, { users: 800, groups: 20, roles: 400, policies: 40, oidcProviders: 2, samlProviders: 1 });
      const pageSize = 100;
      const fake = await startFakeAws({
        accounts: [data],
        credentials: creds,
        pageSize,
        latencyMs: LATENCY_MS,
        ...(throttle ? { throttleFirst: { 'iam:GetAccountAuthorizationDetails': 3, 'iam:GenerateCredentialReport': 1 } } : {}),
      });
      const started = performance.now();
      const r = await collectAws({ endpoint: fake.url, credentials: creds, retryStrategy: new ConfiguredRetryStrategy(6, () => 10), sleep: async () => {} });
      const wall = (performance.now() - started) / 1000;
      await fake.close();
      const gaadPages = Math.ceil(authorizationItemCount(data) / pageSize);
      const minimum = 1 + gaadPages + 2 + (1 + data.oidcProviders.length + 1) + 2;
      // Within an account the collector reads authorization details, the credential report, the
      // federation providers and Roles Anywhere side by side; the longest chain is the caller
      // identity and then the authorization-details pages, which must follow each other.
      const bound = ((1 + gaadPages) * LATENCY_MS) / 1000;
      rows.push({
        provider: 'aws',
        scenario: throttle ? '1,200 principals, 3 throttled pages + 1 throttled report call' : '1,200 principals',
        requests: r.stats.requests,
        minimumRequests: minimum,
        requestRatio: +(r.stats.requests / minimum).toFixed(3),
        wallSeconds: +wall.toFixed(2),
        latencyBoundSeconds: +bound.toFixed(2),
        wallRatio: +(wall / bound).toFixed(2),
        complete: r.coverage.every((c) => c.status === 'collected'),
      });
    }
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
    note: 'Okta is not measured here: its fake runs on a virtual clock (rate-limit windows), so wall time is not comparable; its request and rate-limit behaviour is asserted in test/connectors/okta-client.test.ts.',
    rows,
  };
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
});
