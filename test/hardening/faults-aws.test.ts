import { afterEach, describe, expect, it } from 'vitest';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { collectAws, type AwsCollectOptions } from '../../src/connectors/aws/client.js';
import type { CollectResult } from '../../src/snapshot/types.js';
import { buildAccount, type FakeAwsAccount } from '../fakes/aws-dataset.js';
import { startFakeAws, type FakeAws, type FakeAwsOptions } from '../fakes/aws-iam-server.js';
import { useIsolatedAwsEnv } from '../fakes/aws-test-env.js';
import { queryError, queryResponse } from '../fakes/aws-xml.js';
import { expectCollectedExcept, expectGap } from './coverage-asserts.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from './fault-proxy.js';

const KEY = 'AKIAHARDENING0000001';
const SECRET = 'HARDENINGSECRETwJalrXUtnFEMIK7MDENGbPxR';
const MAIN = '111122223333';
const ATTEMPTS = 3;

const closers: Array<{ close(): Promise<void> }> = [];
const fakes: FakeAws[] = [];

const env = useIsolatedAwsEnv();
afterEach(async () => {
  for (const f of fakes.splice(0)) expect(f.refused).toEqual([]);
  for (const c of closers.splice(0)) await c.close();
  expect(env.blocked).toEqual([]);
});

const action = (name: string) => (r: { body: string }) => r.body.includes(`Action=${name}&`) || r.body.endsWith(`Action=${name}`);
const roleAnywhere = (r: { url: string }) => r.url.startsWith('/trustanchors');
/** Requests signed with the assumed-role key of one account (the fake names it ASIACANARY<account>). */
const signedFor = (account: string) => (r: { headers: Record<string, unknown> }) => String(r.headers.authorization ?? '').includes(`Credential=ASIACANARY${account}/`);

interface Run {
  result: CollectResult;
  proxy: FaultProxy;
  fake: FakeAws;
  account: FakeAwsAccount;
}

async function run(rules: FaultRule[], fakeOpts: Partial<FakeAwsOptions> = {}, opts: Partial<AwsCollectOptions> = {}): Promise<Run> {
  const account = buildAccount(MAIN, { users: 4, roles: 3, policies: 2 });
  const fake = await startFakeAws({ accounts: [account], credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, pageSize: 3, ...fakeOpts });
  closers.push(fake);
  fakes.push(fake);
  const proxy = await startFaultProxy(fake.url, rules);
  closers.push(proxy);
  const result = await collectAws({
    endpoint: proxy.url,
    credentials: { accessKeyId: KEY, secretAccessKey: SECRET },
    retryStrategy: new ConfiguredRetryStrategy(ATTEMPTS, () => 1),
    sleep: async () => {},
    credentialReportDelayMs: 0,
    requestTimeoutMs: 300,
    now: () => new Date('2026-11-28T09:00:00Z'),
    ...opts,
  });
  return { result, proxy, fake, account };
}

const details = (r: CollectResult, account = MAIN) => r.files[`aws/${account}/authorization-details.json`] as Record<string, Array<Record<string, unknown>>> | undefined;
const throttleXml = queryError('Throttling', 'Rate exceeded', 'req-proxy');
const serverXml = queryError('InternalFailure', 'internal failure', 'req-proxy');

