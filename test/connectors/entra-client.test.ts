import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EntraAuthError, EntraConfigError, collectEntra, type EntraCollectOptions } from '../../src/connectors/entra/client.js';
import type { CollectResult, CoverageRecord } from '../../src/snapshot/types.js';
import { CANARY_KEY_BLOB, CANARY_SECRET_TEXT, guid, makeEntraDataset, minimumRequests, type EntraDataset } from '../fakes/entra-dataset.js';
import { installNetGuard } from '../fakes/entra-net-guard.js';
import { startEntraFake, type EntraFake, type EntraFakeOptions } from '../fakes/entra-server.js';
import { scanLive } from '../e2e/demo.js';
import { fakeEntraOptions } from '../helpers/entra-fake-collect.js';

const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT_ID = '99999999-8888-4777-8666-555555555555';
const SECRET = 'CANARY-ENTRA-SECRET-client-secret-0004';

let guard: ReturnType<typeof installNetGuard>;
const fakes: EntraFake[] = [];
const savedEnv: Record<string, string | undefined> = {};

beforeAll(() => {
  // MSAL reads these to change authority handling (SDK-NOTES §1.3); proxies would reroute fetch.
  for (const k of ['MSAL_FORCE_REGION', 'REGION_NAME', 'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) {
    savedEnv[k] = process.env[k];
    delete process.env[k];
  }
  guard = installNetGuard();
});
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});
afterAll(() => {
  guard.uninstall();
  for (const [k, v] of Object.entries(savedEnv)) if (v !== undefined) process.env[k] = v;
  // No discovery call to login.microsoftonline.com, no nextLink to a foreign host, nothing else.
  expect(guard.attempts).toEqual([]);
});

async function fake(dataset: EntraDataset, extra: Partial<EntraFakeOptions> = {}): Promise<EntraFake> {
  const f = await startEntraFake({ dataset, clientId: CLIENT_ID, clientSecret: SECRET, ...extra });
  fakes.push(f);
  return f;
}

function recorder() {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
}

const options = (f: EntraFake, extra: Partial<EntraCollectOptions> = {}): EntraCollectOptions => fakeEntraOptions(f, extra, { tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET });

const cov = (r: CollectResult, capability: string): CoverageRecord | undefined => r.coverage.find((c) => c.capability === capability);
const values = (r: CollectResult, file: string) => (r.files[`entra/${file}`] as { value: Record<string, unknown>[] }).value;
const ids = (items: Record<string, unknown>[]) => items.map((x) => x.id as string).sort();

