import { afterEach, describe, expect, it } from 'vitest';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { markerInXml } from '../../src/connectors/aws/authorization-details.js';
import { collectAws, type AwsCollectOptions } from '../../src/connectors/aws/client.js';
import type { CoverageRecord } from '../../src/snapshot/types.js';
import { authorizationItemCount, awsMinimumPlan, buildAccount, FAKE_ORG_ID, type FakeAwsAccount } from '../fakes/aws-dataset.js';
import { startFakeAws, type FakeAws, type FakeAwsOptions } from '../fakes/aws-iam-server.js';
import { useIsolatedAwsEnv } from '../fakes/aws-test-env.js';
import { allRules } from '../../rules/index.js';
import { mergeResults } from '../../src/cli/live.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { scanSnapshot } from '../../src/scan.js';

const CANARY_KEY = 'AKIACANARY0000000001';
const CANARY_SECRET = 'CANARYSECRETwJalrXUtnFEMIK7MDENGbPxRfiCY';
const MAIN = '111122223333';
const MAX_ATTEMPTS = 4;

let fakes: FakeAws[] = [];

const env = useIsolatedAwsEnv();
afterEach(async () => {
  for (const fake of fakes) {
    // The fake refuses anything outside docs/aws-readonly-policy.json; the collector must not ask.
    expect(fake.refused).toEqual([]);
    expect(fake.unsigned).toBe(0);
    await fake.close();
  }
  fakes = [];
  expect(env.blocked).toEqual([]);
});

interface Run {
  fake: FakeAws;
  result: Awaited<ReturnType<typeof collectAws>>;
  progress: string[];
  sleeps: number[];
}

async function run(fakeOptions: Partial<FakeAwsOptions> = {}, collect: Partial<AwsCollectOptions> = {}): Promise<Run> {
  const fake = await startFakeAws({
    accounts: [buildAccount(MAIN)],
    credentials: { accessKeyId: CANARY_KEY, secretAccessKey: CANARY_SECRET },
    ...fakeOptions,
  });
  fakes.push(fake);
  const progress: string[] = [];
  const sleeps: number[] = [];
  const result = await collectAws({
    endpoint: fake.url,
    credentials: { accessKeyId: CANARY_KEY, secretAccessKey: CANARY_SECRET },
    retryStrategy: new ConfiguredRetryStrategy(MAX_ATTEMPTS, () => 10),
    progress: (m) => progress.push(m),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => new Date('2026-11-28T09:00:00Z'),
    ...collect,
  });
  return { fake, result, progress, sleeps };
}

/** The CSV without one column (header and every row). */
function dropColumn(csv: string, column: string): string {
  const at = csv.split('\n')[0].split(',').indexOf(column);
  return csv
    .split('\n')
    .map((line) => (line === '' ? line : line.split(',').filter((_, i) => i !== at).join(',')))
    .join('\n');
}

const coverageOf = (coverage: CoverageRecord[], scope: string, capability: string): CoverageRecord | undefined =>
  coverage.find((c) => c.scope === scope && c.capability === capability);

const names = (list: unknown[], key: string): unknown[] => list.map((item) => (item as Record<string, unknown>)[key]);

/** What the CLI prints for a date, computed independently from the dataset's Date objects. */
const cliDate = (d: unknown): string => (d as Date).toISOString().replace(/\.000Z$/, '+00:00').replace(/\.(\d{3})Z$/, '.$1000+00:00');

