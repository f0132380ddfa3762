import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectEntra, type EntraCollectOptions } from '../../src/connectors/entra/client.js';
import type { CollectResult } from '../../src/snapshot/types.js';
import { makeEntraDataset } from '../fakes/entra-dataset.js';
import { installNetGuard } from '../fakes/entra-net-guard.js';
import { startEntraFake, type EntraFakeOptions } from '../fakes/entra-server.js';
import { expectCollectedExcept, expectGap } from './coverage-asserts.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from './fault-proxy.js';

const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT_ID = '99999999-8888-4777-8666-555555555555';
const SECRET = 'HARDENING-ENTRA-client-secret-0001';
const SPS = 25;

let guard: ReturnType<typeof installNetGuard>;
const closers: Array<{ close(): Promise<void> }> = [];
beforeAll(() => {
  guard = installNetGuard();
});
afterEach(async () => {
  for (const c of closers.splice(0)) await c.close();
});
afterAll(() => {
  guard.uninstall();
  expect(guard.attempts).toEqual([]);
});

/** Graph requests whose path (without query) is `path`, e.g. `/v1.0/servicePrincipals`. */
const path = (p: string, method = 'GET') => (r: { method: string; url: string }) => r.method === method && r.url.split('?')[0] === p;
const SP_LIST = path('/v1.0/servicePrincipals');

interface Run {
  result: CollectResult;
  proxy: FaultProxy;
  sleeps: number[];
}

async function run(rules: FaultRule[], fakeOpts: Partial<EntraFakeOptions> = {}, opts: Partial<EntraCollectOptions> = {}, tokenViaProxy = false): Promise<Run> {
  const fake = await startEntraFake({ dataset: makeEntraDataset(TENANT, { servicePrincipals: SPS }), clientId: CLIENT_ID, clientSecret: SECRET, pageSize: 10, ...fakeOpts });
  closers.push(fake);
  const proxy = await startFaultProxy(fake.url, rules);
  closers.push(proxy);
  const sleeps: number[] = [];
  const result = await collectEntra({
    tenantId: TENANT,
    clientId: CLIENT_ID,
    credential: { kind: 'secret', clientSecret: SECRET },
    tokenEndpoint: tokenViaProxy ? `${proxy.url}/${TENANT}/oauth2/v2.0/token` : fake.tokenEndpoint,
    graphUrl: proxy.url,
    sleep: async (ms) => void sleeps.push(ms),
    requestTimeoutMs: 2000, // generous: a loaded 2-core machine must not time out reads that are not faulted (the hang test sets its own)
    maxRetries: 3,
    ...opts,
  });
  return { result, proxy, sleeps };
}

const values = (r: CollectResult, file: string) => (r.files[`entra/${file}`] as { value: Array<Record<string, unknown>> } | undefined)?.value;
const graphError = (code: string) => JSON.stringify({ error: { code, message: 'fault' } });