describe('collectEntra against the fake tenant', () => {
  it('merges pages, batches relationships and stays within 10% of the minimum request count', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 250, bigResourceAssignments: 230 });
    const f = await fake(dataset, { pageSize: 100 });
    const result = await collectEntra(options(f));

    expect(ids(values(result, 'servicePrincipals.json'))).toEqual(ids(dataset.v1['/servicePrincipals']));
    expect(values(result, 'applications.json')).toHaveLength(150);
    expect(values(result, 'servicePrincipalSignInActivities.json')).toHaveLength(250);
    const agent = values(result, 'servicePrincipals.json').find((s) => s.id === guid(2, 249));
    expect(agent?.['@odata.type']).toBe('#microsoft.graph.agentIdentity');

    // Selected on applications as on service principals: the transform disables an SP whose registration Microsoft disabled.
    const disabled = values(result, 'applications.json').filter((a) => a.disabledByMicrosoftStatus === 'DisabledDueToViolationOfServicesAgreement');
    expect(disabled.map((a) => a.id)).toEqual([guid(4, 3)]);

    const appOwners = result.files['entra/applicationOwners.json'] as Record<string, { id: string }[]>;
    expect(Object.keys(appOwners).sort()).toEqual(ids(dataset.v1['/applications']));
    expect(appOwners[guid(4, 2)].map((o) => o.id)).toEqual([guid(1, 2)]);
    const fics = result.files['entra/federatedIdentityCredentials.json'] as Record<string, unknown[]>;
    expect(fics[guid(4, 3)]).toHaveLength(1);
    // A flexible credential: v1.0 gave no subject, the beta re-read its claims-matching expression.
    expect(fics[guid(4, 9)]).toEqual([expect.objectContaining({ id: guid(12, 9), subject: null, claimsMatchingExpression: { value: "claims['sub'] matches 'repo:contoso/r9:*'", languageVersion: 1 } })]);
    expect(fics[guid(4, 3)]).toEqual([expect.not.objectContaining({ claimsMatchingExpression: expect.anything() })]);
    expect(fics[guid(4, 2)]).toEqual([]);
    expect(Object.keys(result.files['entra/servicePrincipalOwners.json'] as object)).toHaveLength(200);
    expect(Object.keys(result.files['entra/groupMembers.json'] as object)).toEqual([guid(5, 0), guid(5, 1), guid(5, 2)]);
    expect(result.files['entra/agentSponsors.json']).toEqual({ [guid(2, 249)]: [expect.objectContaining({ id: guid(1, 0) })] });

    // 230 on the first resource (3 pages followed from a $batch first page) + 1 on each of the other 74.
    const assignments = values(result, 'appRoleAssignments.json');
    expect(assignments).toHaveLength(230 + 74);
    expect(new Set(assignments.map((a) => a.id)).size).toBe(assignments.length);

    expect(result.coverage.filter((c) => c.status !== 'collected')).toEqual([]);
    expect(result.coverage.every((c) => c.scope === TENANT && c.provider === 'entra')).toBe(true);
    expect(result.manifest).toEqual({ tenantId: TENANT, displayName: 'Contoso Test' });

    const minimum = minimumRequests(dataset, 100);
    const sent = f.counts.token + f.counts.graph;
    expect(result.stats.requests).toBe(sent);
    expect(sent).toBeGreaterThanOrEqual(minimum);
    expect(sent).toBeLessThanOrEqual(Math.floor(minimum * 1.1));
    expect(f.counts.token).toBe(1);

    const json = JSON.stringify(result);
    expect(json).not.toContain('CANARY-ENTRA-SECRET');
    expect(json).not.toContain(CANARY_SECRET_TEXT);
    expect(json).not.toContain(CANARY_KEY_BLOB);
    // The hint survives redaction: only the secret value is dropped.
    expect(values(result, 'applications.json')[0].passwordCredentials).toEqual([
      expect.objectContaining({ hint: 'abc', keyId: guid(11, 2) }),
    ]);
  });

  it('reads each group assigned an app role that is not role-assignable, once, with its direct members, batched, near the minimum request count', async () => {
    // 25 such groups, each assigned twice, and a role-assignable group assigned too (already listed).
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 40, assignedGroups: 25 });
    const f = await fake(dataset);
    const result = await collectEntra(options(f));
    const groupReads = f.log.filter((l) => /^\/v1\.0\/groups\/[^/]+(\/members)?$/.test(l.path));
    // 3 role-assignable member lists + 25 x (group + members), every one once and inside a $batch.
    expect(groupReads).toHaveLength(3 + 50);
    expect(new Set(groupReads.map((l) => l.path)).size).toBe(groupReads.length);
    expect(groupReads.every((l) => l.inBatch && l.status === 200)).toBe(true);
    expect(groupReads.some((l) => l.path === `/v1.0/groups/${guid(5, 0)}`)).toBe(false);
    expect(f.undocumented).toEqual([]);

    const groups = values(result, 'groups.json');
    expect(groups.map((g) => g.id)).toEqual([guid(5, 0), guid(5, 1), guid(5, 2), ...Array.from({ length: 25 }, (_, k) => guid(6, k))]);
    expect(groups[3]).toEqual(expect.objectContaining({ displayName: 'assigned-group-0', isAssignableToRole: false }));
    const members = result.files['entra/groupMembers.json'] as Record<string, { id: string }[]>;
    expect(Object.keys(members)).toHaveLength(28);
    expect(members[guid(6, 0)].map((m) => m.id)).toEqual([guid(1, 0), guid(1, 1)]);
    expect(cov(result, 'entra.groups')?.status).toBe('collected');

    const minimum = minimumRequests(dataset, 100);
    const sent = f.counts.token + f.counts.graph;
    expect(minimum).toBe(minimumRequests(makeEntraDataset(TENANT, { servicePrincipals: 40 }), 100) + 3);
    expect(sent).toBeGreaterThanOrEqual(minimum);
    expect(sent).toBeLessThanOrEqual(Math.floor(minimum * 1.1));
  });

  it('records a group assigned an app role whose read fails (403 on its members, 404 on the group) as not read, with a warning, never as a group with no members', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 12, assignedGroups: 3 });
    // A group deleted since the assignments were listed: Graph answers 404 for it.
    dataset.v1['/groups'] = dataset.v1['/groups'].filter((g) => g.id !== guid(6, 2));
    const f = await fake(dataset, { forbid: [`/v1.0/groups/${guid(6, 1)}/members`], okBodyOn: { [`/v1.0/groups/${guid(6, 0)}`]: {} } });
    const result = await collectEntra(options(f));
    const members = result.files['entra/groupMembers.json'] as Record<string, unknown[]>;
    expect(Object.keys(members).sort()).toEqual([guid(5, 0), guid(5, 1), guid(5, 2)]);
    // The group whose members were refused is kept (it was read); the others are not.
    expect(values(result, 'groups.json').map((g) => g.id)).toEqual([guid(5, 0), guid(5, 1), guid(5, 2), guid(6, 1)]);
    // The groups not read are a gap of their own; the group list and the other member lists stay read.
    expect(cov(result, 'entra.groups')?.status).toBe('collected');
    const unread = [guid(6, 0), guid(6, 1), guid(6, 2)].sort().join(', ');
    expect(cov(result, 'entra.groups@groupMembers.json')).toMatchObject({ status: 'error', reason: expect.stringMatching(new RegExp(`^3 of 6 group member lists not read: .*\\(and 2 other reasons\\) \\(groups: ${unread}\\)$`)) });
    expect(result.manifest.warnings).toEqual([expect.stringMatching(/^Entra: 3 of 3 group\(s\) assigned an app role could not be read with their members \(malformed answer \(no object with id .*\); who holds those app roles through them is unknown$/)]);
  });

  it('a listed group whose id is not a GUID is a gap of that group alone: its member list is not asked for, and the group list stays collected', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 12 });
    dataset.v1['/groups'].find((g) => g.id === guid(5, 1))!.id = 'not-a-guid';
    const f = await fake(dataset);
    const result = await collectEntra(options(f));
    expect(f.log.some((l) => l.path.includes('not-a-guid'))).toBe(false);
    expect(cov(result, 'entra.groups')?.status).toBe('collected');
    expect(cov(result, 'entra.groups@groupMembers.json')).toMatchObject({ status: 'error', reason: expect.stringMatching(/^1 of \d+ group member lists not read: groupMembers: skipped an object whose id is not a GUID$/) });
  });

  it('one group whose members are refused is a gap of that group alone: the group list and every other member list stay collected, and the scan names only it', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 12, assignedGroups: 3 });
    const f = await fake(dataset, { forbid: [`/v1.0/groups/${guid(5, 1)}/members`] });
    const result = await collectEntra(options(f));
    expect(Object.keys(result.files['entra/groupMembers.json'] as object).sort()).toEqual([guid(5, 0), guid(5, 2), guid(6, 0), guid(6, 1), guid(6, 2)].sort());
    expect(cov(result, 'entra.groups')?.status).toBe('collected');
    expect(cov(result, 'entra.groups@groupMembers.json')).toMatchObject({ status: 'missing-permission', reason: expect.stringMatching(new RegExp(`^1 of 6 group member lists not read: .*403.* \\(groups: ${guid(5, 1)}\\)$`)) });
    expect(result.coverage.filter((c) => c.status !== 'collected').map((c) => c.capability)).toEqual(['entra.groups@groupMembers.json']);

    const { scan } = scanLive([result]);
    const group = (id: string) => scan.graph.node(`entra:${TENANT}:group:${id}`)!;
    expect(group(guid(5, 1)).attrs.membersCollected).toBeUndefined();
    for (const id of [guid(5, 0), guid(5, 2), guid(6, 0)]) expect(group(id).attrs.membersCollected, id).toBe(true);
    // The scan's record of the gap names the group, keeps the collector's status, and says why.
    const records = scan.report.coverage.filter((c) => c.capability.startsWith('entra.groups'));
    expect(records.map((c) => [c.capability, c.status])).toEqual([
      ['entra.groups', 'collected'],
      ['entra.groups@groupMembers.json', 'missing-permission'],
    ]);
    expect(records[1].reason).toMatch(new RegExp(`^1 of 6 groups is not in groupMembers.json: their members were not read \\(first: ${guid(5, 1)}\\); the collector recorded: 1 of 6 group member lists not read: .*403`));
  });

  it('records a refused beta re-read of flexible credentials in its own coverage record, with a warning, and keeps the credential without an expression', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 12 });
    const f = await fake(dataset, { forbid: [`/beta/applications/${guid(4, 9)}/federatedIdentityCredentials`] });
    const result = await collectEntra(options(f));
    const fics = result.files['entra/federatedIdentityCredentials.json'] as Record<string, Record<string, unknown>[]>;
    expect(fics[guid(4, 9)]).toEqual([expect.objectContaining({ id: guid(12, 9), subject: null })]);
    expect(fics[guid(4, 9)][0].claimsMatchingExpression).toBeUndefined();
    expect(result.manifest.warnings).toEqual([expect.stringMatching(/^Entra: the claims-matching expression of 1 of 1 federated credential\(s\) with no subject could not be read from Graph beta \(.*403.*\); which tokens they accept stays undecided$/)]);
    expect(cov(result, 'entra.flexibleFederatedCredentials')).toMatchObject({ status: 'missing-permission', reason: expect.stringContaining('403') });
    // The credential list itself was read: its capability stays collected, so rules on the other credentials still run.
    expect(cov(result, 'entra.federatedIdentityCredentials')?.status).toBe('collected');
  });

  it('does not copy a beta expression of a shape it does not know (no string value), and says so', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 12 });
    const path = `/applications/${guid(4, 9)}/federatedIdentityCredentials`;
    dataset.beta[path] = [{ ...dataset.beta[path][0], claimsMatchingExpression: { languageVersion: 1 } }];
    const f = await fake(dataset);
    const result = await collectEntra(options(f));
    const fics = result.files['entra/federatedIdentityCredentials.json'] as Record<string, Record<string, unknown>[]>;
    expect(fics[guid(4, 9)][0].claimsMatchingExpression).toBeUndefined();
    expect(cov(result, 'entra.flexibleFederatedCredentials')).toMatchObject({ status: 'error', reason: expect.stringContaining(`no usable claimsMatchingExpression for credential ${guid(12, 9)}`) });
    expect(result.manifest.warnings).toHaveLength(1);
  });

  it('records the other $batch reads answered 200 with an error object or {} as not read, not as empty lists', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 12 });
    const f = await fake(dataset, {
      okBodyOn: {
        [`/v1.0/applications/${guid(4, 2)}/owners`]: { error: { code: 'Request_ResourceNotFound', message: 'gone' } },
        [`/beta/applications/${guid(4, 9)}/federatedIdentityCredentials`]: {},
      },
    });
    const result = await collectEntra(options(f));
    expect(f.log.filter((l) => l.inBatch && (l.path.endsWith(`${guid(4, 2)}/owners`) || l.path.startsWith('/beta/applications/'))).map((l) => l.status)).toEqual([200, 200]);

    expect(cov(result, 'entra.owners')?.status).toBe('collected');
    expect(cov(result, 'entra.owners@applicationOwners.json')).toMatchObject({ status: 'error', reason: expect.stringContaining('malformed page (no value array)') });
    const appOwners = result.files['entra/applicationOwners.json'] as Record<string, unknown[]>;
    expect(guid(4, 2) in appOwners).toBe(false);
    expect(Object.keys(appOwners).length).toBeGreaterThan(0);
    const fics = result.files['entra/federatedIdentityCredentials.json'] as Record<string, Record<string, unknown>[]>;
    expect(fics[guid(4, 9)][0].claimsMatchingExpression).toBeUndefined();
    expect(cov(result, 'entra.flexibleFederatedCredentials')).toMatchObject({ status: 'error', reason: expect.stringContaining(`no usable claimsMatchingExpression for credential ${guid(12, 9)}`) });
  });

  it('waits exactly the Retry-After of a throttled list and of a throttled batch item', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 10 });
    const throttledApp = guid(4, 2);
    const f = await fake(dataset, {
      throttle: {
        '/v1.0/servicePrincipals': { times: 2, retryAfter: '7' },
        [`/v1.0/applications/${throttledApp}/owners`]: { times: 1, retryAfter: '3' },
      },
    });
    const rec = recorder();
    const result = await collectEntra(options(f, { sleep: rec.sleep }));

    expect(rec.sleeps.filter((ms) => ms === 7000)).toHaveLength(2);
    expect(rec.sleeps.filter((ms) => ms === 3000)).toHaveLength(1);
    expect(rec.sleeps).toHaveLength(3);
    expect(values(result, 'servicePrincipals.json')).toHaveLength(10);
    const owners = result.files['entra/applicationOwners.json'] as Record<string, unknown[]>;
    expect(owners[throttledApp]).toHaveLength(1);
    // Only the throttled item was sent again, not its 19 batch neighbours.
    const itemReads = f.log.filter((l) => l.inBatch && l.path.startsWith('/v1.0/applications/'));
    expect(itemReads.filter((l) => l.path === `/v1.0/applications/${throttledApp}/owners`)).toHaveLength(2);
    expect(itemReads.filter((l) => l.path === `/v1.0/applications/${guid(4, 3)}/owners`)).toHaveLength(1);
    expect(result.stats.retries).toBe(3);
    expect(result.coverage.filter((c) => c.status !== 'collected')).toEqual([]);
  });

  it('backs off exponentially without Retry-After and gives up after maxRetries with a coverage error', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 5 });
    const f = await fake(dataset, { throttle: { '/v1.0/oauth2PermissionGrants': { times: 100 } } });
    const rec = recorder();
    const result = await collectEntra(options(f, { sleep: rec.sleep, maxRetries: 3 }));

    expect(rec.sleeps).toEqual([1000, 2000, 4000]);
    expect(cov(result, 'entra.oauth2PermissionGrants')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('429 TooManyRequests on GET /v1.0/oauth2PermissionGrants'),
    });
    expect(result.files['entra/oauth2PermissionGrants.json']).toBeUndefined();
    expect(values(result, 'servicePrincipals.json')).toHaveLength(5);
  });

  it('treats a Retry-After far beyond a sensible wait as a refusal, in a list and in a $batch item', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 5 });
    const app = guid(4, 2);
    const f = await fake(dataset, {
      throttle: {
        '/v1.0/oauth2PermissionGrants': { times: 100, retryAfter: '86400' },
        [`/v1.0/applications/${app}/owners`]: { times: 100, retryAfter: '86400' },
      },
    });
    const rec = recorder();
    const result = await collectEntra(options(f, { sleep: rec.sleep }));

    expect(rec.sleeps.reduce((a, b) => a + b, 0)).toBeLessThan(10 * 60_000);
    expect(cov(result, 'entra.oauth2PermissionGrants')).toMatchObject({ status: 'error', reason: expect.stringContaining('429') });
    expect(cov(result, 'entra.owners@applicationOwners.json')).toMatchObject({ status: 'error', reason: expect.stringContaining('429') });
    expect(app in (result.files['entra/applicationOwners.json'] as object)).toBe(false);
  });

  it('turns a 403 on the beta sign-in report into missing-permission and reads everything else', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 30 });
    const f = await fake(dataset, { forbid: ['/beta/reports/servicePrincipalSignInActivities'] });
    const result = await collectEntra(options(f));

    expect(cov(result, 'entra.signInActivity')).toEqual({
      provider: 'entra',
      scope: TENANT,
      capability: 'entra.signInActivity',
      status: 'missing-permission',
      reason: '403 Authorization_RequestDenied on GET /beta/reports/servicePrincipalSignInActivities',
    });
    expect(result.files['entra/servicePrincipalSignInActivities.json']).toBeUndefined();
    expect(result.coverage.filter((c) => c.status !== 'collected').map((c) => c.capability)).toEqual(['entra.signInActivity']);
    expect(values(result, 'appCredentialSignInActivities.json')).toEqual([]);
    expect(values(result, 'servicePrincipals.json')).toHaveLength(30);
  });

  it('asks for users with signInActivity in pages Graph allows (at most 500), so the user list is read', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 5, users: 7 });
    const f = await fake(dataset, { signInActivityMaxTop: 500 });
    const result = await collectEntra(options(f));
    expect(values(result, 'users.json')).toHaveLength(7);
    expect(values(result, 'users.json').every((u) => 'signInActivity' in u)).toBe(true);
    expect(cov(result, 'entra.users')?.status).toBe('collected');
    expect(cov(result, 'entra.userSignInActivity')?.status).toBe('collected');
  });

  it('reads users again without signInActivity when that property is refused', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 5, users: 7 });
    const f = await fake(dataset, { forbidSelect: [{ path: '/v1.0/users', property: 'signInActivity' }] });
    const result = await collectEntra(options(f));

    const users = values(result, 'users.json');
    expect(users).toHaveLength(7);
    expect(users.some((u) => 'signInActivity' in u)).toBe(false);
    expect(cov(result, 'entra.users')?.status).toBe('collected');
    expect(cov(result, 'entra.userSignInActivity')).toMatchObject({ status: 'missing-permission' });
  });

  it('marks only the refused object of a $batch as not read', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 20 });
    const refused = guid(4, 7);
    const f = await fake(dataset, { forbid: [`/v1.0/applications/${refused}/owners`] });
    const result = await collectEntra(options(f));

    const owners = result.files['entra/applicationOwners.json'] as Record<string, unknown[]>;
    expect(refused in owners).toBe(false);
    expect(Object.keys(owners)).toHaveLength(11);
    const fics = result.files['entra/federatedIdentityCredentials.json'] as Record<string, unknown[]>;
    expect(refused in fics).toBe(true);
    // A gap of applicationOwners.json alone, naming the application: entra.owners stays collected.
    expect(cov(result, 'entra.owners')?.status).toBe('collected');
    expect(cov(result, 'entra.owners@applicationOwners.json')).toMatchObject({
      status: 'missing-permission',
      reason: expect.stringMatching(new RegExp(`^1 of 12 application owner lists not read: 403 Authorization_RequestDenied on GET /v1\\.0/applications/${refused}/owners.* \\(applications: ${refused}\\)$`)),
    });
    expect(cov(result, 'entra.owners@servicePrincipalOwners.json')).toBeUndefined();
    expect(cov(result, 'entra.federatedIdentityCredentials')?.status).toBe('collected');
  });

  it('reads the owners of the tenant\'s own service principals when the tenant is a domain and /organization is refused', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 20 });
    const own = dataset.v1['/servicePrincipals'].filter((s) => s.appOwnerOrganizationId === TENANT && s.servicePrincipalType !== 'ManagedIdentity');
    expect(own.length).toBeGreaterThan(0);
    const reference = await collectEntra(options(await fake(dataset)));
    const f = await fake(dataset, { forbid: ['/v1.0/organization'], tenantDomains: ['contoso.onmicrosoft.com'] });
    const result = await collectEntra(options(f, { tenantId: 'contoso.onmicrosoft.com' }));

    expect(cov(result, 'entra.organization')?.status).toBe('missing-permission');
    const owners = result.files['entra/servicePrincipalOwners.json'] as Record<string, unknown[]>;
    for (const sp of own) expect(sp.id as string in owners).toBe(true);
    expect(owners).toEqual(reference.files['entra/servicePrincipalOwners.json']);
    expect(cov(result, 'entra.owners')?.status).toBe('collected');
  });

  it('reads the service principal owners without knowing the tenant id: only Microsoft\'s first-party SPs are skipped', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 20 });
    const f = await fake(dataset, { forbid: ['/v1.0/organization', '/v1.0/applications'], tenantDomains: ['contoso.onmicrosoft.com'] });
    const result = await collectEntra(options(f, { tenantId: 'contoso.onmicrosoft.com' }));
    const owners = result.files['entra/servicePrincipalOwners.json'] as Record<string, unknown[]>;
    const nonMicrosoft = dataset.v1['/servicePrincipals'].filter((s) => s.appOwnerOrganizationId === TENANT || s.servicePrincipalType === 'ManagedIdentity');
    expect(Object.keys(owners).sort()).toEqual(nonMicrosoft.map((s) => s.id as string).sort());
    // Only the app owners are missing (the application list was refused), and the reason says so.
    expect(cov(result, 'entra.owners')).toMatchObject({ status: 'missing-permission', reason: expect.stringMatching(/applications/) });
    expect(cov(result, 'entra.owners')?.reason).not.toMatch(/service principals/);
  });

  describe('the tenant named by a domain, /organization refused and no app registration read', () => {
    const DOMAIN = 'contoso.onmicrosoft.com';
    const refused = { forbid: ['/v1.0/organization', '/v1.0/applications'], tenantDomains: [DOMAIN] };
    const tenantWarning = (r: CollectResult) => scanLive([r]).scan.report.warnings.filter((w) => w.includes('could not be learned'));

    it("learns the tenant's id from the access token's tid claim: the snapshot names the tenant by it, as /organization would, and no warning", async () => {
      const dataset = makeEntraDataset(TENANT, { servicePrincipals: 20 });
      const result = await collectEntra(options(await fake(dataset, { ...refused, jwtAccessTokens: true }), { tenantId: DOMAIN }));
      expect(cov(result, 'entra.organization')?.status).toBe('missing-permission');
      expect(result.manifest.tenantId).toBe(TENANT);
      expect(new Set(result.coverage.map((c) => c.scope))).toEqual(new Set([TENANT]));
      expect(tenantWarning(result)).toEqual([]);
      // The token itself is kept nowhere: not in the files, the manifest or the coverage.
      expect(JSON.stringify(result)).not.toMatch(/eyJ[\w-]+\.eyJ/);
    });

    it('keeps the name as given, with the warning, when the access token is not a JWT (opaque)', async () => {
      const dataset = makeEntraDataset(TENANT, { servicePrincipals: 20 });
      const result = await collectEntra(options(await fake(dataset, refused), { tenantId: DOMAIN }));
      expect(result.manifest.tenantId).toBe(DOMAIN);
      expect(tenantWarning(result)).toHaveLength(1);
    });

    it("ignores a tid that is not a GUID: the name stays as given, with the warning", async () => {
      const dataset = makeEntraDataset(TENANT, { servicePrincipals: 20 });
      const result = await collectEntra(options(await fake(dataset, { ...refused, jwtAccessTokens: { tid: 'not-a-tenant/../x' } }), { tenantId: DOMAIN }));
      expect(result.manifest.tenantId).toBe(DOMAIN);
      expect(tenantWarning(result)).toHaveLength(1);
    });

    it('with /organization read, its id names the tenant whatever the token says', async () => {
      const dataset = makeEntraDataset(TENANT, { servicePrincipals: 20 });
      const other = '33333333-0000-4000-8000-000000000000';
      const result = await collectEntra(options(await fake(dataset, { tenantDomains: [DOMAIN], jwtAccessTokens: { tid: other } }), { tenantId: DOMAIN }));
      expect(result.manifest.tenantId).toBe(TENANT);
    });
  });

  it('reads the owners of third-party service principals (a local object this tenant\'s principals can own), not of Microsoft\'s', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 10 });
    const sps = dataset.v1['/servicePrincipals'];
    // sp-2 becomes a multi-tenant app published by another tenant, with a local owner.
    const thirdParty = sps.find((s) => s.displayName === 'sp-2')!;
    thirdParty.appOwnerOrganizationId = '22222222-0000-4000-8000-000000000000';
    dataset.v1['/applications'] = dataset.v1['/applications'].filter((a) => a.appId !== thirdParty.appId);
    const owner = { '@odata.type': '#microsoft.graph.user', id: guid(1, 0), displayName: 'Owner', userPrincipalName: 'owner@contoso.example', accountEnabled: true };
    dataset.v1[`/servicePrincipals/${thirdParty.id as string}/owners`] = [owner];
    const firstParty = sps.find((s) => s.displayName === 'sp-0')!;
    const f = await fake(dataset);
    const result = await collectEntra(options(f));

    const owners = result.files['entra/servicePrincipalOwners.json'] as Record<string, { id: string }[]>;
    expect(owners[thirdParty.id as string]?.map((o) => o.id)).toEqual([guid(1, 0)]);
    expect(firstParty.id as string in owners).toBe(false);
    expect(f.log.some((l) => l.path === `/v1.0/servicePrincipals/${firstParty.id as string}/owners`)).toBe(false);
    expect(cov(result, 'entra.owners')?.status).toBe('collected');
    // The scan sees the owner and no longer calls the third-party SP's owners unread.
    const { scan } = scanLive([result]);
    const node = scan.graph.node(`entra:${TENANT}:sp:${thirdParty.id as string}`)!;
    expect(node.thirdParty).toBeDefined();
    expect(node.attrs.ownersCollected).toBe(true);
    expect(scan.graph.in(node.id, 'OWNS').map((e) => e.from)).toEqual([`entra:${TENANT}:user:${guid(1, 0)}`]);
  });

  it('reads the assignments of a service principal that requires assignment and defines no app roles (default access)', async () => {
    // appRoleAssignment.appRoleId: "If the resource application has not declared any app roles, a
    // default app role ID of 00000000-0000-0000-0000-000000000000 can be specified" (Graph v1.0).
    // With appRoleAssignmentRequired, such an assignment is what lets a client get a token for it.
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 10 });
    const sps = dataset.v1['/servicePrincipals'];
    const audience = sps.find((s) => s.displayName === 'sp-3')!;
    const holder = sps.find((s) => s.displayName === 'sp-1')!;
    expect([audience.appRoles, holder.servicePrincipalType]).toEqual([[], 'ManagedIdentity']);
    audience.appRoleAssignmentRequired = true;
    const assignment = { id: 'ara-default', principalId: holder.id, principalType: 'ServicePrincipal', resourceId: audience.id, appRoleId: '00000000-0000-0000-0000-000000000000' };
    dataset.v1[`/servicePrincipals/${audience.id as string}/appRoleAssignedTo`] = [assignment];
    // An SP with neither app roles nor required assignment is still not asked: nothing it holds gates a token.
    const open = sps.find((s) => s.displayName === 'sp-4')!;
    const f = await fake(dataset);
    const result = await collectEntra(options(f));

    expect(values(result, 'appRoleAssignments.json')).toContainEqual(assignment);
    expect(f.log.some((l) => l.path === `/v1.0/servicePrincipals/${open.id as string}/appRoleAssignedTo`)).toBe(false);
    expect(cov(result, 'entra.appRoleAssignments')?.status).toBe('collected');
    const { scan } = scanLive([result]);
    const granted = scan.graph.out(`entra:${TENANT}:sp:${holder.id as string}`, 'GRANTED');
    expect(granted.map((e) => [scan.graph.node(e.to)?.attrs.permission, e.evidence?.resourceId])).toContainEqual(['default access', audience.id]);
  });

  it('says how many service accounts past the manager-lookup cap were not looked up, and the owner rule answers unknown for them', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 5, users: 5 });
    const users = dataset.v1['/users'];
    for (const i of [0, 1, 2]) users[i].userPrincipalName = `svc-job${i}@contoso.example`;
    const result = await collectEntra(options(await fake(dataset), { maxManagerLookups: 2 }));

    const managers = result.files['entra/userManagers.json'] as Record<string, unknown>;
    expect(Object.keys(managers)).toHaveLength(2);
    const skipped = users.slice(0, 3).find((u) => !((u.id as string) in managers))!;
    expect(skipped).toBeDefined();
    expect(result.manifest.warnings).toEqual([expect.stringMatching(/^Entra: 1 of 3 .*not looked up/)]);

    const { scan } = scanLive([result]);
    const node = scan.graph.node(`entra:${TENANT}:user:${skipped.id as string}`);
    expect(node?.machineReasons?.length).toBeGreaterThan(0);
    expect(node?.attrs.hasManager).toBeUndefined();
    const stats = scan.report.rules.find((r) => r.ruleId === 'nhi-service-account-no-owner');
    expect(stats?.unknownReasons['managers were not collected']).toBe(1);
    expect(scan.report.findings.filter((f) => f.ruleId === 'nhi-service-account-no-owner').map((f) => f.subject.id)).not.toContain(node!.id);
    expect(scan.report.warnings.some((w) => w.includes('not looked up'))).toBe(true);
  });

  it('records a failed manager $batch as not read, not as "no manager" for every service account', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 5, users: 4 });
    const users = dataset.v1['/users'];
    users[0].userPrincipalName = 'svc-backup@contoso.example';
    users[1].userPrincipalName = 'svc-sync@contoso.example';
    dataset.singletons = { ...dataset.singletons, [`/users/${users[1].id}/manager`]: { id: users[2].id, displayName: 'User 2' } };

    const ok = await collectEntra(options(await fake(dataset)));
    // Graph's 404 on /users/{id}/manager means "has no manager"; a manager that exists is read.
    expect(ok.files['entra/userManagers.json']).toEqual({ [users[0].id as string]: null, [users[1].id as string]: expect.objectContaining({ id: users[2].id }) });

    const f = await fake(dataset, { failBatches: { status: 404, times: 1 } });
    const result = await collectEntra(options(f));
    expect(f.log.filter((l) => l.path === '/v1.0/$batch')[0].status).toBe(404);
    expect(result.files['entra/userManagers.json']).toEqual({});
    expect(cov(result, 'entra.userManagers')).toMatchObject({ status: 'error', reason: expect.stringContaining('manager lookups not read') });
    // The user list was read whole: failed lookups must not disown it (a coverage entry that is
    // not `collected` wins over its file), so the service accounts stay in the scan, and whether
    // a human is accountable for them is unknown, not "no manager".
    expect(cov(result, 'entra.users')?.status).toBe('collected');
    const { scan } = scanLive([result]);
    const svc = scan.graph.node(`entra:${TENANT}:user:${users[0].id as string}`);
    expect(svc?.kind).toBe('identity');
    expect(svc?.attrs.hasManager).toBeUndefined();
    expect(scan.report.findings.filter((x) => x.ruleId === 'nhi-service-account-no-owner').map((x) => x.subject.id)).not.toContain(svc!.id);
  });

  it('takes a manager answer of 200 that is not a directory object (an error object, {}) as a failed lookup, not as collected', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 5, users: 5 });
    const users = dataset.v1['/users'];
    for (const i of [0, 1, 2, 3]) users[i].userPrincipalName = `svc-job${i}@contoso.example`;
    dataset.singletons = { ...dataset.singletons, [`/users/${users[2].id}/manager`]: { id: users[4].id, displayName: 'User 4' } };
    const f = await fake(dataset, {
      okBodyOn: {
        [`/v1.0/users/${users[0].id}/manager`]: { error: { code: 'Request_ResourceNotFound', message: 'gone' } },
        [`/v1.0/users/${users[1].id}/manager`]: {},
      },
    });
    const result = await collectEntra(options(f));
    expect(f.log.filter((l) => l.inBatch && l.path.endsWith('/manager')).map((l) => l.status)).toEqual([200, 200, 200, 404]);

    // Only the real manager and the item's own 404 are kept; the two odd answers are not read.
    expect(result.files['entra/userManagers.json']).toEqual({ [users[2].id as string]: expect.objectContaining({ id: users[4].id }), [users[3].id as string]: null });
    expect(cov(result, 'entra.userManagers')).toMatchObject({ status: 'error', reason: expect.stringContaining('malformed manager answer') });
    expect(cov(result, 'entra.users')?.status).toBe('collected');

    // The scan runs (it used to stop on the error object with an InputError). The record names
    // the two users whose lookup failed: the owner rule is unknown for them, and never "no
    // manager", while the two lookups that were read are judged.
    expect(cov(result, 'entra.userManagers')?.unreadKeys).toEqual([users[0].id, users[1].id]);
    const { scan } = scanLive([result]);
    const stats = scan.report.rules.find((r) => r.ruleId === 'nhi-service-account-no-owner');
    expect(stats?.unknownReasons['managers were not collected']).toBe(2);
    expect(scan.graph.node(`entra:${TENANT}:user:${users[2].id as string}`)?.attrs.hasManager).toBe(true);
    expect(scan.graph.node(`entra:${TENANT}:user:${users[3].id as string}`)?.attrs.hasManager).toBe(false);
    const found = scan.report.findings.filter((x) => x.ruleId === 'nhi-service-account-no-owner').map((x) => x.subject.id);
    for (const u of users.slice(0, 2)) {
      const node = scan.graph.node(`entra:${TENANT}:user:${u.id as string}`);
      expect(node?.kind).toBe('identity');
      expect(node?.attrs.hasManager).toBeUndefined();
      expect(found).not.toContain(node!.id);
    }
  });

  it('keeps the managers that were read when one lookup in the $batch is refused: only that user is unknown', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 5, users: 5 });
    const users = dataset.v1['/users'];
    for (const i of [0, 1, 2]) users[i].userPrincipalName = `svc-job${i}@contoso.example`;
    dataset.singletons = { ...dataset.singletons, [`/users/${users[1].id}/manager`]: { id: users[4].id, displayName: 'User 4', accountEnabled: true } };
    const f = await fake(dataset, { forbid: [`/v1.0/users/${users[0].id}/manager`] });
    const result = await collectEntra(options(f));
    expect(f.log.filter((l) => l.inBatch && l.path.endsWith('/manager')).map((l) => l.status).sort()).toEqual([200, 403, 404]);

    // The refused lookup is left out of the file and named in the record; the others are kept.
    expect(result.files['entra/userManagers.json']).toEqual({ [users[1].id as string]: expect.objectContaining({ id: users[4].id }), [users[2].id as string]: null });
    expect(cov(result, 'entra.userManagers')).toEqual({
      provider: 'entra',
      scope: TENANT,
      capability: 'entra.userManagers',
      status: 'missing-permission',
      reason: `1 of 3 manager lookups not read: 403 Authorization_RequestDenied on GET /v1.0/users/${users[0].id as string}/manager (in $batch)`,
      unreadKeys: [users[0].id],
    });

    // The scan is still partial (the record is not `collected`) and says so; only the refused
    // user's manager is unknown, the other two service accounts are judged.
    const { scan } = scanLive([result]);
    expect(scan.report.coverage.find((c) => c.capability === 'entra.userManagers')).toEqual({
      provider: 'entra',
      scope: TENANT,
      capability: 'entra.userManagers',
      status: 'missing-permission',
      // The report keeps to docs/report.schema.json: the ids stay in the snapshot's manifest.
      reason: expect.stringContaining('1 of 3 manager lookups not read'),
    });
    const node = (i: number) => scan.graph.node(`entra:${TENANT}:user:${users[i].id as string}`)!;
    expect([node(0).attrs.hasManager, node(1).attrs.hasManager, node(2).attrs.hasManager]).toEqual([undefined, true, false]);
    const stats = scan.report.rules.find((r) => r.ruleId === 'nhi-service-account-no-owner');
    expect(stats?.unknownReasons['managers were not collected']).toBe(1);
    const found = scan.report.findings.filter((x) => x.ruleId === 'nhi-service-account-no-owner').map((x) => x.subject.id);
    expect(found).toContain(node(2).id);
    expect(found).not.toContain(node(0).id);
    expect(found).not.toContain(node(1).id);
  });

  it('records the manager lookups as not read when the user list itself failed', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 2, users: 2 });
    const f = await fake(dataset, { forbid: ['/v1.0/users'] });
    const result = await collectEntra(options(f));
    expect(cov(result, 'entra.users')?.status).toBe('missing-permission');
    expect(cov(result, 'entra.userManagers')).toMatchObject({ status: 'missing-permission', reason: expect.stringContaining('not attempted because the user list was not read') });
  });

  it('re-acquires the token once when it expires mid-scan and completes', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 40 });
    const f = await fake(dataset, { expireFirstTokenAfterCalls: 4, pageSize: 10 });
    const result = await collectEntra(options(f, { concurrency: 4 }));

    expect(f.counts.token).toBe(2);
    expect(result.stats.tokenRefreshes).toBe(1);
    expect(f.counts.rejectedAuth).toBeGreaterThanOrEqual(1);
    expect(result.coverage.filter((c) => c.status !== 'collected')).toEqual([]);
    expect(values(result, 'servicePrincipals.json')).toHaveLength(40);
  });

  it('refuses a nextLink to a foreign origin and never sends the token there', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 25 });
    const f = await fake(dataset, {
      pageSize: 10,
      rewriteNextLink: (link, path) => (path === '/v1.0/servicePrincipals' ? link.replace(/^http:\/\/[^/]+/, 'https://graph.attacker.example') : link),
    });
    const result = await collectEntra(options(f));

    expect(cov(result, 'entra.servicePrincipals')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('refused @odata.nextLink to foreign origin https://graph.attacker.example'),
    });
    expect(result.files['entra/servicePrincipals.json']).toBeUndefined();
    expect(f.log.filter((l) => l.path === '/v1.0/servicePrincipals')).toHaveLength(1);
    // Relationships that need the SP list say so instead of looking empty.
    expect(result.files['entra/servicePrincipalOwners.json']).toBeUndefined();
    expect(cov(result, 'entra.appRoleAssignments')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('not attempted because servicePrincipals was not read'),
    });
    expect(values(result, 'applications.json').length).toBeGreaterThan(0);
  });

  it('records a page with an item that is not an object as malformed instead of crashing the collection', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 12, users: 4 });
    const owners = `/v1.0/applications/${guid(4, 2)}/owners`;
    const f = await fake(dataset, { nullItemOn: ['/v1.0/servicePrincipals', '/v1.0/groups', owners] });
    const result = await collectEntra(options(f));

    expect(cov(result, 'entra.servicePrincipals')).toMatchObject({ status: 'error', reason: expect.stringContaining('malformed page') });
    expect(result.files['entra/servicePrincipals.json']).toBeUndefined();
    expect(cov(result, 'entra.groups')).toMatchObject({ status: 'error', reason: expect.stringContaining('/v1.0/groups') });
    expect(result.files['entra/groups.json']).toBeUndefined();
    // One owner list inside a $batch: only that application is left out.
    expect(cov(result, 'entra.owners')).toMatchObject({ status: 'error', reason: expect.stringContaining('malformed page') });
    const appOwners = result.files['entra/applicationOwners.json'] as Record<string, unknown[]>;
    expect(guid(4, 2) in appOwners).toBe(false);
    expect(Object.keys(appOwners).length).toBeGreaterThan(0);
    expect(values(result, 'applications.json').length).toBeGreaterThan(0);
  });

  // Before, such a list was filed as collected and the scan of the collection then stopped whole on
  // it (InputError 'expected a non-empty string', exit 2), every provider's report lost.
  it('records a page with an item lacking a member the scan reads it by (an id) as malformed, and the scan of the rest runs', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 12, users: 4 });
    const spId = dataset.v1['/servicePrincipals'][3].id;
    delete dataset.v1['/servicePrincipals'][3].id;
    dataset.v1['/applications'][0].appId = 5;
    const owners = `/applications/${guid(4, 2)}/owners`;
    expect(dataset.v1[owners]?.length).toBeGreaterThan(0);
    delete dataset.v1[owners][0].id;
    const f = await fake(dataset);
    const result = await collectEntra(options(f));

    expect(cov(result, 'entra.servicePrincipals')).toMatchObject({ status: 'error', reason: 'malformed page (an item without a string "id") from /v1.0/servicePrincipals' });
    expect(result.files['entra/servicePrincipals.json']).toBeUndefined();
    expect(cov(result, 'entra.applications')).toMatchObject({ status: 'error', reason: 'malformed page (an item without a string "appId") from /v1.0/applications' });
    expect(result.files['entra/applications.json']).toBeUndefined();
    expect(values(result, 'users.json')).toHaveLength(4);

    // With both lists whole again, the owner lists are read: only the application whose owner
    // has no id is left out.
    dataset.v1['/servicePrincipals'][3].id = spId;
    dataset.v1['/applications'][0].appId = guid(9, 9);
    const g = await fake(dataset);
    const again = await collectEntra(options(g));
    expect(cov(again, 'entra.owners@applicationOwners.json')).toMatchObject({ status: 'error', reason: expect.stringContaining('malformed page (an item without a string "id") from /v1.0/applications/') });
    const appOwners = again.files['entra/applicationOwners.json'] as Record<string, unknown[]>;
    expect(guid(4, 2) in appOwners).toBe(false);
    expect(Object.keys(appOwners).length).toBeGreaterThan(0);
    expect(cov(again, 'entra.applications')?.status).toBe('collected');

    for (const r of [result, again]) expect(scanLive([r]).scan.report.coverage.some((c) => c.provider === 'entra' && c.status === 'error')).toBe(true);
  });

  // The grant and role lists too: before, each was filed as collected and the scan then stopped
  // whole on the first item without a member it reads every item by (exit 2).
  it('records a grant, role definition, role assignment or eligibility list with an item lacking a member the scan reads as malformed', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 6, users: 3 });
    const sp = dataset.v1['/servicePrincipals'][2].id as string;
    delete dataset.v1['/oauth2PermissionGrants'][0].consentType;
    dataset.v1['/roleManagement/directory/roleDefinitions'].push({ displayName: 'No id' });
    dataset.v1['/roleManagement/directory/roleEligibilitySchedules'] = [{ id: 'es-1', principalId: sp, roleDefinitionId: '' }];
    const f = await fake(dataset);
    const result = await collectEntra(options(f));

    expect(cov(result, 'entra.oauth2PermissionGrants')).toMatchObject({ status: 'error', reason: 'malformed page (an item without a string "consentType") from /v1.0/oauth2PermissionGrants' });
    expect(result.files['entra/oauth2PermissionGrants.json']).toBeUndefined();
    expect(cov(result, 'entra.directoryRoles')).toMatchObject({ status: 'error', reason: 'malformed page (an item without a string "id") from /v1.0/roleManagement/directory/roleDefinitions' });
    expect(result.files['entra/roleDefinitions.json']).toBeUndefined();
    expect(cov(result, 'entra.pim')).toMatchObject({ status: 'error', reason: 'malformed page (an item without a string "roleDefinitionId") from /v1.0/roleManagement/directory/roleEligibilitySchedules' });
    expect(result.files['entra/roleEligibilitySchedules.json']).toBeUndefined();
    expect(cov(result, 'entra.servicePrincipals')?.status).toBe('collected');
    const scanned = scanLive([result]).scan.report.coverage;
    for (const capability of ['entra.oauth2PermissionGrants', 'entra.directoryRoles', 'entra.pim']) {
      expect(scanned).toContainEqual(expect.objectContaining({ provider: 'entra', capability, status: 'error' }));
    }

    // An assignment without its principal fails the role capability the same way.
    dataset.v1['/roleManagement/directory/roleDefinitions'].pop();
    delete dataset.v1['/roleManagement/directory/roleAssignments'][0].principalId;
    const g = await fake(dataset);
    const again = await collectEntra(options(g));
    expect(cov(again, 'entra.directoryRoles')).toMatchObject({ status: 'error', reason: 'malformed page (an item without a string "principalId") from /v1.0/roleManagement/directory/roleAssignments' });
    expect(again.files['entra/roleAssignments.json']).toBeUndefined();
    expect(scanLive([again]).scan.report.coverage).toContainEqual(expect.objectContaining({ provider: 'entra', capability: 'entra.directoryRoles', status: 'error' }));
  });

  it('stops on a nextLink loop', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 5, users: 30 });
    const f = await fake(dataset, {
      pageSize: 10,
      rewriteNextLink: (link, path) => (path === '/v1.0/users' ? link.replace(/\$skiptoken=\d+/, '$skiptoken=10') : link),
    });
    const result = await collectEntra(options(f));

    expect(cov(result, 'entra.users')).toMatchObject({ status: 'error', reason: expect.stringContaining('nextLink loop') });
    expect(f.log.filter((l) => l.path === '/v1.0/users')).toHaveLength(2);
  });

  it('records a page served again under a new nextLink, in place of the next one, as an error, not as the whole list', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 25, users: 3 });
    let n = 0;
    const f = await fake(dataset, {
      pageSize: 10,
      // The first page's nextLink serves the first page again, whose nextLink skips the second: ten
      // service principals are never read, and each of the others is there once or twice.
      rewriteNextLink: (link, path) => {
        if (path !== '/v1.0/servicePrincipals') return link;
        n++;
        return n === 1 ? link.replace(/\$skiptoken=\d+/, '$skiptoken=0&again=1') : n === 2 ? link.replace(/\$skiptoken=\d+/, '$skiptoken=20') : link;
      },
    });
    const result = await collectEntra(options(f));

    expect(cov(result, 'entra.servicePrincipals')).toMatchObject({ status: 'error', reason: 'page repeated (the same items as an earlier page) from /v1.0/servicePrincipals' });
    expect(result.files['entra/servicePrincipals.json']).toBeUndefined();
    expect(f.log.filter((l) => l.path === '/v1.0/servicePrincipals')).toHaveLength(2);
    expect(cov(result, 'entra.applications')?.status).toBe('collected');
  });

  it('stops a listing that never ends (every page has items and a new nextLink) after the page cap, and drops the partial list', async () => {
    // Every page has new items and a new nextLink, past the cap: as an endless listing looks to
    // the collector until the cap (a page served again is caught before it: see above).
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 65, users: 3 });
    const f = await fake(dataset, { pageSize: 10 });
    const result = await collectEntra(options(f, { maxPagesPerListing: 5 }));

    expect(f.log.filter((l) => l.path === '/v1.0/servicePrincipals')).toHaveLength(5);
    expect(cov(result, 'entra.servicePrincipals')).toMatchObject({ status: 'error', reason: expect.stringContaining('stopped after 5 pages') });
    expect(result.files['entra/servicePrincipals.json']).toBeUndefined();
    expect(cov(result, 'entra.appRoleAssignments')).toMatchObject({ status: 'error', reason: expect.stringContaining('not attempted because servicePrincipals was not read') });
    // Listings within the cap are read whole.
    expect(cov(result, 'entra.applications')?.status).toBe('collected');
    expect(values(result, 'users.json')).toHaveLength(3);
  });

  it('stops reading an answer larger than the size cap, records the listing as an error and reads the rest', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 25, users: 3 });
    // 4 MiB against a 256 KiB cap, chunked with no Content-Length: only the bytes read can tell.
    const f = await fake(dataset, { oversizedOn: { '/v1.0/servicePrincipals': 4 * 1024 * 1024 } });
    const result = await collectEntra(options(f, { maxResponseBytes: 256 * 1024 }));

    expect(cov(result, 'entra.servicePrincipals')).toMatchObject({
      status: 'error',
      reason: 'GET /v1.0/servicePrincipals answer larger than 262144 bytes; not read',
    });
    // Nothing of the oversized answer is kept, and a too-large answer is not asked for again.
    expect(result.files['entra/servicePrincipals.json']).toBeUndefined();
    expect(f.log.filter((l) => l.path === '/v1.0/servicePrincipals')).toHaveLength(1);
    expect(cov(result, 'entra.appRoleAssignments')).toMatchObject({ status: 'error', reason: expect.stringContaining('not attempted because servicePrincipals was not read') });
    // Answers within the cap are read whole.
    expect(cov(result, 'entra.applications')?.status).toBe('collected');
    expect(values(result, 'users.json')).toHaveLength(3);
  });

  it('reports a request timeout as a coverage error', async () => {
    const dataset = makeEntraDataset(TENANT, { servicePrincipals: 5 });
    const f = await fake(dataset);
    let calls = 0;
    const slowFetch: typeof fetch = async (input, init) => {
      calls++;
      if (String(input).includes('/roleManagement/directory/roleDefinitions')) {
        // Behaves like a server that never answers: only the abort signal ends it.
        return new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
      }
      return fetch(input, init);
    };
    const result = await collectEntra(options(f, { fetch: slowFetch, requestTimeoutMs: 50, maxRetries: 1 }));

    expect(cov(result, 'entra.directoryRoles')).toMatchObject({
      status: 'error',
      reason: 'GET /v1.0/roleManagement/directory/roleDefinitions timed out after 2 attempts',
    });
    expect(cov(result, 'entra.pim')?.status).toBe('collected');
    expect(calls).toBeGreaterThan(2);
  });

  it('gives up on a token endpoint that never answers, after the request timeout, with a one-line EntraAuthError', async () => {
    const f = await fake(makeEntraDataset(TENANT, { servicePrincipals: 5 }), { hangTokenRequests: 1 });
    // Without the timeout the call never settles and the test's own timeout fails it: no wall time is asserted.
    const err = await collectEntra(options(f, { requestTimeoutMs: 150 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EntraAuthError);
    expect((err as Error).message).toMatch(/timed out/);
    expect((err as Error).message).not.toMatch(/\n/);
    expect(f.counts.token).toBe(1);
    expect(f.counts.graph).toBe(0);
  }, 10_000);

  it('says the token endpoint could not be reached, rather than blaming the credential, when nothing answers', async () => {
    const f = await fake(makeEntraDataset(TENANT, { servicePrincipals: 5 }));
    const closed = f.tokenEndpoint.replace(/:\d+\//, ':1/');
    const err = await collectEntra(options(f, { tokenEndpoint: closed, requestTimeoutMs: 2000 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EntraAuthError);
    expect((err as Error).message).toMatch(/could not be reached/);
    expect((err as EntraAuthError).unreachable).toBe(true);
    expect((err as EntraAuthError).hint).not.toMatch(/AZURE_CLIENT_SECRET/);
    expect(f.counts.graph).toBe(0);
  });

  it('does not follow a redirect of the token request, which would re-send the client secret elsewhere', async () => {
    const elsewhere: string[] = [];
    const catcher = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        elsewhere.push(body);
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"error":"invalid_request"}');
      });
    });
    await new Promise<void>((resolve) => catcher.listen(0, '127.0.0.1', resolve));
    try {
      const target = `http://127.0.0.1:${(catcher.address() as AddressInfo).port}/token`;
      const f = await fake(makeEntraDataset(TENANT, { servicePrincipals: 5 }), { redirectTokenTo: target });
      const err = await collectEntra(options(f)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EntraAuthError);
      // The endpoint answered: a redirect is not a host that could not be reached (exit 3).
      expect((err as Error).message).toMatch(/failed: the authority answered with a redirect, which is not followed$/);
      expect((err as EntraAuthError).unreachable).toBe(false);
      expect(f.counts.token).toBe(1);
      expect(elsewhere).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => catcher.close(() => resolve()));
    }
  });

  it('records a Graph answer that redirects as an error naming the redirect, once, without following it or retrying', async () => {
    const elsewhere: string[] = [];
    const catcher = createServer((req, res) => {
      elsewhere.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"value":[]}');
    });
    await new Promise<void>((resolve) => catcher.listen(0, '127.0.0.1', resolve));
    try {
      const target = `http://127.0.0.1:${(catcher.address() as AddressInfo).port}/v1.0/servicePrincipals`;
      const f = await fake(makeEntraDataset(TENANT, { servicePrincipals: 5 }), { redirectOn: { '/v1.0/servicePrincipals': target } });
      const result = await collectEntra(options(f));
      expect(cov(result, 'entra.servicePrincipals')).toMatchObject({ status: 'error', reason: expect.stringMatching(/^302 on GET .*servicePrincipals.* \(a redirect, not followed: it would carry the access token elsewhere\)$/) });
      // One request: a redirect is an answer, not a network error to retry (five attempts, about 30 s of backoff).
      expect(f.log.filter((l) => !l.inBatch && l.path === '/v1.0/servicePrincipals').map((l) => l.status)).toEqual([302]);
      expect(elsewhere).toEqual([]);
      // The rest of the tenant is still read.
      expect(cov(result, 'entra.applications')?.status).toBe('collected');
    } finally {
      await new Promise<void>((resolve) => catcher.close(() => resolve()));
    }
  });

  it('fails fast with a one-line EntraAuthError when the secret is refused, without echoing it', async () => {
    const f = await fake(makeEntraDataset(TENANT, { servicePrincipals: 5 }));
    const wrong = 'CANARY-ENTRA-SECRET-wrong-0005';
    const err = await collectEntra(options(f, { credential: { kind: 'secret', clientSecret: wrong } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EntraAuthError);
    expect((err as Error).message).toMatch(/^token request for tenant .+ failed: invalid_client \(AADSTS7000215\)$/);
    expect(JSON.stringify({ m: (err as Error).message, h: (err as EntraAuthError).hint })).not.toContain('CANARY');
    expect(f.counts.graph).toBe(0);
  });

  it('names AZURE_FEDERATED_TOKEN_FILE when the federated token file is missing or empty, before any token request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-entra-'));
    try {
      const empty = join(dir, 'empty');
      writeFileSync(empty, '\n');
      const f = await fake(makeEntraDataset(TENANT, { servicePrincipals: 5 }), { clientSecret: undefined, federatedAssertion: 'x' });
      for (const tokenFile of [join(dir, 'missing'), empty]) {
        const err = await collectEntra(options(f, { credential: { kind: 'federated', tokenFile } })).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(EntraConfigError);
        expect(`${(err as Error).message} ${(err as EntraConfigError).hint}`).toContain('AZURE_FEDERATED_TOKEN_FILE');
      }
      expect(f.counts.token).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names AZURE_CLIENT_CERTIFICATE_PATH when the certificate file holds no certificate and key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-entra-'));
    try {
      const file = join(dir, 'cert.pem');
      const badCert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const f = await fake(makeEntraDataset(TENANT, { servicePrincipals: 5 }));
      // No key at all; then a key with a certificate block that is not a certificate.
      for (const content of [badCert, badCert + key]) {
        writeFileSync(file, content);
        const err = await collectEntra(options(f, { credential: { kind: 'certificateFile', path: file } })).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(EntraConfigError);
        expect(`${(err as Error).message} ${(err as EntraConfigError).hint}`).toContain('AZURE_CLIENT_CERTIFICATE_PATH');
      }
      expect(f.counts.token).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends the federated token read from the token file as client assertion', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-entra-'));
    try {
      const file = join(dir, 'token');
      writeFileSync(file, 'eyJ.fake-federated-token.sig\n');
      const f = await fake(makeEntraDataset(TENANT, { servicePrincipals: 5 }), {
        clientSecret: undefined,
        federatedAssertion: 'eyJ.fake-federated-token.sig',
      });
      const result = await collectEntra(options(f, { credential: { kind: 'federated', tokenFile: file } }));
      expect(f.tokenForms[0].client_assertion).toBe('eyJ.fake-federated-token.sig');
      expect(f.tokenForms[0].client_secret).toBeUndefined();
      expect(cov(result, 'entra.servicePrincipals')?.status).toBe('collected');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe.skipIf(!hasOpenssl)('certificate credential (self-signed cert made with openssl)', () => {
  let dir: string;
  const makeCert = (name: string) => {
    const key = join(dir, `${name}.key`);
    const cert = join(dir, `${name}.crt`);
    // node:crypto can make keys but not X.509 certificates, hence openssl.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`], { stdio: 'ignore' });
    const combined = join(dir, `${name}.pem`);
    writeFileSync(combined, readFileSync(cert, 'utf8') + readFileSync(key, 'utf8'));
    return { certPem: readFileSync(cert, 'utf8'), combined };
  };
  let registered: { certPem: string; combined: string };
  let stranger: { certPem: string; combined: string };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nhiscan-entra-cert-'));
    registered = makeCert('registered');
    stranger = makeCert('stranger');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('signs a PS256 assertion the token endpoint verifies against the registered certificate', async () => {
    const f = await fake(makeEntraDataset(TENANT, { servicePrincipals: 5 }), { clientSecret: undefined, certificatePem: registered.certPem });
    const result = await collectEntra(options(f, { credential: { kind: 'certificateFile', path: registered.combined } }));
    expect(f.tokenForms[0].client_assertion_type).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(cov(result, 'entra.servicePrincipals')?.status).toBe('collected');
    expect(JSON.stringify(result)).not.toContain('PRIVATE KEY');
  });

  it('is refused when signed with a certificate the app does not know', async () => {
    const f = await fake(makeEntraDataset(TENANT, { servicePrincipals: 5 }), { clientSecret: undefined, certificatePem: registered.certPem });
    const err = await collectEntra(options(f, { credential: { kind: 'certificateFile', path: stranger.combined } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EntraAuthError);
    expect((err as Error).message).toContain('AADSTS700027');
  });
});