describe('collectAws against the fake IAM', () => {
  it('merges every authorization-details page into one CLI-shaped object with decoded policies', async () => {
    const account = buildAccount(MAIN, { users: 5, groups: 2, roles: 4, policies: 3 });
    const { result, fake } = await run({ accounts: [account], pageSize: 4 });
    const details = result.files[`aws/${MAIN}/authorization-details.json`] as Record<string, unknown[]>;

    expect(Object.keys(details).sort()).toEqual(['GroupDetailList', 'Policies', 'RoleDetailList', 'UserDetailList']);
    expect(names(details.UserDetailList, 'UserName')).toEqual(names(account.users, 'UserName'));
    expect(names(details.GroupDetailList, 'GroupName')).toEqual(names(account.groups, 'GroupName'));
    expect(names(details.RoleDetailList, 'RoleName')).toEqual(names(account.roles, 'RoleName'));
    expect(names(details.Policies, 'Arn')).toEqual(names(account.policies, 'Arn'));
    expect(fake.counts['iam:GetAccountAuthorizationDetails']).toBe(Math.ceil(authorizationItemCount(account) / 4));
    expect(fake.maxItemsSeen.every((m) => m === '1000')).toBe(true);

    const user = details.UserDetailList[1] as Record<string, any>;
    expect(user.UserPolicyList[0].PolicyDocument).toEqual(account.users[1].UserPolicyList && (account.users[1].UserPolicyList as any[])[0].PolicyDocument);
    expect(user.UserPolicyList[0].PolicyDocument.Statement[0].Sid).toBe('pct%and&amp');
    expect(user.CreateDate).toBe(cliDate(account.users[1].CreateDate));
    expect(user.CreateDate).toMatch(/\.250000\+00:00$/);
    expect(user.Tags).toEqual([{ Key: 'team', Value: 'platform' }]);

    const role = details.RoleDetailList[0] as Record<string, any>;
    expect(role.AssumeRolePolicyDocument).toEqual(account.roles[0].AssumeRolePolicyDocument);
    expect(role.InstanceProfileList[0].Roles[0].AssumeRolePolicyDocument).toEqual(account.roles[0].AssumeRolePolicyDocument);
    expect(role.RoleLastUsed.LastUsedDate).toBe('2024-05-01T12:00:00+00:00');

    const policy = details.Policies[2] as Record<string, any>;
    expect(policy.PolicyVersionList.map((v: any) => v.Document)).toEqual((account.policies[2].PolicyVersionList as any[]).map((v) => v.Document));
    expect(policy.UpdateDate).toBe(cliDate(account.policies[2].UpdateDate));

    expect(result.files[`aws/${MAIN}/credential-report.csv`]).toBe(account.credentialReportCsv);
    expect(result.files[`aws/${MAIN}/oidc-providers.json`]).toEqual(
      account.oidcProviders.map((p) => ({ ...p, CreateDate: cliDate(p.CreateDate), Tags: [] })),
    );
    expect(result.files[`aws/${MAIN}/saml-providers.json`]).toEqual(
      account.samlProviders.map((p) => ({ Arn: p.Arn, CreateDate: cliDate(p.CreateDate), ValidUntil: cliDate(p.ValidUntil) })),
    );
    const anywhere = result.files[`aws/${MAIN}/rolesanywhere.json`] as { trustAnchors: any[]; profiles: any[] };
    expect(names(anywhere.trustAnchors, 'trustAnchorArn')).toEqual(names(account.trustAnchors, 'trustAnchorArn'));
    expect(anywhere.profiles[0].roleArns).toEqual(account.profiles[0].roleArns);
    expect(anywhere.profiles[0].createdAt).toBe(cliDate(new Date(account.profiles[0].createdAt as string)));

    expect(result.coverage.map((c) => `${c.capability}:${c.status}`)).toEqual([
      'aws.iam:collected',
      'aws.credentialReport:collected',
      'aws.federation:collected',
      'aws.rolesAnywhere:collected',
      'aws.roleSessions:collected',
      'aws.organization:collected',
    ]);
    expect(result.manifest).toEqual({ accounts: [{ accountId: MAIN }] });
  });

  it('sends exactly the minimum number of requests and counts them like the server does', async () => {
    const account = buildAccount(MAIN, { users: 7, groups: 1, roles: 3, policies: 2, oidcProviders: 3, samlProviders: 2 });
    const pageSize = 5;
    const inProgressPolls = 2;
    const { result, fake, sleeps } = await run({ accounts: [account], pageSize, credentialReport: { inProgressPolls }, latencyMs: 3 });

    const gaadPages = Math.ceil(authorizationItemCount(account) / pageSize);
    const rolesAnywhere = 2;
    const listRolesPages = Math.ceil(account.roles.length / pageSize);
    // The same formula the collection benchmark uses: caller identity, authorization-details
    // pages, report polls + COMPLETE + GetCredentialReport, OIDC list + one Get each + SAML list,
    // Roles Anywhere trust anchors + profiles, ListRoles pages, DescribeOrganization.
    const expected = awsMinimumPlan(account, { pageSize, reportInProgressPolls: inProgressPolls }).requests;
    expect(expected).toBe(1 + gaadPages + (inProgressPolls + 2) + (1 + account.oidcProviders.length + 1) + rolesAnywhere + listRolesPages + 1);

    expect(fake.totalRequests()).toBe(expected);
    expect(result.stats.requests).toBe(expected);
    expect(result.stats.retries).toBe(0);
    expect(result.stats.pages).toBe(gaadPages + 2 + rolesAnywhere + listRolesPages);
    expect(fake.counts['iam:GenerateCredentialReport']).toBe(inProgressPolls + 1);
    expect(sleeps).toHaveLength(inProgressPolls);
    expect(result.files[`aws/${MAIN}/credential-report.csv`]).toBe(account.credentialReportCsv);
  });

  it('requests the next authorization-details page from the raw Marker, but only uses it once the parse agrees', async () => {
    expect(markerInXml('<R><IsTruncated>true</IsTruncated><Marker>AB&amp;C&#43;/=</Marker></R>')).toBe('AB&C+/=');
    expect(markerInXml('<R><UserName>&lt;Marker&gt;x&lt;/Marker&gt;</UserName></R>')).toBeUndefined();

    const account = buildAccount(MAIN, { users: 9, groups: 2, roles: 5, policies: 3 });
    const pageSize = 4;
    const pages = Math.ceil(authorizationItemCount(account) / pageSize);
    const clean = await run({ accounts: [account], pageSize });
    // Every page has a decoy Marker in front of the real one. The decoy is asked for once (the
    // fake refuses it), never used, and not asked for again; the real pages are then read in turn.
    const decoyed = await run({ accounts: [account], pageSize, decoyMarker: 'bm90LWEtcmVhbC1tYXJrZXI=' });
    expect(clean.fake.counts['iam:GetAccountAuthorizationDetails']).toBe(pages);
    expect(decoyed.fake.counts['iam:GetAccountAuthorizationDetails']).toBe(pages + 1);
    expect(decoyed.result.files).toEqual(clean.result.files);
    expect(decoyed.result.coverage).toEqual(clean.result.coverage);
    expect(decoyed.result.stats.requests).toBe(clean.result.stats.requests + 1);
  });

  it('survives throttling on first attempts with the same files as an unthrottled run', async () => {
    const baseline = await run();
    const throttleFirst = {
      'iam:GetAccountAuthorizationDetails': 2,
      'iam:GenerateCredentialReport': 1,
      'iam:ListSAMLProviders': MAX_ATTEMPTS - 1,
      'rolesanywhere:ListTrustAnchors': 1,
      'sts:GetCallerIdentity': 1,
    };
    const throttled = await run({ throttleFirst });
    const extra = Object.values(throttleFirst).reduce((a, b) => a + b, 0);

    expect(throttled.result.files).toEqual(baseline.result.files);
    expect(throttled.result.coverage.every((c) => c.status === 'collected')).toBe(true);
    expect(throttled.result.stats.retries).toBe(extra);
    expect(throttled.result.stats.requests).toBe(baseline.result.stats.requests + extra);
    expect(throttled.fake.totalRequests()).toBe(throttled.result.stats.requests);
  });

  // GetAccountAuthorizationDetails does not return MaxSessionDuration; ListRoles does, paged.
  describe('ListRoles: the roles\' MaxSessionDuration (aws.roleSessions)', () => {
    it('reads every page into list-roles.json, each role with its duration', async () => {
      const account = buildAccount(MAIN, { roles: 5 });
      const { result, fake } = await run({ accounts: [account], listRolesPageSize: 2 });
      const file = result.files[`aws/${MAIN}/list-roles.json`] as { Roles: Array<Record<string, unknown>> };
      expect(file.Roles.map((r) => [r.RoleName, r.MaxSessionDuration])).toEqual(account.roles.map((r, i) => [r.RoleName, i % 2 === 1 ? 43200 : 3600]));
      // Only what the scan reads is kept: no trust policy a second time.
      expect(Object.keys(file.Roles[0]).sort()).toEqual(['Arn', 'MaxSessionDuration', 'RoleName']);
      expect(fake.counts['iam:ListRoles']).toBe(3);
      expect(coverageOf(result.coverage, MAIN, 'aws.roleSessions')).toEqual({ provider: 'aws', scope: MAIN, capability: 'aws.roleSessions', status: 'collected' });
    });

    it('a denied ListRoles is a missing-permission record for aws.roleSessions only, with no file', async () => {
      const { result } = await run({ deny: ['iam:ListRoles'] });
      expect(coverageOf(result.coverage, MAIN, 'aws.roleSessions')).toMatchObject({ status: 'missing-permission', reason: expect.stringContaining('ListRoles') });
      expect(coverageOf(result.coverage, MAIN, 'aws.roleSessions')?.reason).not.toContain(CANARY_KEY);
      expect(result.files[`aws/${MAIN}/list-roles.json`]).toBeUndefined();
      for (const cap of ['aws.iam', 'aws.credentialReport', 'aws.federation', 'aws.rolesAnywhere']) expect(coverageOf(result.coverage, MAIN, cap)?.status).toBe('collected');
    });

    it('retries a throttled page; throttling that never clears is an error record', async () => {
      const once = await run({ listRolesPageSize: 1, throttleFirst: { 'iam:ListRoles': 1 } });
      expect(coverageOf(once.result.coverage, MAIN, 'aws.roleSessions')?.status).toBe('collected');
      expect((once.result.files[`aws/${MAIN}/list-roles.json`] as { Roles: unknown[] }).Roles).toHaveLength(3);
      expect(once.fake.counts['iam:ListRoles']).toBe(4);
      const never = await run({ throttleFirst: { 'iam:ListRoles': 1000 } });
      expect(coverageOf(never.result.coverage, MAIN, 'aws.roleSessions')).toMatchObject({ status: 'error', reason: expect.stringContaining('ListRoles') });
      expect(never.result.files[`aws/${MAIN}/list-roles.json`]).toBeUndefined();
    });

    it('a repeated Marker or a page cap ends the read as an error, none of it kept', async () => {
      const loop = await run({ listRolesPageSize: 1, listRolesRepeatMarker: true });
      expect(coverageOf(loop.result.coverage, MAIN, 'aws.roleSessions')).toMatchObject({ status: 'error', reason: expect.stringMatching(/ListRoles repeated a Marker/) });
      expect(loop.result.files[`aws/${MAIN}/list-roles.json`]).toBeUndefined();
      // The first page served again in place of the second: that page's role was never read.
      const again = await run({ listRolesPageSize: 1, listRolesRepeatPage: true });
      expect(coverageOf(again.result.coverage, MAIN, 'aws.roleSessions')).toMatchObject({ status: 'error', reason: expect.stringMatching(/ListRoles returned a page it had already returned/) });
      expect(again.result.files[`aws/${MAIN}/list-roles.json`]).toBeUndefined();
      const capped = await run({ accounts: [buildAccount(MAIN, { users: 0, groups: 0, policies: 0, roles: 5 })], listRolesPageSize: 1 }, { maxPagesPerListing: 3 });
      expect(coverageOf(capped.result.coverage, MAIN, 'aws.roleSessions')).toMatchObject({ status: 'error', reason: expect.stringMatching(/ListRoles: stopped after 3 pages/) });
      expect(capped.fake.counts['iam:ListRoles']).toBe(3);
    });
  });

  it('turns throttling that never clears into an error record for that capability only', async () => {
    const { result, fake } = await run({ throttleFirst: { 'iam:ListOpenIDConnectProviders': 1000 } });
    const federation = coverageOf(result.coverage, MAIN, 'aws.federation');
    expect(federation?.status).toBe('error');
    expect(federation?.reason).toContain('ListOpenIDConnectProviders');
    expect(federation?.reason).toContain(`after ${MAX_ATTEMPTS} attempts`);
    expect(fake.counts['iam:ListOpenIDConnectProviders']).toBe(MAX_ATTEMPTS);
    expect(result.files[`aws/${MAIN}/oidc-providers.json`]).toBeUndefined();
    expect(result.files[`aws/${MAIN}/saml-providers.json`]).toBeDefined();
    expect(coverageOf(result.coverage, MAIN, 'aws.iam')?.status).toBe('collected');
  });

  it('reports AccessDenied on GenerateCredentialReport as missing-permission while IAM data is complete', async () => {
    const account = buildAccount(MAIN, { users: 4, roles: 2 });
    const { result, fake } = await run({ accounts: [account], deny: ['iam:GenerateCredentialReport'] });
    const report = coverageOf(result.coverage, MAIN, 'aws.credentialReport');
    expect(report?.status).toBe('missing-permission');
    expect(report?.reason).toContain('GenerateCredentialReport');
    expect(report?.reason).not.toContain(CANARY_KEY);
    expect(result.files[`aws/${MAIN}/credential-report.csv`]).toBeUndefined();
    expect(fake.counts['iam:GetCredentialReport']).toBeUndefined();

    const details = result.files[`aws/${MAIN}/authorization-details.json`] as Record<string, unknown[]>;
    expect(details.UserDetailList).toHaveLength(account.users.length);
    expect(details.RoleDetailList).toHaveLength(account.roles.length);
    expect(coverageOf(result.coverage, MAIN, 'aws.iam')?.status).toBe('collected');
  });

  it('waits through ReportNotPresent / ReportInProgress answers, and gives up after the poll bound', async () => {
    const ready = await run({ credentialReport: { inProgressPolls: 1, getErrorsAfterComplete: ['ReportNotPresent', 'ReportInProgress'] } });
    expect(ready.result.files[`aws/${MAIN}/credential-report.csv`]).toBe(buildAccount(MAIN).credentialReportCsv);
    expect(ready.fake.counts['iam:GenerateCredentialReport']).toBe(4);
    expect(ready.fake.counts['iam:GetCredentialReport']).toBe(3);
    expect(ready.sleeps).toHaveLength(3);

    const never = await run({ credentialReport: { neverReady: true } }, { credentialReportPolls: 3, credentialReportDelayMs: 7 });
    const record = coverageOf(never.result.coverage, MAIN, 'aws.credentialReport');
    expect(record?.status).toBe('error');
    expect(record?.reason).toContain('3 polls');
    expect(never.fake.counts['iam:GenerateCredentialReport']).toBe(3);
    expect(never.sleeps).toEqual([7, 7]);
    expect(never.result.files[`aws/${MAIN}/credential-report.csv`]).toBeUndefined();
  });

  it('records a page served again under a new Marker, in place of the next one, as an error, not as the whole inventory', async () => {
    // Nine items at two a page: the first page comes twice, the second (users 2 and group 0) never.
    const { result } = await run({ pageSize: 2, repeatPage: true });
    expect(coverageOf(result.coverage, MAIN, 'aws.iam')).toMatchObject({ status: 'error', reason: expect.stringContaining('GetAccountAuthorizationDetails returned a page it had already returned (page 2') });
    expect(result.files[`aws/${MAIN}/authorization-details.json`]).toBeUndefined();
    expect(coverageOf(result.coverage, MAIN, 'aws.credentialReport')?.status).toBe('collected');
  });

  it('stops on a repeating Marker with an error record instead of looping', async () => {
    const { result, fake } = await run({ pageSize: 2, repeatMarker: true });
    const iam = coverageOf(result.coverage, MAIN, 'aws.iam');
    expect(iam?.status).toBe('error');
    expect(iam?.reason).toMatch(/Marker/);
    expect(fake.counts['iam:GetAccountAuthorizationDetails']).toBe(3);
    expect(result.files[`aws/${MAIN}/authorization-details.json`]).toBeUndefined();
    expect(coverageOf(result.coverage, MAIN, 'aws.credentialReport')?.status).toBe('collected');
  });

  it('records a 200 answer without the result (empty body, foreign XML, JSON without the list) as an error, not as an empty inventory', async () => {
    const empty = await run({ rawOkBody: { 'iam:GetAccountAuthorizationDetails': '' } });
    expect(coverageOf(empty.result.coverage, MAIN, 'aws.iam')).toMatchObject({ status: 'error', reason: expect.stringContaining('GetAccountAuthorizationDetails') });
    expect(empty.result.files[`aws/${MAIN}/authorization-details.json`]).toBeUndefined();
    expect(coverageOf(empty.result.coverage, MAIN, 'aws.credentialReport')?.status).toBe('collected');

    const html = '<html><body>maintenance</body></html>';
    const federation = await run({ rawOkBody: { 'iam:ListOpenIDConnectProviders': html, 'iam:ListSAMLProviders': html } });
    expect(coverageOf(federation.result.coverage, MAIN, 'aws.federation')).toMatchObject({ status: 'error', reason: expect.stringContaining('ListSAMLProviders') });
    expect(federation.result.files[`aws/${MAIN}/oidc-providers.json`]).toBeUndefined();
    expect(federation.result.files[`aws/${MAIN}/saml-providers.json`]).toBeUndefined();

    const org = await run({ rawOkBody: { 'organizations:ListAccounts': '{}' } }, { assumeRoleName: 'nhiscan-readonly', accounts: 'all' });
    expect(org.result.coverage).toEqual([expect.objectContaining({ capability: 'aws.organizationAccounts', status: 'error' })]);

    // An account entry without its Id or a state: before, it was left out and the other accounts
    // scanned, one account of the organisation missing with nothing saying so.
    for (const entry of [{ Name: 'no-id', State: 'ACTIVE' }, { Id: 'not-an-id', State: 'ACTIVE' }, { Id: '444455556666', Name: 'no-state' }]) {
      const accounts = JSON.stringify({ Accounts: [{ Id: MAIN, State: 'ACTIVE', Status: 'ACTIVE' }, entry] });
      const partial = await run({ rawOkBody: { 'organizations:ListAccounts': accounts } }, { assumeRoleName: 'nhiscan-readonly', accounts: 'all' });
      expect(partial.result.coverage, JSON.stringify(entry)).toEqual([
        expect.objectContaining({ capability: 'aws.organizationAccounts', status: 'error', reason: expect.stringContaining('ListAccounts returned an account without a 12-digit Id or a State') }),
      ]);
    }
    // A suspended account is left out as before: it is listed, not malformed.
    const suspended = await run({ rawOkBody: { 'organizations:ListAccounts': JSON.stringify({ Accounts: [{ Id: MAIN, State: 'ACTIVE' }, { Id: '444455556666', Status: 'SUSPENDED' }] }) } }, { assumeRoleName: 'nhiscan-readonly', accounts: 'all' });
    expect(suspended.result.manifest.accounts).toEqual([{ accountId: MAIN }]);
  });

  it('records an OIDC provider read answered 200 without the provider (empty body) as an error, not as a provider that accepts no audience', async () => {
    // Parsed, an empty body is a provider with an empty ClientIDList: the trust code would then say
    // every web identity token is turned away today by the account's OIDC provider.
    const { result } = await run({ rawOkBody: { 'iam:GetOpenIDConnectProvider': '' } });
    expect(coverageOf(result.coverage, MAIN, 'aws.federation')).toMatchObject({ status: 'error', reason: expect.stringContaining('GetOpenIDConnectProvider answered without Url') });
    expect(result.files[`aws/${MAIN}/oidc-providers.json`]).toBeUndefined();
    expect(coverageOf(result.coverage, MAIN, 'aws.iam')?.status).toBe('collected');
  });

  // Before, the entry was left out and the federation read as collected: a role trusting the
  // provider it stood for then read as one no web identity token can pass.
  it('records a provider list with an entry without Arn as an error, not as one provider fewer', async () => {
    const arn = buildAccount(MAIN).oidcProviders[0].Arn;
    const xml = `<ListOpenIDConnectProvidersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListOpenIDConnectProvidersResult><OpenIDConnectProviderList><member><Arn>${arn}</Arn></member><member><Other>x</Other></member></OpenIDConnectProviderList></ListOpenIDConnectProvidersResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></ListOpenIDConnectProvidersResponse>`;
    const { result } = await run({ rawOkBody: { 'iam:ListOpenIDConnectProviders': xml } });
    expect(coverageOf(result.coverage, MAIN, 'aws.federation')).toMatchObject({ status: 'error', reason: expect.stringContaining('ListOpenIDConnectProviders answered with an entry without Arn') });
    expect(result.files[`aws/${MAIN}/oidc-providers.json`]).toBeUndefined();
    expect(coverageOf(result.coverage, MAIN, 'aws.iam')?.status).toBe('collected');
  });

  it('times out an answer whose headers arrive but whose body then stalls, like one that never answers', async () => {
    // The request timeout stops once headers arrive; without an inactivity timeout on the socket
    // the half-read body would be awaited forever. Vitest's timeout bounds the test.
    const { result, fake } = await run({ stallBody: ['iam:ListSAMLProviders', 'iam:GetAccountAuthorizationDetails'] }, { requestTimeoutMs: 300 });
    expect(coverageOf(result.coverage, MAIN, 'aws.federation')).toMatchObject({ status: 'error', reason: expect.stringMatching(/ListSAMLProviders: TimeoutError/) });
    expect(coverageOf(result.coverage, MAIN, 'aws.iam')).toMatchObject({ status: 'error', reason: expect.stringMatching(/GetAccountAuthorizationDetails: TimeoutError/) });
    // A stalled body is a transient failure: retried like a stalled request, then recorded.
    expect(fake.counts['iam:ListSAMLProviders']).toBe(MAX_ATTEMPTS);
    expect(result.files[`aws/${MAIN}/saml-providers.json`]).toBeUndefined();
    expect(result.files[`aws/${MAIN}/authorization-details.json`]).toBeUndefined();
    expect(coverageOf(result.coverage, MAIN, 'aws.credentialReport')?.status).toBe('collected');
  }, 20_000);

  it('stops reading an answer larger than the size cap, records the capability as an error and reads the rest', async () => {
    // 4 MiB against a 256 KiB cap, chunked with no Content-Length: only the bytes read can tell.
    const big = 4 * 1024 * 1024;
    const { result, fake } = await run({ oversizedBody: { 'iam:GetAccountAuthorizationDetails': big, 'rolesanywhere:ListTrustAnchors': big } }, { maxResponseBytes: 256 * 1024 });
    expect(coverageOf(result.coverage, MAIN, 'aws.iam')).toMatchObject({ status: 'error', reason: 'GetAccountAuthorizationDetails: ResponseTooLarge the answer is larger than 262144 bytes; not read' });
    // The older Roles Anywhere client is capped too.
    expect(coverageOf(result.coverage, MAIN, 'aws.rolesAnywhere')).toMatchObject({ status: 'error', reason: expect.stringMatching(/ListTrustAnchors: ResponseTooLarge the answer is larger than 262144 bytes/) });
    // Nothing of it is kept, it is not asked for again, and the connection is let go rather
    // than drained to the end.
    expect(result.files[`aws/${MAIN}/authorization-details.json`]).toBeUndefined();
    expect(fake.counts['iam:GetAccountAuthorizationDetails']).toBe(1);
    expect(fake.counts['rolesanywhere:ListTrustAnchors']).toBe(1);
    expect(fake.oversizedFinished()).toBe(0);
    expect(coverageOf(result.coverage, MAIN, 'aws.credentialReport')?.status).toBe('collected');
    expect(coverageOf(result.coverage, MAIN, 'aws.federation')?.status).toBe('collected');
  });

  it('stops authorization details whose full pages never end, each with a new Marker, after the page cap', async () => {
    // More items than the cap's pages hold: every page read is new (a page served again is caught
    // before the cap, see above).
    const { result, fake } = await run({ accounts: [buildAccount(MAIN, { users: 10 })], pageSize: 2, endlessPages: true }, { maxPagesPerListing: 7 });
    expect(coverageOf(result.coverage, MAIN, 'aws.iam')).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(/GetAccountAuthorizationDetails: stopped after 7 pages.*incomplete/),
    });
    // The pages read are not passed off as the whole inventory.
    expect(result.files[`aws/${MAIN}/authorization-details.json`]).toBeUndefined();
    // Pages are requested ahead of the parse, but never one past the cap.
    expect(fake.counts['iam:GetAccountAuthorizationDetails']).toBe(7);
    expect(coverageOf(result.coverage, MAIN, 'aws.credentialReport')?.status).toBe('collected');

    // The same cap holds for the SDK-paginated listings (Roles Anywhere, ListAccounts).
    const anywhere = await run({ endlessEmptyTokenPages: true, rolesAnywherePageSize: 1 }, { maxPagesPerListing: 3 });
    expect(coverageOf(anywhere.result.coverage, MAIN, 'aws.rolesAnywhere')).toMatchObject({ status: 'error', reason: expect.stringMatching(/ListTrustAnchors: stopped after 3 pages.*incomplete/) });
    expect(anywhere.fake.counts['rolesanywhere:ListTrustAnchors']).toBe(3);
    expect(anywhere.result.files[`aws/${MAIN}/rolesanywhere.json`]).toBeUndefined();
    const org = await run({ endlessEmptyTokenPages: true, orgPageSize: 1 }, { assumeRoleName: 'nhiscan-readonly', accounts: 'all', maxPagesPerListing: 3 });
    expect(org.result.coverage).toEqual([expect.objectContaining({ capability: 'aws.organizationAccounts', status: 'error', reason: expect.stringMatching(/ListAccounts: stopped after 3 pages.*incomplete/) })]);
  });

  it('records a credential report cut off mid-line as an error and keeps no file for it', async () => {
    const account = buildAccount(MAIN, { users: 4 });
    const lines = account.credentialReportCsv.split('\n');
    account.credentialReportCsv = `${lines.slice(0, 3).join('\n')}\n${lines[3].slice(0, 20)}`;
    const { result } = await run({ accounts: [account] });
    expect(coverageOf(result.coverage, MAIN, 'aws.credentialReport')).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(/GetCredentialReport returned a malformed report.*line 4/),
    });
    expect(result.files[`aws/${MAIN}/credential-report.csv`]).toBeUndefined();
    expect(coverageOf(result.coverage, MAIN, 'aws.iam')?.status).toBe('collected');

    // An unterminated quoted field is malformed too. A report with only its header is refused by
    // the scan (IAM writes a <root_account> row in every report), so it is an error as well; the
    // header and the root row alone are a report of an account without users.
    account.credentialReportCsv = `${lines[0]}\n"${lines[1]}`;
    const quoted = await run({ accounts: [account] });
    expect(coverageOf(quoted.result.coverage, MAIN, 'aws.credentialReport')).toMatchObject({ status: 'error', reason: expect.stringContaining('malformed') });
    account.credentialReportCsv = `${lines[0]}\n`;
    const headerOnly = await run({ accounts: [account] });
    expect(coverageOf(headerOnly.result.coverage, MAIN, 'aws.credentialReport')).toMatchObject({ status: 'error', reason: expect.stringContaining('no <root_account> row') });
    account.credentialReportCsv = `${lines[0]}\n${lines[1]}\n`;
    const rootOnly = await run({ accounts: [account] });
    expect(coverageOf(rootOnly.result.coverage, MAIN, 'aws.credentialReport')?.status).toBe('collected');
    expect(rootOnly.result.files[`aws/${MAIN}/credential-report.csv`]).toBe(`${lines[0]}\n${lines[1]}\n`);
  });

  // Well-formed CSV the scan still refuses: before, each was filed as collected and the live scan
  // then stopped whole (InputError, exit 2) on the first bad cell, every provider's report lost.
  it.each([
    ['a required column missing', (csv: string) => dropColumn(csv, 'mfa_active'), /line 1: missing column mfa_active/],
    ['a flag that is neither true nor false', (csv: string) => csv.replace(/,false,true,2024-01-02/, ',maybe,true,2024-01-02'), /line 3, column mfa_active: expected true or false\)/],
    ['a date it cannot read', (csv: string) => csv.replace(/2024-06-01T00:00:00\+00:00/, 'last tuesday'), /line 3, column access_key_1_last_used_date: expected a date \(or N\/A\)\)/],
    ['no <root_account> row', (csv: string) => csv.split('\n').filter((l) => !l.startsWith('<root_account>')).join('\n'), /no <root_account> row/],
    ['a row of another account', (csv: string) => csv.replace(`iam::${MAIN}:user/`, 'iam::444455556666:user/'), /line 3, column arn: expected an IAM ARN of account 111122223333\)/],
    ['an HTML page', () => '<html>\n<body>maintenance</body>\n</html>\n', /line 1: missing column user/],
  ])('records a credential report with %s as an error the scan reads past, and keeps no file for it', async (_name, corrupt, reason) => {
    const account = buildAccount(MAIN, { users: 3 });
    account.credentialReportCsv = corrupt(account.credentialReportCsv);
    const { result } = await run({ accounts: [account] });
    const record = coverageOf(result.coverage, MAIN, 'aws.credentialReport');
    expect(record).toMatchObject({ status: 'error', reason: expect.stringMatching(/^GetCredentialReport returned a report the scan cannot read/) });
    expect(record?.reason).toMatch(reason);
    // The reason names the place, never a cell's value.
    expect(record?.reason).not.toMatch(/maybe|tuesday|maintenance/);
    expect(result.files[`aws/${MAIN}/credential-report.csv`]).toBeUndefined();
    expect(coverageOf(result.coverage, MAIN, 'aws.iam')?.status).toBe('collected');
    // The scan of the collection runs: the rules that need the report answer unknown.
    const scanned = scanSnapshot(mergeResults([result], new Date('2026-11-28T09:00:00Z')), { now: new Date('2026-11-28T09:00:00Z'), config: DEFAULT_CONFIG, rules: allRules, version: 'test' });
    expect(scanned.report.coverage).toContainEqual(expect.objectContaining({ provider: 'aws', scope: MAIN, capability: 'aws.credentialReport', status: 'error' }));
  });

  // An entry the scan's parser refuses: before, the pages were filed as collected and the live
  // scan then stopped whole on it (InputError, exit 2), every provider's report lost. Pages of
  // three: users 0-2, then group 0 and roles 0-1, then role 2 and the two policies.
  it.each([
    ['a role without its Arn', (a: FakeAwsAccount) => delete a.roles[1].Arn, 'page 2, RoleDetailList[1].Arn: expected a non-empty string (IAM always returns the ARN)', 'role-1'],
    ['a user with an empty UserName', (a: FakeAwsAccount) => (a.users[2].UserName = ''), 'page 1, UserDetailList[2].UserName: expected a non-empty string (IAM always returns the UserName)', 'svc-user-2'],
    ['a group without its GroupName', (a: FakeAwsAccount) => delete a.groups[0].GroupName, 'page 2, GroupDetailList[0].GroupName: expected a non-empty string (IAM always returns the GroupName)', 'group-0'],
    ['a role without its RoleName, on the last page', (a: FakeAwsAccount) => delete a.roles[2].RoleName, 'page 3, RoleDetailList[0].RoleName: expected a non-empty string (IAM always returns the RoleName)', 'role-2'],
  ])('records authorization details with %s as an error the scan reads past, and keeps no file for them', async (_name, corrupt, where, value) => {
    const account = buildAccount(MAIN);
    corrupt(account);
    const { result } = await run({ accounts: [account], pageSize: 3 });
    const record = coverageOf(result.coverage, MAIN, 'aws.iam');
    expect(record).toMatchObject({ status: 'error', reason: `GetAccountAuthorizationDetails returned an entry the scan cannot read (${where}); the inventory would be incomplete without it, so none of it is used` });
    // The reason names the place, never a value of the entry.
    expect(record?.reason).not.toContain(value);
    expect(result.files[`aws/${MAIN}/authorization-details.json`]).toBeUndefined();
    expect(coverageOf(result.coverage, MAIN, 'aws.credentialReport')?.status).toBe('collected');
    // The scan of the collection runs: what needs the IAM inventory answers unknown.
    const scanned = scanSnapshot(mergeResults([result], new Date('2026-11-28T09:00:00Z')), { now: new Date('2026-11-28T09:00:00Z'), config: DEFAULT_CONFIG, rules: allRules, version: 'test' });
    expect(scanned.report.coverage).toContainEqual(expect.objectContaining({ provider: 'aws', scope: MAIN, capability: 'aws.iam', status: 'error' }));
  });

  // The scan refuses authorization details whose ARNs name another account than the folder's
  // (exit 2 before); it takes the account from the first ARN, and only warns about later ones.
  it('records authorization details of another account as an error the scan reads past', async () => {
    const OTHER = '444455556666';
    const account = buildAccount(MAIN);
    for (const p of account.policies) p.Arn = (p.Arn as string).replace(MAIN, OTHER);
    const { result } = await run({ accounts: [account] });
    expect(coverageOf(result.coverage, MAIN, 'aws.iam')).toMatchObject({ status: 'error', reason: `GetAccountAuthorizationDetails returned ARNs of account ${OTHER}, not of ${MAIN}; not used` });
    expect(result.files[`aws/${MAIN}/authorization-details.json`]).toBeUndefined();
    const scan = (r: typeof result) => scanSnapshot(mergeResults([r], new Date('2026-11-28T09:00:00Z')), { now: new Date('2026-11-28T09:00:00Z'), config: DEFAULT_CONFIG, rules: allRules, version: 'test' });
    expect(scan(result).report.coverage).toContainEqual(expect.objectContaining({ provider: 'aws', scope: MAIN, capability: 'aws.iam', status: 'error' }));

    // Near miss: the first ARN names the account read and a later one another: the scan reads
    // the file (with a warning), so it is collected.
    const mixed = buildAccount(MAIN);
    mixed.roles[2].Arn = (mixed.roles[2].Arn as string).replace(MAIN, OTHER);
    const near = await run({ accounts: [mixed] });
    expect(coverageOf(near.result.coverage, MAIN, 'aws.iam')?.status).toBe('collected');
    expect(scan(near.result).report.coverage).toContainEqual(expect.objectContaining({ provider: 'aws', scope: MAIN, capability: 'aws.iam', status: 'collected' }));
  });

  it('records IsTruncated=true without a Marker as an error instead of a silently short inventory', async () => {
    const { result, fake } = await run({ pageSize: 2, truncatedWithoutMarker: true });
    expect(coverageOf(result.coverage, MAIN, 'aws.iam')).toMatchObject({ status: 'error', reason: expect.stringContaining('IsTruncated=true without a Marker') });
    expect(fake.counts['iam:GetAccountAuthorizationDetails']).toBe(2);
    expect(result.files[`aws/${MAIN}/authorization-details.json`]).toBeUndefined();
  });

  it('stops authorization details that keep coming as empty pages, each with a new Marker', async () => {
    const { result, fake } = await run({ pageSize: 50, endlessEmptyPages: true });
    expect(coverageOf(result.coverage, MAIN, 'aws.iam')).toMatchObject({ status: 'error', reason: expect.stringContaining('empty pages in a row') });
    expect(result.files[`aws/${MAIN}/authorization-details.json`]).toBeUndefined();
    expect(fake.counts['iam:GetAccountAuthorizationDetails']).toBeLessThanOrEqual(105);
  }, 20_000);

  it('stops ListAccounts and ListTrustAnchors that keep coming as empty pages, each with a new token', async () => {
    const anywhere = await run({ endlessEmptyTokenPages: true, rolesAnywherePageSize: 5 });
    expect(coverageOf(anywhere.result.coverage, MAIN, 'aws.rolesAnywhere')).toMatchObject({ status: 'error', reason: expect.stringContaining('empty pages in a row') });
    expect(anywhere.fake.counts['rolesanywhere:ListTrustAnchors']).toBeLessThanOrEqual(105);

    const org = await run({ endlessEmptyTokenPages: true, orgPageSize: 2 }, { assumeRoleName: 'nhiscan-readonly', accounts: 'all' });
    expect(org.result.coverage).toEqual([expect.objectContaining({ capability: 'aws.organizationAccounts', status: 'error', reason: expect.stringContaining('empty pages in a row') })]);
  }, 30_000);

  it('records a Roles Anywhere failure as a coverage gap and keeps the rest', async () => {
    const { result } = await run({ deny: ['rolesanywhere:ListTrustAnchors'] });
    expect(coverageOf(result.coverage, MAIN, 'aws.rolesAnywhere')?.status).toBe('missing-permission');
    expect(result.files[`aws/${MAIN}/rolesanywhere.json`]).toBeUndefined();
    expect(result.files[`aws/${MAIN}/authorization-details.json`]).toBeDefined();
  });

  it("reads each account's organisation with that account's credentials, in the wire format Organizations answers", async () => {
    const [a, b, c] = ['111122223333', '444455556666', '777788889999'];
    const accounts = [buildAccount(a), { ...buildAccount(b), organizationId: 'o-second00001' }, { ...buildAccount(c), organizationId: null }];
    const { result, fake } = await run({ accounts }, { assumeRoleName: 'nhiscan-readonly', accounts: [a, b, c] });
    // The management account of each organisation is its first account; the e-mail address is not kept.
    expect(result.files[`aws/${a}/organization.json`]).toEqual({ Organization: { Id: FAKE_ORG_ID, Arn: `arn:aws:organizations::${a}:organization/${FAKE_ORG_ID}`, MasterAccountId: a } });
    expect(result.files[`aws/${b}/organization.json`]).toEqual({ Organization: { Id: 'o-second00001', Arn: `arn:aws:organizations::${b}:organization/o-second00001`, MasterAccountId: b } });
    // AWSOrganizationsNotInUseException: a fact, "in no organisation", not a failure.
    expect(result.files[`aws/${c}/organization.json`]).toEqual({ Organization: null });
    for (const id of [a, b, c]) expect(coverageOf(result.coverage, id, 'aws.organization')).toEqual({ provider: 'aws', scope: id, capability: 'aws.organization', status: 'collected' });
    expect(fake.counts['organizations:DescribeOrganization']).toBe(3);
  });

  it('with every account of the organisation, asks for the organisation once, with the caller\'s credentials, and files it for each account', async () => {
    const ids = ['111122223333', '444455556666', '777788889999'];
    const { result, fake } = await run({ accounts: ids.map((id) => buildAccount(id, { users: 1 })) }, { assumeRoleName: 'nhiscan-readonly', accounts: 'all' });
    expect(fake.counts['organizations:DescribeOrganization']).toBe(1);
    const organization = { Organization: { Id: FAKE_ORG_ID, Arn: `arn:aws:organizations::${ids[0]}:organization/${FAKE_ORG_ID}`, MasterAccountId: ids[0] } };
    for (const id of ids) {
      expect(result.files[`aws/${id}/organization.json`]).toEqual(organization);
      expect(coverageOf(result.coverage, id, 'aws.organization')).toEqual({ provider: 'aws', scope: id, capability: 'aws.organization', status: 'collected' });
    }
  });

  it('with every account, asks in each account when the caller may not read the organisation', async () => {
    const ids = ['111122223333', '444455556666', '777788889999'];
    const { result, fake } = await run(
      { accounts: ids.map((id) => buildAccount(id, { users: 1 })), denyUnassumed: ['organizations:DescribeOrganization'] },
      { assumeRoleName: 'nhiscan-readonly', accounts: 'all' },
    );
    // The caller's refused call, then one per account with the scan role.
    expect(fake.counts['organizations:DescribeOrganization']).toBe(4);
    for (const id of ids) {
      expect((result.files[`aws/${id}/organization.json`] as { Organization: { Id: string } }).Organization.Id).toBe(FAKE_ORG_ID);
      expect(coverageOf(result.coverage, id, 'aws.organization')?.status).toBe('collected');
    }
    expect(result.coverage.filter((c) => c.status !== 'collected')).toEqual([]);
  });

  it('records a denied DescribeOrganization as missing-permission, keeps no organisation file, and reads the rest', async () => {
    const { result, progress } = await run({ deny: ['organizations:DescribeOrganization'] });
    const record = coverageOf(result.coverage, MAIN, 'aws.organization');
    expect(record).toMatchObject({ status: 'missing-permission', reason: expect.stringMatching(/^DescribeOrganization: AccessDeniedException \(HTTP 403\)/) });
    // The fake echoes the key id; the record must not.
    expect(record!.reason).not.toContain(CANARY_KEY);
    expect(result.files[`aws/${MAIN}/organization.json`]).toBeUndefined();
    expect(progress).toContain(`aws ${MAIN}: aws.organization missing-permission`);
    expect(result.coverage.filter((c) => c.status !== 'collected').map((c) => c.capability)).toEqual(['aws.organization']);
  });

  it('records an answer without an organisation id as an error, not as "in no organisation"', async () => {
    const { result } = await run({ rawOkBody: { 'organizations:DescribeOrganization': '{}' } });
    expect(coverageOf(result.coverage, MAIN, 'aws.organization')).toMatchObject({ status: 'error', reason: 'DescribeOrganization answered without a valid organisation id' });
    expect(result.files[`aws/${MAIN}/organization.json`]).toBeUndefined();
  });

  it('collects the other accounts when AssumeRole into one is denied', async () => {
    const [a, b, c] = ['111122223333', '444455556666', '777788889999'];
    const accounts = [buildAccount(a, { users: 1 }), buildAccount(b, { users: 2 }), buildAccount(c, { users: 3 })];
    const { result, fake } = await run(
      { accounts, denyAssumeRoleInto: [b] },
      { assumeRoleName: 'nhiscan-readonly', accounts: [c, b, a], concurrency: 2 },
    );
    expect(fake.counts['sts:AssumeRole']).toBe(3);
    expect(coverageOf(result.coverage, b, 'aws.account')?.status).toBe('missing-permission');
    expect(coverageOf(result.coverage, b, 'aws.iam')?.status).toBe('not-collected');
    expect(Object.keys(result.files).filter((f) => f.startsWith(`aws/${b}/`))).toEqual([]);
    for (const [id, users] of [[a, 1], [c, 3]] as const) {
      const details = result.files[`aws/${id}/authorization-details.json`] as { UserDetailList: Array<{ Arn: string }> };
      // Each account's data came from that account's assumed credentials.
      expect(details.UserDetailList).toHaveLength(users);
      expect(details.UserDetailList.every((u) => u.Arn.startsWith(`arn:aws:iam::${id}:`))).toBe(true);
      expect(coverageOf(result.coverage, id, 'aws.iam')?.status).toBe('collected');
    }
    expect(result.manifest).toEqual({ accounts: [{ accountId: c }, { accountId: a }] });
    expect(result.stats.accounts).toBe(2);
  });

  it('scans every ACTIVE account of the organization across ListAccounts pages', async () => {
    const ids = ['111122223333', '222233334444', '333344445555', '444455556666', '555566667777'];
    const accounts: FakeAwsAccount[] = ids.map((id) => buildAccount(id, { users: 1 }));
    accounts[3].state = 'SUSPENDED';
    const { result, fake } = await run({ accounts, orgPageSize: 2 }, { assumeRoleName: 'nhiscan-readonly', accounts: 'all' });
    expect(fake.counts['organizations:ListAccounts']).toBe(3);
    expect(fake.counts['sts:AssumeRole']).toBe(4);
    expect((result.manifest.accounts as Array<{ accountId: string }>).map((a) => a.accountId)).toEqual(ids.filter((id) => id !== ids[3]));
    expect((result.manifest.accounts as Array<{ name?: string }>)[0].name).toBe(accounts[0].name);
    expect(Object.keys(result.files).some((f) => f.startsWith(`aws/${ids[3]}/`))).toBe(false);
  });

  it('records a denied ListAccounts instead of scanning nothing silently', async () => {
    const { result } = await run({ deny: ['organizations:ListAccounts'] }, { assumeRoleName: 'nhiscan-readonly', accounts: 'all' });
    expect(result.files).toEqual({});
    expect(result.coverage).toEqual([expect.objectContaining({ capability: 'aws.organizationAccounts', status: 'missing-permission' })]);
  });

  it('records invalid credentials as an account error rather than throwing', async () => {
    const { result } = await run({}, { credentials: { accessKeyId: 'AKIAUNKNOWNKEY000001', secretAccessKey: 'not-the-right-secret' } });
    expect(result.files).toEqual({});
    expect(result.coverage).toEqual([expect.objectContaining({ scope: 'caller', capability: 'aws.account', status: 'error' })]);
    expect(result.coverage[0].reason).toContain('InvalidClientTokenId');
    expect(result.coverage[0].reason).not.toContain('AKIAUNKNOWNKEY000001');
  });

  it('never writes a key id, secret or session token into the result or progress', async () => {
    const accounts = [buildAccount('111122223333'), buildAccount('444455556666'), buildAccount('777788889999')];
    const { result, progress } = await run(
      { accounts, denyAssumeRoleInto: ['444455556666'], deny: ['iam:GenerateCredentialReport', 'iam:ListSAMLProviders'] },
      { assumeRoleName: 'nhiscan-readonly', accounts: 'all' },
    );
    // The fake echoes the (assumed) key id in its AccessDenied messages; it must not survive.
    expect(coverageOf(result.coverage, '777788889999', 'aws.credentialReport')?.reason).toContain('[redacted-key-id]');
    const serialized = JSON.stringify(result) + progress.join('\n');
    expect(serialized).not.toMatch(/CANARY/);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('redacts the secret and session token of credentials that come from a provider (the default chain) too', async () => {
    const session = 'CANARYSESSIONfromTheDefaultChain000001';
    const { result, progress } = await run(
      { signatureMismatch: ['iam:ListSAMLProviders'] },
      { credentials: async () => ({ accessKeyId: CANARY_KEY, secretAccessKey: CANARY_SECRET, sessionToken: session }) },
    );
    const federation = coverageOf(result.coverage, MAIN, 'aws.federation');
    expect(federation?.reason).toContain('SignatureDoesNotMatch');
    expect(federation?.reason).toContain('x-amz-security-token:[redacted]');
    expect(JSON.stringify(result) + progress.join('\n')).not.toMatch(/CANARY/);
    expect(coverageOf(result.coverage, MAIN, 'aws.iam')?.status).toBe('collected');
  });

  it('rejects contradictory options before any request', async () => {
    await expect(collectAws({ accounts: ['111122223333'] })).rejects.toThrow(TypeError);
    await expect(collectAws({ assumeRoleName: 'r', accounts: ['12345'] })).rejects.toThrow(/12-digit/);
  });
});

describe('the fake IAM server', () => {
  it('refuses actions outside the read-only policy and unsigned requests', async () => {
    const fake = await startFakeAws({ accounts: [buildAccount(MAIN)], credentials: { accessKeyId: CANARY_KEY, secretAccessKey: CANARY_SECRET } });
    const iam = new IAMClient({ endpoint: fake.url, region: 'us-east-1', credentials: { accessKeyId: CANARY_KEY, secretAccessKey: CANARY_SECRET }, maxAttempts: 1 });
    await expect(iam.send(new ListUsersCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(fake.refused).toEqual(['iam:ListUsers']);
    iam.destroy();

    const response = await fetch(fake.url, { method: 'POST', body: 'Action=GetAccountAuthorizationDetails&Version=2010-05-08' });
    expect(response.status).toBe(403);
    expect(fake.unsigned).toBe(1);
    await fake.close();
  });
});
