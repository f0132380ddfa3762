import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAws } from '../../src/doctor/aws.js';
import { checkEntra } from '../../src/doctor/entra.js';
import { checkOkta } from '../../src/doctor/okta.js';
import { doctorExitCode, renderDoctor } from '../../src/doctor/render.js';
import { DOCTOR_CHECK_BUDGET_MS, DOCTOR_WAIT_BUDGET_MS, type ProviderReport } from '../../src/doctor/types.js';
import { buildAccount } from '../fakes/aws-dataset.js';
import { startFakeAws } from '../fakes/aws-iam-server.js';
import { useIsolatedAwsEnv } from '../fakes/aws-test-env.js';
import { makeEntraDataset } from '../fakes/entra-dataset.js';
import { ENTRA_SHORT_VERSION } from '../fakes/entra-permissions.js';
import { startEntraFake } from '../fakes/entra-server.js';
import { VirtualClock } from '../fakes/okta-clock.js';
import { sampleOrg } from '../fakes/okta-dataset.js';
import { startOktaFake } from '../fakes/okta-server.js';
import { oktaSandbox } from './okta-sandbox.js';

// Each throttled request waits at most DOCTOR_WAIT_BUDGET_MS, and one provider's check at most
// DOCTOR_CHECK_BUDGET_MS in all: past it, what is left is not sent and shows THROTTLED ("not
// checked"), never OK. Waits go through injected clocks and sleeps: the tests count requests and
// the milliseconds asked for, not wall time.
const status = (r: ProviderReport) => Object.fromEntries(r.checks.map((c) => [c.name, c.status]));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

it('the overall budget is a few requests\' worth, more than one request may wait', () => {
  expect(DOCTOR_CHECK_BUDGET_MS).toBeGreaterThan(DOCTOR_WAIT_BUDGET_MS);
});

describe('Okta: probes go one after another', () => {
  let sandbox: { restore(): void };
  beforeAll(() => {
    sandbox = oktaSandbox();
  });
  afterAll(() => sandbox.restore());

  // Everything but the two lists the per-object probes start from is limited throughout.
  const LIMITED = [
    '/api/v1/groups',
    '/api/v1/api-tokens',
    '/api/v1/meta/types/user',
    '/api/v1/apps/{id}/credentials/jwks',
    '/api/v1/apps/{id}/grants',
    '/api/v1/apps/{id}/users',
    '/api/v1/apps/{id}/groups',
    '/oauth2/v1/clients/{id}/roles',
    '/api/v1/users/{id}/roles',
    '/api/v1/users/{id}/factors',
    '/api/v1/authorizationServers',
  ];

  it('a check limited throughout stops waiting at the overall budget; what is left is not sent and is THROTTLED', async () => {
    const clock = new VirtualClock();
    const fake = await startOktaFake({ dataset: sampleOrg(), apiToken: 'doctor-ssws-budget', now: clock.now, responseDelayMs: 0, inject429: LIMITED.map((template) => ({ template, times: 1000, resetAfterMs: 2000 })) });
    try {
      const report = await checkOkta({ orgUrl: fake.url, auth: { kind: 'ssws', token: 'doctor-ssws-budget' }, clock });
      const reads = (t: string) => fake.state.requests.filter((q) => q.template === t).length;
      expect(status(report)['okta.apps']).toBe('ok');
      expect(status(report)['okta.users']).toBe('ok');
      expect(clock.slept).toBeLessThanOrEqual(DOCTOR_CHECK_BUDGET_MS);
      const limited = report.checks.filter((c) => c.name !== 'okta.apps' && c.name !== 'okta.users');
      // Nothing limited is OK, skipped or an error: each was limited, or not checked for the budget.
      expect(limited.map((c) => c.status)).toEqual(limited.map(() => 'throttled'));
      const notChecked = limited.filter((c) => /not checked/.test(c.detail ?? ''));
      const tried = limited.filter((c) => !/not checked/.test(c.detail ?? ''));
      // Each limited probe waits for one reset (3 s: two seconds rounded up, and the padding) and is
      // limited again: five of them spend the 15 s, and the other five are ended before any request.
      expect(clock.slept).toBe(DOCTOR_CHECK_BUDGET_MS);
      expect(tried.map((c) => c.name)).toEqual(['okta.groups', 'okta.apiTokens', 'okta.userTypes', 'okta.appCredentials', 'okta.appGrants']);
      expect(notChecked.map((c) => c.name)).toEqual(['okta.appAssignments', 'okta.clientRoles', 'okta.adminRoles', 'okta.factors', 'okta.authorizationServers']);
      expect(fake.state.requests).toHaveLength(2 + 5 * 2);
      for (const c of notChecked) expect(c.detail).toMatch(/not checked: doctor waited its \d+ s for this provider.*run doctor again later/);
      // The probes run in PROBES order: the ones not checked come last, and sent nothing.
      expect(limited.slice(tried.length).every((c) => notChecked.includes(c))).toBe(true);
      const byCapability: Record<string, string[]> = {
        'okta.groups': ['/api/v1/groups'],
        'okta.apiTokens': ['/api/v1/api-tokens'],
        'okta.userTypes': ['/api/v1/meta/types/user'],
        'okta.appCredentials': ['/api/v1/apps/{id}/credentials/jwks'],
        'okta.appGrants': ['/api/v1/apps/{id}/grants'],
        'okta.appAssignments': ['/api/v1/apps/{id}/users', '/api/v1/apps/{id}/groups'],
        'okta.clientRoles': ['/oauth2/v1/clients/{id}/roles'],
        'okta.adminRoles': ['/api/v1/users/{id}/roles'],
        'okta.factors': ['/api/v1/users/{id}/factors'],
      };
      for (const c of notChecked) for (const t of byCapability[c.name] ?? []) expect(reads(t)).toBe(0);
      for (const c of tried) expect(reads(byCapability[c.name]![0]!)).toBeGreaterThan(0);
      expect(doctorExitCode([report])).toBe(3);
      const out = renderDoctor([report]);
      expect(out).toMatch(/THROTTLED okta\.factors\s+not checked/);
      expect(out).not.toMatch(/All checks passed/);
    } finally {
      await fake.close();
    }
  });
});