describe('AWS collector under injected faults', () => {
  it('rides out a short 429 storm (with and without Retry-After) and reads everything', async () => {
    for (const headers of [{ 'Retry-After': '0' }, { 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' }, undefined]) {
      const { result, proxy } = await run([
        { match: action('GetAccountAuthorizationDetails'), fault: { kind: 'status', status: 429, headers: { 'content-type': 'text/xml', ...headers }, body: throttleXml }, times: ATTEMPTS - 1 },
      ]);
      expect(proxy.injected[0]).toBe(ATTEMPTS - 1);
      expect(details(result)?.UserDetailList).toHaveLength(4);
      expectCollectedExcept(result, []);
    }
  });

  it('turns a 429 storm that never ends into an error record for that capability only', async () => {
    const { result, proxy } = await run([
      { match: action('ListSAMLProviders'), fault: { kind: 'status', status: 429, headers: { 'content-type': 'text/xml', 'Retry-After': '0' }, body: throttleXml } },
    ]);
    expect(proxy.injected[0]).toBe(ATTEMPTS);
    expectGap(result, 'aws.federation', { status: 'error', reason: /ListSAMLProviders/ });
    expect(result.files[`aws/${MAIN}/saml-providers.json`]).toBeUndefined();
    // What was read of the same capability and of the others is kept.
    expect(result.files[`aws/${MAIN}/oidc-providers.json`]).toBeDefined();
    expect(details(result)?.RoleDetailList).toHaveLength(3);
    expectCollectedExcept(result, ['aws.federation']);
  });

  it('retries a 5xx burst and records a 5xx that persists', async () => {
    const burst = await run([{ match: action('GenerateCredentialReport'), fault: { kind: 'status', status: 500, headers: { 'content-type': 'text/xml' }, body: serverXml }, times: 1 }]);
    expect(burst.result.files[`aws/${MAIN}/credential-report.csv`]).toBe(burst.account.credentialReportCsv);
    expectCollectedExcept(burst.result, []);

    const stuck = await run([{ match: action('GenerateCredentialReport'), fault: { kind: 'status', status: 503, headers: { 'content-type': 'text/xml' }, body: serverXml } }]);
    expectGap(stuck.result, 'aws.credentialReport', { status: 'error', reason: /GenerateCredentialReport/ });
    expectCollectedExcept(stuck.result, ['aws.credentialReport']);
  });

  it('survives connection resets mid-response, and records resets that do not stop', async () => {
    const once = await run([{ match: action('GetAccountAuthorizationDetails'), fault: { kind: 'reset' }, after: 1, times: 1 }]);
    expect(once.proxy.injected[0]).toBe(1);
    expect(details(once.result)?.UserDetailList).toHaveLength(4);
    expectCollectedExcept(once.result, []);

    const always = await run([{ match: action('GetAccountAuthorizationDetails'), fault: { kind: 'reset' }, after: 1 }]);
    expectGap(always.result, 'aws.iam', { status: 'error' });
    // A half-read inventory is not passed off as the inventory.
    expect(details(always.result)).toBeUndefined();
    expect(always.result.files[`aws/${MAIN}/credential-report.csv`]).toBeDefined();
    expectCollectedExcept(always.result, ['aws.iam']);
  });

  it('times out a request that never answers (IAM and the older Roles Anywhere client)', async () => {
    const iam = await run([{ match: action('ListOpenIDConnectProviders'), fault: { kind: 'hang' } }]);
    expectGap(iam.result, 'aws.federation', { status: 'error', reason: /ListOpenIDConnectProviders/ });
    expectCollectedExcept(iam.result, ['aws.federation']);

    const anywhere = await run([{ match: roleAnywhere, fault: { kind: 'hang' } }]);
    expectGap(anywhere.result, 'aws.rolesAnywhere', { status: 'error' });
    expectCollectedExcept(anywhere.result, ['aws.rolesAnywhere']);
  });

  it('records truncated and malformed XML as errors instead of crashing', async () => {
    const truncated = await run([{ match: action('GetAccountAuthorizationDetails'), fault: { kind: 'truncate' }, after: 1 }]);
    expectGap(truncated.result, 'aws.iam', { status: 'error' });
    expect(details(truncated.result)).toBeUndefined();
    expectCollectedExcept(truncated.result, ['aws.iam']);

    const garbage = await run([{ match: action('ListSAMLProviders'), fault: { kind: 'body', body: '<ListSAMLProvidersResponse><ListSAMLProvidersResult><SAMLProviderList><member><Arn>x' } }]);
    expectGap(garbage.result, 'aws.federation', { status: 'error', reason: /ListSAMLProviders/ });
    expectCollectedExcept(garbage.result, ['aws.federation']);
  });

  it('stops on a repeating Marker (paging loop) with an error record', async () => {
    const { result, fake } = await run([], { repeatMarker: true, pageSize: 2 });
    expectGap(result, 'aws.iam', { status: 'error', reason: /Marker/ });
    expect(fake.counts['iam:GetAccountAuthorizationDetails']).toBeLessThanOrEqual(4);
    expectCollectedExcept(result, ['aws.iam']);
  });

  it('keeps every item of a page sequence with an empty page in the middle and duplicates across pages', async () => {
    let served = 0;
    const emptyPage = (body: string): string => {
      // The second page comes back empty, with a new Marker that the fake reads as the same offset.
      served++;
      if (served !== 2) return body;
      const marker = /<Marker>([^<]+)<\/Marker>/.exec(body)?.[1];
      const offset = marker ? Number(Buffer.from(decodeURIComponent(marker), 'base64').toString()) - 3 : 0;
      return queryResponse('GetAccountAuthorizationDetails', { IsTruncated: true, Marker: Buffer.from(`0${offset}`).toString('base64'), UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] }, 'req-empty');
    };
    const base = buildAccount(MAIN, { users: 4, roles: 3, policies: 2 });
    const account = { ...base, users: [...base.users, base.users[0]] };
    const { result } = await run([{ match: action('GetAccountAuthorizationDetails'), fault: { kind: 'rewrite', rewrite: emptyPage } }], { accounts: [account] });
    const users = details(result)?.UserDetailList ?? [];
    expect(users.map((u) => u.UserName)).toEqual([...base.users, base.users[0]].map((u) => u.UserName));
    expect(details(result)?.Policies).toHaveLength(2);
    expectCollectedExcept(result, []);
  });

  it('records an assumed-role session that expires mid-scan as an error of that account only', async () => {
    const other = '444455556666';
    const accounts = [buildAccount(MAIN), buildAccount(other)];
    const expired = queryError('ExpiredToken', 'The security token included in the request is expired', 'req-exp');
    const { result } = await run(
      [{ match: (r) => signedFor(other)(r) && action('GetAccountAuthorizationDetails')(r), fault: { kind: 'status', status: 403, headers: { 'content-type': 'text/xml' }, body: expired }, after: 1 }],
      { accounts, pageSize: 2 },
      { assumeRoleName: 'nhiscan-readonly', accounts: [MAIN, other] },
    );
    expectGap(result, 'aws.iam', { scope: other, status: 'error', reason: /ExpiredToken/ });
    expect(details(result, other)).toBeUndefined();
    expect(result.files[`aws/${other}/credential-report.csv`]).toBeDefined();
    expectCollectedExcept(result, [], MAIN);
  });

  it('records a 403 on one capability as missing-permission', async () => {
    const { result } = await run([], { deny: ['iam:GetCredentialReport'] });
    expectGap(result, 'aws.credentialReport', { status: 'missing-permission', reason: /GetCredentialReport/ });
    expectCollectedExcept(result, ['aws.credentialReport']);
  });

  it('collects the reachable accounts when one of many cannot be reached at all', async () => {
    const ids = ['111122223333', '222233334444', '333344445555', '444455556666'];
    const unreachable = ids[2];
    const { result } = await run(
      [{ match: signedFor(unreachable), fault: { kind: 'reset' } }],
      { accounts: ids.map((id) => buildAccount(id, { users: 1 })) },
      { assumeRoleName: 'nhiscan-readonly', accounts: ids, concurrency: 2 },
    );
    for (const cap of ['aws.iam', 'aws.credentialReport', 'aws.federation', 'aws.rolesAnywhere']) {
      expectGap(result, cap, { scope: unreachable, status: 'error' });
    }
    expect(Object.keys(result.files).some((f) => f.startsWith(`aws/${unreachable}/`))).toBe(false);
    for (const id of ids.filter((a) => a !== unreachable)) {
      expect(details(result, id)?.UserDetailList).toHaveLength(1);
      expectCollectedExcept(result, [], id);
    }
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });
});