describe('Entra collector under injected faults', () => {
  it('waits out a 429 storm with Retry-After and reads everything', async () => {
    const { result, proxy, sleeps } = await run([
      { match: SP_LIST, fault: { kind: 'status', status: 429, headers: { 'Retry-After': '7' }, body: graphError('TooManyRequests') }, times: 3 },
    ]);
    expect(proxy.injected[0]).toBe(3);
    expect(sleeps.filter((s) => s === 7000)).toHaveLength(3);
    expect(values(result, 'servicePrincipals.json')).toHaveLength(SPS);
    expectCollectedExcept(result, []);
  });

  it('backs off without Retry-After and records a storm that outlasts the retries', async () => {
    const { result, proxy, sleeps } = await run([{ match: SP_LIST, fault: { kind: 'status', status: 429, body: graphError('TooManyRequests') } }]);
    expect(proxy.injected[0]).toBe(4);
    expect(sleeps.slice(0, 3)).toEqual([1000, 2000, 4000]);
    expectGap(result, 'entra.servicePrincipals', { status: 'error', reason: /429 TooManyRequests on GET \/v1\.0\/servicePrincipals/ });
    // What depends on the SP list says so; what does not is read in full.
    expectGap(result, 'entra.appRoleAssignments', { reason: /not attempted because servicePrincipals was not read/ });
    expect(values(result, 'applications.json')?.length).toBeGreaterThan(0);
    expect(values(result, 'users.json')).toHaveLength(20);
  });

  it('retries a 503 burst, and records a 500 with its status', async () => {
    const burst = await run([{ match: path('/v1.0/applications'), fault: { kind: 'status', status: 503, body: '' }, times: 2 }]);
    expect(values(burst.result, 'applications.json')?.length).toBeGreaterThan(0);
    expectCollectedExcept(burst.result, []);

    const broken = await run([{ match: path('/v1.0/oauth2PermissionGrants'), fault: { kind: 'status', status: 500, body: graphError('InternalServerError') } }]);
    expectGap(broken.result, 'entra.oauth2PermissionGrants', { status: 'error', reason: /^500 InternalServerError on GET/ });
    expect(broken.result.files['entra/oauth2PermissionGrants.json']).toBeUndefined();
    expectCollectedExcept(broken.result, ['entra.oauth2PermissionGrants']);
  });

  it('retries a connection reset mid-response and records resets that persist', async () => {
    const once = await run([{ match: SP_LIST, fault: { kind: 'reset' }, after: 1, times: 1 }]);
    expect(once.proxy.injected[0]).toBe(1);
    expect(values(once.result, 'servicePrincipals.json')).toHaveLength(SPS);
    expectCollectedExcept(once.result, []);

    const always = await run([{ match: path('/v1.0/groups'), fault: { kind: 'reset' } }]);
    expectGap(always.result, 'entra.groups', { status: 'error', reason: /network error after 4 attempts/ });
    expectCollectedExcept(always.result, ['entra.groups']);
  });

  it('times out a response that never comes', async () => {
    const { result } = await run([{ match: path('/v1.0/roleManagement/directory/roleEligibilitySchedules'), fault: { kind: 'hang' } }], {}, { maxRetries: 1, requestTimeoutMs: 100 });
    expectGap(result, 'entra.pim', { status: 'error', reason: /timed out after 2 attempts/ });
    expectCollectedExcept(result, ['entra.pim']);
  });

  it('records truncated and malformed JSON, in a list and in a $batch answer', async () => {
    const list = await run([{ match: SP_LIST, fault: { kind: 'truncate' }, after: 1 }]);
    expectGap(list.result, 'entra.servicePrincipals', { status: 'error', reason: /malformed page/ });
    expect(list.result.files['entra/servicePrincipals.json']).toBeUndefined();

    const batch = await run([{ match: path('/v1.0/$batch', 'POST'), fault: { kind: 'body', body: '{"responses": [{"id": "1", "status": 200, "body": {"value": [' }, times: 1 }]);
    // The items of the broken batch are not read; each capability they feed says how many.
    const gaps = batch.result.coverage.filter((c) => c.status !== 'collected');
    expect(gaps.length).toBeGreaterThan(0);
    for (const g of gaps) expectGap(batch.result, g.capability, { status: 'error', reason: /not read: no response for GET/ });
    expect(values(batch.result, 'servicePrincipals.json')).toHaveLength(SPS);
  });

  it('stops a nextLink that points back to an earlier page', async () => {
    const { result } = await run([], { rewriteNextLink: (link, p) => (p === '/v1.0/servicePrincipals' ? link.replace(/\$skiptoken=\d+/, '$skiptoken=10') : link) });
    expectGap(result, 'entra.servicePrincipals', { status: 'error', reason: /nextLink loop/ });
  });

  it('reads through an empty page in the middle and keeps duplicates across pages as served', async () => {
    let page = 0;
    const { result } = await run([
      {
        match: SP_LIST,
        fault: {
          kind: 'rewrite',
          rewrite: (body) => {
            page++;
            const doc = JSON.parse(body) as { value: unknown[]; '@odata.nextLink'?: string };
            if (page === 2) return JSON.stringify({ value: [], '@odata.nextLink': `${doc['@odata.nextLink']!.replace(/\$skiptoken=\d+/, '$skiptoken=10')}&again=1` });
            if (page === 3) return JSON.stringify({ ...doc, value: [...doc.value, (JSON.parse(firstPage) as { value: unknown[] }).value[0]] });
            firstPage = body;
            return body;
          },
        },
      },
    ]);
    const ids = values(result, 'servicePrincipals.json')!.map((s) => s.id);
    expect(ids).toHaveLength(SPS + 1);
    expect(new Set(ids).size).toBe(SPS);
    expectCollectedExcept(result, []);
  });

  it('fetches a new token when the first expires mid-scan, and records a refused refresh instead of crashing', async () => {
    const ok = await run([], { expireFirstTokenAfterCalls: 5 });
    expect(ok.result.stats.tokenRefreshes).toBe(1);
    expectCollectedExcept(ok.result, []);

    const refused = await run(
      [{ match: path(`/${TENANT}/oauth2/v2.0/token`, 'POST'), fault: { kind: 'status', status: 401, body: JSON.stringify({ error: 'invalid_client', error_description: `AADSTS7000222: expired ${SECRET}` }) }, after: 1 }],
      { expireFirstTokenAfterCalls: 5 },
      {},
      true,
    );
    const gaps = refused.result.coverage.filter((c) => c.status !== 'collected');
    expect(gaps.length).toBeGreaterThan(0);
    for (const g of gaps) expect(g.reason).toMatch(/token (re-)?acquisition failed|not attempted because/);
    expect(values(refused.result, 'organization.json')).toHaveLength(1);
    expect(JSON.stringify(refused.result)).not.toContain(SECRET);
  });

  it('records a 403 on one capability as missing-permission', async () => {
    const { result } = await run([], { forbid: ['/v1.0/oauth2PermissionGrants'] });
    expectGap(result, 'entra.oauth2PermissionGrants', { status: 'missing-permission', reason: /403 Authorization_RequestDenied/ });
    expectCollectedExcept(result, ['entra.oauth2PermissionGrants']);
  });
});

let firstPage = '';