describe('AWS', () => {
  const env = useIsolatedAwsEnv();
  const KEY = 'AKIADOCTOR0000000007';
  const SECRET = 'doctor-aws-secret-0000000000000000007';
  const CAPABILITIES = ['aws.iam', 'aws.credentialReport', 'aws.federation', 'aws.rolesAnywhere', 'aws.roleSessions', 'aws.organization'];

  it('three steps in a row that each wait their 5 s spend the budget: the capabilities are not read, THROTTLED, not OK', async () => {
    // With random 0.5 the ninth throttle of a call ends its 5 s exactly (12 + 25 + ... + 1600 +
    // 1813), and its tenth request passes.
    const fake = await startFakeAws({
      accounts: [buildAccount('111122223333'), buildAccount('222233334444')],
      credentials: { accessKeyId: KEY, secretAccessKey: SECRET },
      throttleFirst: { 'sts:GetCallerIdentity': 9, 'organizations:ListAccounts': 9, 'sts:AssumeRole': 9 },
    });
    const sleeps: number[] = [];
    try {
      const report = await checkAws({
        endpoint: fake.url,
        credentials: { accessKeyId: KEY, secretAccessKey: SECRET },
        assumeRoleName: 'nhiscan-readonly',
        accounts: 'all',
        sleep: async (ms) => void sleeps.push(ms),
        random: () => 0.5,
      });
      expect(report.credential.status).toBe('ok');
      expect(status(report)).toEqual({
        'aws.organizationAccounts': 'ok',
        'aws.account': 'ok',
        'aws.iam': 'throttled',
        'aws.credentialReport': 'throttled',
        'aws.federation': 'throttled',
        'aws.rolesAnywhere': 'throttled',
        'aws.roleSessions': 'throttled',
        'aws.organization': 'throttled',
      });
      expect(sum(sleeps)).toBe(3 * DOCTOR_WAIT_BUDGET_MS);
      expect(sum(sleeps)).toBeLessThanOrEqual(DOCTOR_CHECK_BUDGET_MS);
      for (const name of CAPABILITIES) expect(report.checks.find((c) => c.name === name)?.detail).toMatch(/not checked/);
      // Not one capability read was sent.
      expect(Object.keys(fake.counts).filter((p) => (p.startsWith('iam:') || p.startsWith('rolesanywhere:') || p === 'organizations:DescribeOrganization') && fake.counts[p]! > 0)).toEqual([]);
      expect(doctorExitCode([report])).toBe(3);
      expect(env.blocked).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('capabilities limited throughout share the budget: waits in all within it, every one THROTTLED', async () => {
    const fake = await startFakeAws({
      accounts: [buildAccount('111122223333')],
      credentials: { accessKeyId: KEY, secretAccessKey: SECRET },
      throttleFirst: { 'iam:GetAccountAuthorizationDetails': 1000, 'iam:GenerateCredentialReport': 1000, 'iam:ListOpenIDConnectProviders': 1000, 'rolesanywhere:ListTrustAnchors': 1000, 'iam:ListRoles': 1000 },
    });
    const sleeps: number[] = [];
    try {
      const report = await checkAws({ endpoint: fake.url, credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 });
      // DescribeOrganization is not limited: sent with the others, before the budget ran out.
      expect(status(report)).toEqual({ 'aws.iam': 'throttled', 'aws.credentialReport': 'throttled', 'aws.federation': 'throttled', 'aws.rolesAnywhere': 'throttled', 'aws.roleSessions': 'throttled', 'aws.organization': 'ok' });
      // Five calls of 5 s each would be 25 s; the budget ends them together.
      expect(sum(sleeps)).toBe(DOCTOR_CHECK_BUDGET_MS);
      // Every wait was followed by a retry, and each call made one last attempt that was not retried.
      const sent = ['iam:GetAccountAuthorizationDetails', 'iam:GenerateCredentialReport', 'iam:ListOpenIDConnectProviders', 'rolesanywhere:ListTrustAnchors', 'iam:ListRoles'].map((p) => fake.counts[p] ?? 0);
      expect(sum(sent)).toBe(sleeps.length + 5);
      // Nothing after a limited call of a capability was sent.
      expect(fake.counts['iam:GetCredentialReport'] ?? 0).toBe(0);
      expect(fake.counts['iam:ListSAMLProviders'] ?? 0).toBe(0);
      expect(fake.counts['rolesanywhere:ListProfiles'] ?? 0).toBe(0);
      expect(doctorExitCode([report])).toBe(3);
    } finally {
      await fake.close();
    }
  });
});

describe('Entra: probes go out together', () => {
  const TENANT = '11111111-2222-4333-8444-555555555555';
  const CLIENT = '99999999-8888-4777-8666-555555555555';
  const SECRET = 'doctor-entra-secret-budget';

  // Entra needs no overall budget: every probe is one GET, all sent at once, so their waits
  // overlap and the check waits no longer than one request may. This pins that they are sent
  // together (what the docs claim), and that each stays within its own budget.
  it('every probe limited throughout: all are sent before any retry, each waits at most 5 s, all THROTTLED', async () => {
    const paths = ['/v1.0/organization', '/v1.0/servicePrincipals', '/v1.0/applications', '/v1.0/oauth2PermissionGrants', '/v1.0/roleManagement/directory/roleDefinitions', '/v1.0/roleManagement/directory/roleEligibilitySchedules', '/v1.0/users', '/v1.0/reports/authenticationMethods/userRegistrationDetails', '/v1.0/groups', '/beta/reports/servicePrincipalSignInActivities', '/beta/reports/appCredentialSignInActivities'];
    const fake = await startEntraFake({ dataset: makeEntraDataset(TENANT, { servicePrincipals: 2 }), clientId: CLIENT, clientSecret: SECRET, grantedPermissions: ENTRA_SHORT_VERSION, throttle: Object.fromEntries(paths.map((p) => [p, { times: 1000 }])) });
    const order: string[] = [];
    const counting: typeof fetch = (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (!url.includes('/oauth2/')) order.push(new URL(url).pathname);
      return fetch(input, init);
    };
    const sleeps: number[] = [];
    try {
      const report = await checkEntra({ tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', clientSecret: SECRET }, tokenEndpoint: fake.tokenEndpoint, graphUrl: fake.url, fetch: counting, sleep: async (ms) => void sleeps.push(ms) });
      expect(Object.values(status(report))).toEqual(report.checks.map(() => 'throttled'));
      expect(report.checks).toHaveLength(12);
      // The first twelve requests are the twelve probes (two read /v1.0/users): no retry went first.
      expect(order.slice(0, 12).sort()).toEqual([...paths, '/v1.0/users'].sort());
      for (const p of paths) {
        const sent = order.filter((o) => o === p).length;
        expect(sent).toBeGreaterThan(1);
      }
      expect(sleeps.every((ms) => ms <= DOCTOR_WAIT_BUDGET_MS)).toBe(true);
    } finally {
      await fake.close();
    }
  });
});
