import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allRules } from '../../rules/index.js';
import { readSnapshotDir } from '../../src/cli/io.js';
import { collectLiveResults, mergeResults, writeSnapshot } from '../../src/cli/live.js';
import { scanSnapshot } from '../../src/scan.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { OKTA_CAPABILITIES } from '../../src/connectors/okta/coverage.js';
import { collectOkta, OktaAuthError, OktaConfigError, OKTA_READ_SCOPES, SSWS_WARNING } from '../../src/connectors/okta/client.js';
import type { OktaCollectOptions } from '../../src/connectors/okta/options.js';
import { VirtualClock } from '../fakes/okta-clock.js';
import {
  CANARY,
  makeOktaDataset,
  oktaMinimumPlan,
  SAMPLE_MACHINE_APPS,
  SAMPLE_RELEVANT_GROUPS,
  SAMPLE_RELEVANT_USERS,
  sampleOrg,
} from '../fakes/okta-dataset.js';
import { startOktaFake, type OktaFake, type OktaFakeOptions } from '../fakes/okta-server.js';

const API_TOKEN = `${CANARY}SSWS-TOKEN`;

// The SDK merges ~/.okta/okta.yaml, ./okta.yaml, OKTA_CLIENT_* and proxy variables into its
// config; the tests run without any of them so that only what the collector passes counts.
const savedEnv: Record<string, string | undefined> = {};
const savedCwd = process.cwd();
let sandbox: string;
beforeAll(() => {
  for (const k of Object.keys(process.env)) {
    if (/^OKTA_CLIENT_/.test(k) || /^(https?|all|no)_proxy$/i.test(k)) {
      savedEnv[k] = process.env[k];
      delete process.env[k];
    }
  }
  sandbox = mkdtempSync(join(tmpdir(), 'nhiscan-okta-'));
  savedEnv.HOME = process.env.HOME;
  process.env.HOME = sandbox;
  process.chdir(sandbox);
});
afterAll(() => {
  process.chdir(savedCwd);
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(sandbox, { recursive: true, force: true });
});

const fakes: OktaFake[] = [];
afterEach(async () => {
  while (fakes.length > 0) await fakes.pop()!.close();
});

async function fake(opts: Partial<OktaFakeOptions> = {}, clock = new VirtualClock()): Promise<{ f: OktaFake; clock: VirtualClock }> {
  const f = await startOktaFake({ dataset: sampleOrg(), apiToken: API_TOKEN, now: clock.now, ...opts });
  fakes.push(f);
  return { f, clock };
}

function ssws(f: OktaFake, clock: VirtualClock, extra: Partial<OktaCollectOptions> = {}): OktaCollectOptions {
  return { orgUrl: f.url, auth: { kind: 'ssws', token: API_TOKEN }, clock, ...extra };
}

function ids(file: unknown): string[] {
  return (file as { id: string }[]).map((x) => x.id);
}

function statusOf(coverage: { capability: string; status: string }[], cap: string): string | undefined {
  return coverage.find((c) => c.capability === cap)?.status;
}

const ALL_CAPS = [
  'okta.apps',
  'okta.appCredentials',
  'okta.appGrants',
  'okta.clientRoles',
  'okta.apiTokens',
  'okta.users',
  'okta.adminRoles',
  'okta.factors',
  'okta.groups',
  'okta.appAssignments',
  'okta.userTypes',
  'okta.authorizationServers',
];

describe('collectOkta against the fake org (SSWS)', () => {
  it('follows Link paging over several pages with the largest page size it asks for', async () => {
    const { f, clock } = await fake({ maxLimit: { '/api/v1/apps': 3, '/api/v1/users': 4, '/api/v1/groups': 3 } });
    const r = await collectOkta(ssws(f, clock));
    const org = sampleOrg();

    expect(ids(r.files['okta/apps.json'])).toEqual(org.apps.map((a) => a.id));
    expect(ids(r.files['okta/users.json'])).toEqual(org.users.map((u) => u.id));
    expect(ids(r.files['okta/groups.json'])).toEqual(org.groups.map((g) => g.id));
    // 9 apps at 3 per page, 11 users at 4, 4 groups at 3.
    expect(f.state.requests.filter((q) => q.template === '/api/v1/apps')).toHaveLength(3);
    expect(f.state.requests.filter((q) => q.template === '/api/v1/users')).toHaveLength(3);
    expect(f.state.limits['/api/v1/apps']).toEqual([200, 200, 200]);
    expect(r.stats.pages).toBe(f.state.requests.filter((q) => q.method === 'GET').length);
    expect(r.stats.requests).toBe(f.state.requests.length);
    expect(r.coverage.map((c) => [c.capability, c.status])).toEqual(ALL_CAPS.map((c) => [c, 'collected']));
    expect(r.manifest).toMatchObject({ orgUrl: f.url, authMode: 'ssws', warnings: [SSWS_WARNING] });
  });

  it('reads per-object details only for machine apps, relevant users and their groups', async () => {
    const { f, clock } = await fake();
    const r = await collectOkta(ssws(f, clock));

    expect(Object.keys(r.files['okta/appSecrets.json'] as object)).toEqual(SAMPLE_MACHINE_APPS);
    expect(Object.keys(r.files['okta/appGrants.json'] as object)).toEqual(SAMPLE_MACHINE_APPS);
    expect(r.files['okta/clientRoles.json']).toEqual({
      '0oaSVCKEY1': [expect.objectContaining({ type: 'SUPER_ADMIN' })],
      '0oaSVCSEC1': [],
      '0oaWEBCC01': [],
    });
    expect(Object.keys(r.files['okta/userRoles.json'] as object)).toEqual(SAMPLE_RELEVANT_USERS);
    expect(Object.keys(r.files['okta/userFactors.json'] as object)).toEqual(SAMPLE_RELEVANT_USERS);
    expect(Object.keys(r.files['okta/groupRoles.json'] as object)).toEqual(SAMPLE_RELEVANT_GROUPS);
    expect((r.files['okta/groupRoles.json'] as Record<string, unknown[]>)['00gOPS0001']).toHaveLength(1);
    expect(Object.keys(r.files['okta/appUsers.json'] as object)).toEqual(['0oaAWS0001']);
    expect(r.files['okta/appGroups.json']).toEqual({ '0oaAWS0001': [{ id: '00gAWSPROD', priority: 0 }] });
    expect(f.state.requests.some((q) => q.path.includes('00uHUMAN02'))).toBe(false);
    expect(f.state.requests.some((q) => q.path.includes('0oaBOOK'))).toBe(false);
  });

  // serviceAccountTypes are names: a user whose type (named through the org's user types) or
  // profile.userType is listed there is a service account to the transform, so its roles,
  // factors and groups must be read even when no login pattern matches.
  it('also reads per-user details for users whose user type name or profile.userType is in serviceAccountTypes', async () => {
    const ds = sampleOrg();
    ds.userTypes = [...(ds.userTypes ?? []), { id: 'oty1svc', name: 'serviceAccount', displayName: 'Service Account', default: false }];
    const plain = (id: string, login: string): Record<string, unknown> => ({ ...ds.users.find((u) => u.id === '00uHUMAN01')!, id, profile: { login, email: login } });
    ds.users.push({ ...plain('00uTYPED01', 'reporting-two@corp.example'), type: { id: 'oty1svc' } });
    ds.users.push({ ...plain('00uPROFIL1', 'reporting-three@corp.example'), profile: { login: 'reporting-three@corp.example', userType: 'Integration Account' } });
    const { f, clock } = await fake({ dataset: ds });
    const r = await collectOkta(ssws(f, clock, { serviceAccounts: { ...DEFAULT_CONFIG, serviceAccountTypes: ['serviceaccount', 'integration account'] } }));
    expect(Object.keys(r.files['okta/userRoles.json'] as object)).toEqual([...SAMPLE_RELEVANT_USERS, '00uPROFIL1', '00uTYPED01'].sort());
    // The human of the sample org stays unread.
    expect(f.state.requests.some((q) => q.path.includes('00uHUMAN02'))).toBe(false);
  });

  // The transform makes a user a service account when it is listed in knownServiceAccounts or
  // when a pattern matches its login or the part before the @; a user so classified whose roles,
  // factors and groups were never read would look harmless under "collected" coverage. The live
  // command passes the configuration through, and the selection uses the same predicate.
  it('reads per-user details for users the configuration declares or whose local part matches a pattern', async () => {
    const ds = sampleOrg();
    const plain = (id: string, login: string): Record<string, unknown> => ({ ...ds.users.find((u) => u.id === '00uHUMAN01')!, id, profile: { login, email: login } });
    ds.users.push(plain('00uKNOWN01', 'workday-connector@corp.example'));
    ds.users.push(plain('00uROBOT01', 'billing-robot@corp.example'));
    // Matches none of the collector's own heuristics, only the default configuration's pattern.
    ds.users.push(plain('00uSYNC001', 'sync-hr@corp.example'));
    const { f, clock } = await fake({ dataset: ds });
    const r = await collectOkta(
      ssws(f, clock, {
        serviceAccounts: { ...DEFAULT_CONFIG, knownServiceAccounts: ['Workday-Connector@corp.example'], serviceAccountPatterns: [...DEFAULT_CONFIG.serviceAccountPatterns, '-robot$'] },
      }),
    );
    const read = ['00uKNOWN01', '00uROBOT01', '00uSYNC001'];
    for (const file of ['okta/userRoles.json', 'okta/userFactors.json', 'okta/userGroups.json']) {
      expect(Object.keys(r.files[file] as object)).toEqual([...SAMPLE_RELEVANT_USERS, ...read].sort());
    }
    expect(f.state.requests.some((q) => q.path.includes('00uHUMAN02'))).toBe(false);
  });

  it('live collection passes the configuration\'s service-account settings to the Okta collector', async () => {
    const ds = sampleOrg();
    const plain = (id: string, login: string): Record<string, unknown> => ({ ...ds.users.find((u) => u.id === '00uHUMAN01')!, id, profile: { login, email: login } });
    ds.users.push(plain('00uKNOWN01', 'workday-connector@corp.example'));
    ds.users.push(plain('00uROBOT01', 'billing-robot@corp.example'));
    const { f } = await fake({ dataset: ds });
    const saved = { url: process.env.OKTA_ORG_URL, token: process.env.OKTA_API_TOKEN };
    process.env.OKTA_ORG_URL = f.url;
    process.env.OKTA_API_TOKEN = API_TOKEN;
    try {
      const config = { ...DEFAULT_CONFIG, knownServiceAccounts: ['workday-connector@corp.example'], serviceAccountPatterns: ['-robot$'] };
      const [r] = await collectLiveResults({ okta: true }, config);
      expect(Object.keys(r.files['okta/userRoles.json'] as object)).toEqual(expect.arrayContaining(['00uKNOWN01', '00uROBOT01']));
    } finally {
      if (saved.url === undefined) delete process.env.OKTA_ORG_URL;
      else process.env.OKTA_ORG_URL = saved.url;
      if (saved.token === undefined) delete process.env.OKTA_API_TOKEN;
      else process.env.OKTA_API_TOKEN = saved.token;
    }
  });

  it('stores no secret: client_secret values, private JWK members and the token stay out', async () => {
    const { f, clock } = await fake();
    const r = await collectOkta(ssws(f, clock));
    const json = JSON.stringify(r);

    expect(json).not.toContain(CANARY);
    const secrets = r.files['okta/appSecrets.json'] as Record<string, Record<string, unknown>[]>;
    expect(secrets['0oaSVCSEC1'][0]).toMatchObject({ id: 'ocs1', status: 'ACTIVE', secret_hash: 'hash-1' });
    expect(secrets['0oaSVCSEC1'][0]).not.toHaveProperty('client_secret');
    const jwks = r.files['okta/appJwks.json'] as Record<string, Record<string, unknown>[]>;
    expect(jwks['0oaSVCKEY1'][0]).toMatchObject({ kid: 'deploy-key-1', n: 'public-modulus' });
    expect(jwks['0oaSVCKEY1'][0]).not.toHaveProperty('d');
    const svc = (r.files['okta/users.json'] as { id: string; credentials: unknown }[]).find((u) => u.id === '00uSVCDEP1');
    // The password object stays (the account has one), its value and hash do not; nor does the recovery answer.
    expect(svc?.credentials).toEqual({ password: { hash: {} }, recovery_question: { question: 'first pet' }, provider: { type: 'OKTA', name: 'OKTA' } });
  });

  // GET /api/v1/apps/{appId}/credentials/jwks answers with a key set, not a list: Okta's API
  // reference (ApplicationSSOPublicKeys, "List all the OAuth 2.0 client JSON Web Keys") shows
  // {"jwks": {"keys": [...]}}, and the Okta Node SDK 8.1.0 types it ListJwk200Response, {"keys": [...]}.
  // Read as a listing, every machine app's read failed and okta.appCredentials was an error.
  it.each(['jwks', 'keys'] as const)('reads the public keys of an app from a JWKS answered as a key set (%s)', async (jwksAs) => {
    const { f, clock } = await fake({ jwksAs });
    const r = await collectOkta(ssws(f, clock));
    expect(statusOf(r.coverage, 'okta.appCredentials')).toBe('collected');
    const jwks = r.files['okta/appJwks.json'] as Record<string, Record<string, unknown>[]>;
    expect(Object.keys(jwks)).toEqual(SAMPLE_MACHINE_APPS);
    expect(jwks['0oaSVCKEY1']).toHaveLength(1);
    expect(jwks['0oaSVCKEY1'][0]).toMatchObject({ id: 'pks1', kid: 'deploy-key-1', n: 'public-modulus' });
    // Redaction still applies to the keys inside the set.
    expect(jwks['0oaSVCKEY1'][0]).not.toHaveProperty('d');
    expect(jwks['0oaSVCSEC1']).toEqual([]);
    expect(JSON.stringify(r)).not.toContain(CANARY);
  });

  it('records a JWKS answer that is neither a list nor a key set as an error', async () => {
    const { f, clock } = await fake({ rawBodyOn: [{ template: '/api/v1/apps/{id}/credentials/jwks', body: JSON.stringify({ jwks: { keys: 'none' } }) }] });
    const r = await collectOkta(ssws(f, clock, { maxConcurrent: 1 }));
    expect(r.coverage.find((c) => c.capability === 'okta.appCredentials')).toMatchObject({ status: 'error', reason: expect.stringContaining('/credentials/jwks') });
    expect(r.files['okta/appJwks.json']).toEqual({});
  });

  // A review: integration settings (settings.app, member names each integration chooses) kept
  // credentials under names without a secret-like word, and values shaped like credentials under
  // innocent names. Neither reaches the written snapshot; what the AWS transform reads stays.
  it('keeps credential-named settings and credential-shaped values out of the snapshot folder', async () => {
    const dataset = sampleOrg();
    const aws = dataset.apps.find((a) => a.id === '0oaAWS0001') as { settings: { app: Record<string, unknown> } };
    const jwt = `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ${CANARY}x.c2lnbmF0dXJl${CANARY}`;
    Object.assign(aws.settings.app, {
      bearerCredential: `${CANARY}BEARER-CREDENTIAL`,
      scimAuthHeader: `Basic ${CANARY}dXNlcjpwYXNz`,
      credentialsValue: `${CANARY}CREDENTIALS-VALUE`,
      apiKeyHeaderValue: `${CANARY}APIKEY`,
      authorization: { value: `${CANARY}AUTH-OBJECT` },
      // Innocent names, credential values.
      notes: `Bearer ${CANARY}abcdef0123456789`,
      webhookHeader2: `SSWS ${CANARY}00abcdefghijklmnop`,
      certificate: `-----BEGIN CERTIFICATE-----\nMIIB${CANARY}\n-----END CERTIFICATE-----\n`,
      idToken2: jwt,
      samlIssuer: jwt,
      // Plain text that only starts like a scheme stays.
      description: 'Basic Auth App for the AWS console',
      mode: 'Basic Authentication',
    });
    // Names and descriptions that read like a scheme and a word are prose, not credentials.
    dataset.groups.push({ id: '00gBASIC001', type: 'OKTA_GROUP', profile: { name: 'Basic Services', description: 'Bearer Readonly' } });
    // A per-app listing: its paths start at the app's key.
    Object.assign(dataset.appGrants['0oaSVCSEC1'][0], { note: `Bearer ${CANARY}aB3dEf6hIj9kLm2nOp` });
    const { f, clock } = await fake({ dataset });
    const r = await collectOkta(ssws(f, clock));
    const out = join(sandbox, `snapshot-creds-${Date.now()}`);
    writeSnapshot(out, mergeResults([r], new Date(clock.now())));
    const leaks: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (readFileSync(full, 'utf8').includes(CANARY)) leaks.push(full.slice(out.length));
      }
    };
    walk(out);
    expect(leaks).toEqual([]);
    const apps = JSON.parse(readFileSync(join(out, 'okta', 'apps.json'), 'utf8')) as { id: string; settings?: { app?: Record<string, unknown> } }[];
    const kept = apps.find((a) => a.id === '0oaAWS0001')!.settings!.app!;
    expect(kept).toMatchObject({ awsEnvironmentType: 'aws.amazon', groupFilter: 'aws_(?{{accountid}}\\d+)_(?{{role}}[a-zA-Z0-9+=,.@\\-_]+)', useGroupMapping: true, joinAllRoles: false, sessionDuration: 3600, description: 'Basic Auth App for the AWS console', mode: 'Basic Authentication' });
    expect(Object.keys(kept)).not.toEqual(expect.arrayContaining(['bearerCredential']));
    const groups = JSON.parse(readFileSync(join(out, 'okta', 'groups.json'), 'utf8')) as { id: string; profile: unknown }[];
    expect(groups.find((g) => g.id === '00gBASIC001')?.profile).toEqual({ name: 'Basic Services', description: 'Bearer Readonly' });
    // Each value left out for its shape is named by file and path (never by value), in the
    // manifest the collect command prints as warnings; members dropped by name are not listed.
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { warnings?: string[] };
    const dropped = (manifest.warnings ?? []).filter((w) => w.includes('shaped like a credential'));
    const i = sampleOrg().apps.findIndex((a) => a.id === '0oaAWS0001');
    const at = (m: string) => `$[${i}].settings.app.${m}`;
    expect(dropped).toEqual([
      'okta/appGrants.json: a value shaped like a credential (an authorization header value, a PEM block or a JWT) was left out of the snapshot and the scan: $["0oaSVCSEC1"][0].note',
      `okta/apps.json: 4 values shaped like a credential (an authorization header value, a PEM block or a JWT) were left out of the snapshot and the scan: ${['notes', 'certificate', 'idToken2', 'samlIssuer'].map(at).join(', ')}`,
    ]);
  });

  it('keeps every secret-named member out of the snapshot folder, whatever the exact name', async () => {
    const { f, clock } = await fake();
    const r = await collectOkta(ssws(f, clock));
    const out = join(sandbox, `snapshot-${Date.now()}`);
    writeSnapshot(out, mergeResults([r], new Date(clock.now())));
    const leaks: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (readFileSync(full, 'utf8').includes(CANARY)) leaks.push(full.slice(out.length));
      }
    };
    walk(out);
    expect(leaks).toEqual([]);
    // What the transform reads stays, though its name has "token", "secret" or "password" in it.
    const apps = r.files['okta/apps.json'] as { id: string; credentials: { oauthClient?: Record<string, unknown>; scheme?: string; password?: unknown } }[];
    expect(apps.find((a) => a.id === '0oaSVCSEC1')?.credentials.oauthClient).toMatchObject({ client_id: '0oaSVCSEC1', token_endpoint_auth_method: 'client_secret_basic' });
    expect(apps.find((a) => a.id === '0oaAWS0001')?.credentials).toMatchObject({ scheme: 'EDIT_USERNAME_AND_PASSWORD', password: {} });
    const users = r.files['okta/users.json'] as { id: string; passwordChanged?: string; credentials: { password?: unknown } }[];
    expect(users.find((u) => u.id === '00uSVCDEP1')).toMatchObject({ passwordChanged: '2024-03-01T00:00:00.000Z', credentials: { password: {} } });
  });

  it('stays within the advertised rate-limit budget and the concurrency limit', async () => {
    const { f, clock } = await fake({ rateLimitBudget: 4, rateLimitWindowMs: 60_000, responseDelayMs: 5 });
    const r = await collectOkta(ssws(f, clock, { maxConcurrent: 3, rateLimitReserve: 0 }));

    expect(f.state.violations).toEqual([]);
    expect(f.state.maxInFlight).toBeLessThanOrEqual(3);
    // The run is concurrent at all, so the cap above is actually exercised.
    expect(f.state.maxInFlight).toBeGreaterThan(1);
    expect(r.stats.maxInFlight).toBeLessThanOrEqual(3);
    expect(r.stats.rateLimitPauses).toBeGreaterThan(0);
    expect(clock.slept).toBeGreaterThan(0);
    expect(r.coverage.every((c) => c.status === 'collected')).toBe(true);
    expect(Object.keys(r.files['okta/userGroups.json'] as object)).toEqual(SAMPLE_RELEVANT_USERS);
  });

  it('sends exactly the minimum number of requests (the formula the collection benchmark uses)', async () => {
    const { f, clock } = await fake();
    const r = await collectOkta(ssws(f, clock));
    expect(r.stats.requests).toBe(oktaMinimumPlan(sampleOrg(), { pageSize: 200 }).requests);
    expect(f.state.requests).toHaveLength(r.stats.requests);

    const org = makeOktaDataset({ users: 300, serviceAccounts: 10, apps: 40, machineApps: 6, awsApps: 1, awsUsersPerApp: 4, apiTokens: 25, groups: 30, groupsPerUser: 2 });
    const big = await fake({ dataset: org });
    const rb = await collectOkta(ssws(big.f, big.clock, { pageSize: 50 }));
    expect(rb.coverage.every((c) => c.status === 'collected')).toBe(true);
    expect(ids(rb.files['okta/users.json'])).toHaveLength(300);
    expect(rb.stats.requests).toBe(oktaMinimumPlan(org, { pageSize: 50 }).requests);
    expect(big.f.state.requests).toHaveLength(rb.stats.requests);
  });

  it("waits on Okta's clock, read from the Date header, whether ours is ahead or behind", async () => {
    const run = async (skewMs: number) => {
      const clock = new VirtualClock();
      const { f } = await fake({ rateLimitBudget: 4, rateLimitWindowMs: 60_000 }, clock);
      const skewed = { now: () => clock.now() + skewMs, sleep: clock.sleep };
      const r = await collectOkta({ orgUrl: f.url, auth: { kind: 'ssws', token: API_TOKEN }, clock: skewed, maxConcurrent: 1, rateLimitReserve: 0 });
      return { f, r, slept: clock.slept };
    };
    const inSync = await run(0);
    const ahead = await run(5_000);
    const behind = await run(-5_000);
    for (const x of [inSync, ahead, behind]) {
      // Not one request before the window the server advertised has reset.
      expect(x.f.state.violations).toEqual([]);
      expect(x.r.stats.retries).toBe(0);
      expect(x.r.coverage.every((c) => c.status === 'collected')).toBe(true);
    }
    expect(inSync.r.stats.rateLimitPauses).toBeGreaterThan(0);
    // Waits follow the server's reset, not our clock: no 5 s extra per pause when ours is behind.
    expect(behind.slept).toBeLessThan(inSync.slept + 1_000);
  });

  it('keeps one request in flight when told to', async () => {
    const { f, clock } = await fake({ responseDelayMs: 2 });
    await collectOkta(ssws(f, clock, { maxConcurrent: 1 }));
    expect(f.state.maxInFlight).toBe(1);
  });

  it('waits for X-Rate-Limit-Reset after a 429 and then returns complete results', async () => {
    const { f, clock } = await fake({ inject429: [{ template: '/api/v1/users', times: 2 }], maxLimit: { '/api/v1/users': 4 } });
    const r = await collectOkta(ssws(f, clock));

    expect(f.state.injected429).toBe(2);
    expect(r.stats.retries).toBe(2);
    expect(clock.slept).toBeGreaterThan(0);
    expect(ids(r.files['okta/users.json'])).toEqual(sampleOrg().users.map((u) => u.id));
    expect(statusOf(r.coverage, 'okta.users')).toBe('collected');
    expect(f.state.violations).toEqual([]);
  });

  it('gives up after bounded 429 retries and reports an error for that capability only', async () => {
    const { f, clock } = await fake({ inject429: [{ template: '/api/v1/groups', times: 100 }] });
    const r = await collectOkta(ssws(f, clock, { maxRetries: 2 }));

    expect(f.state.requests.filter((q) => q.template === '/api/v1/groups')).toHaveLength(3);
    expect(r.coverage.find((c) => c.capability === 'okta.groups')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('HTTP 429'),
    });
    expect(r.files['okta/groups.json']).toBeUndefined();
    expect(statusOf(r.coverage, 'okta.users')).toBe('collected');
  });

  it('gives up on a 429 whose X-Rate-Limit-Reset lies far ahead instead of sleeping until then', async () => {
    const { f, clock } = await fake({ inject429: [{ template: '/api/v1/groups', times: 100, resetAfterMs: 24 * 3600_000 }] });
    const r = await collectOkta(ssws(f, clock));

    expect(clock.slept).toBeLessThan(10 * 60_000);
    expect(r.coverage.find((c) => c.capability === 'okta.groups')).toMatchObject({ status: 'error', reason: expect.stringContaining('HTTP 429') });
    expect(r.files['okta/groups.json']).toBeUndefined();
    expect(statusOf(r.coverage, 'okta.users')).toBe('collected');
  });

  it('stops a per-object capability after one read runs out of 429 retries instead of waiting out every parent', async () => {
    const { f, clock } = await fake({ inject429: [{ template: '/api/v1/apps/{id}/grants', times: 1e9, resetAfterMs: 290_000 }] });
    const r = await collectOkta(ssws(f, clock, { maxConcurrent: 1 }));

    // One parent: the first try and 4 retries. The other machine apps are not tried.
    expect(f.state.requests.filter((q) => q.template === '/api/v1/apps/{id}/grants')).toHaveLength(5);
    expect(SAMPLE_MACHINE_APPS.length).toBeGreaterThan(1);
    const rec = r.coverage.find((c) => c.capability === 'okta.appGrants');
    expect(rec).toMatchObject({ status: 'error', reason: expect.stringContaining('HTTP 429') });
    expect(rec?.reason).toContain(`1 of ${SAMPLE_MACHINE_APPS.length} reads for okta/appGrants.json failed`);
    expect(rec?.reason).toContain(`${SAMPLE_MACHINE_APPS.length - 1} were not tried`);
    expect(r.files['okta/appGrants.json']).toEqual({});
    expect(clock.slept).toBeLessThan(30 * 60_000);
    expect(statusOf(r.coverage, 'okta.appCredentials')).toBe('collected');
    expect(statusOf(r.coverage, 'okta.users')).toBe('collected');
  });

  it('turns a 403 on /api/v1/api-tokens into missing-permission and collects the rest', async () => {
    const { f, clock } = await fake({ forbid: ['/api/v1/api-tokens'] });
    const r = await collectOkta(ssws(f, clock));

    expect(r.coverage.find((c) => c.capability === 'okta.apiTokens')).toMatchObject({
      status: 'missing-permission',
      reason: expect.stringContaining('okta.apiTokens.read'),
    });
    expect(r.files['okta/apiTokens.json']).toBeUndefined();
    for (const cap of ALL_CAPS.filter((c) => c !== 'okta.apiTokens')) expect(statusOf(r.coverage, cap)).toBe('collected');
    expect(ids(r.files['okta/apps.json'])).toHaveLength(9);
    // Token owners are unknown now: alice is no longer picked, the others still are.
    expect(Object.keys(r.files['okta/userRoles.json'] as object)).toEqual(
      SAMPLE_RELEVANT_USERS.filter((u) => u !== '00uALICE01'),
    );
    expect((r.manifest.warnings as string[]).some((w) => w.includes('okta.apiTokens'))).toBe(true);
  });

  // The users whose roles and factors are read are picked from the user list (service accounts
  // by convention, besides token owners and AWS app users), and the transform makes user nodes
  // from it alone: with the list refused, a "collected" record for roles or factors would claim
  // reads that never happened, or that no rule can use.
  it('records okta.adminRoles and okta.factors as not collected, with a warning, when the user list fails', async () => {
    const { f, clock } = await fake({ forbid: ['/api/v1/users'] });
    const r = await collectOkta(ssws(f, clock));

    expect(statusOf(r.coverage, 'okta.users')).toBe('missing-permission');
    for (const cap of ['okta.adminRoles', 'okta.factors']) {
      expect(r.coverage.find((c) => c.capability === cap)).toMatchObject({ status: 'not-collected', reason: expect.stringContaining('needs the user list (okta.users)') });
    }
    for (const file of ['okta/userRoles.json', 'okta/userFactors.json', 'okta/groupRoles.json']) expect(r.files[file]).toBeUndefined();
    expect(f.state.requests.some((q) => q.template === '/api/v1/users/{id}/roles' || q.template === '/api/v1/users/{id}/factors' || q.template === '/api/v1/groups/{id}/roles')).toBe(false);
    // The AWS link still reads the AWS app users' groups by user id.
    expect(statusOf(r.coverage, 'okta.groups')).toBe('collected');
    expect(Object.keys(r.files['okta/userGroups.json'] as object).length).toBeGreaterThan(0);
    expect((r.manifest.warnings as string[]).filter((w) => w.includes('okta.adminRoles and okta.factors were not collected'))).toHaveLength(1);

    // The scan keeps the records, and a rule that needs the roles answers unknown for every token.
    const out = join(sandbox, `snapshot-no-users-${Date.now()}`);
    writeSnapshot(out, mergeResults([r], new Date(clock.now())));
    const scan = scanSnapshot(readSnapshotDir(out), { now: new Date(clock.now()), config: DEFAULT_CONFIG, rules: allRules, version: '0.0.0-test' });
    for (const cap of ['okta.adminRoles', 'okta.factors']) {
      expect(scan.report.coverage.find((c) => c.capability === cap)).toMatchObject({ status: 'not-collected', reason: expect.stringContaining('okta.users') });
    }
    const tokens = [...scan.graph.nodes.values()].filter((n) => n.type === 'okta-api-token');
    expect(tokens).toHaveLength(2);
    for (const t of tokens) {
      expect(scan.unknownBySubject.get(t.id)).toContain('okta-api-token-admin-owner');
      expect(scan.report.findings.some((x) => x.ruleId === 'okta-api-token-admin-owner' && x.subject.id === t.id)).toBe(false);
    }
  });

  // Token owners are picked from the token list: with it refused, an owner that is no service
  // account by the configuration is not read per user. okta.adminRoles and okta.factors stay
  // collected, as they are for the users they hold (a user missing from userRoles.json is not
  // read, and rules needing its roles answer unknown); the gap is the token list's own record,
  // and the warning must not say otherwise. No token is in the graph, so no token rule passes one.
  it('with the API token list refused, says what that leaves unread in one warning that matches the records', async () => {
    const { f, clock } = await fake({ forbid: ['/api/v1/api-tokens'] });
    const r = await collectOkta(ssws(f, clock));
    expect(statusOf(r.coverage, 'okta.apiTokens')).toBe('missing-permission');
    expect(statusOf(r.coverage, 'okta.adminRoles')).toBe('collected');
    expect(statusOf(r.coverage, 'okta.factors')).toBe('collected');
    const about = (r.manifest.warnings as string[]).filter((w) => w.includes('okta.apiTokens'));
    expect(about).toEqual([
      'The Okta API token list was not read (okta.apiTokens): no API token is judged, and their owners are unknown. okta.adminRoles and okta.factors hold the users picked without it (service accounts by the configuration, AWS app users); an owner who is neither was not read, and one with no active MFA factor is not known to be a service account.',
    ]);

    const out = join(sandbox, `snapshot-no-tokens-${Date.now()}`);
    writeSnapshot(out, mergeResults([r], new Date(clock.now())));
    const scan = scanSnapshot(readSnapshotDir(out), { now: new Date(clock.now()), config: DEFAULT_CONFIG, rules: allRules, version: '0.0.0-test' });
    expect(scan.graph.ofType('okta-api-token')).toHaveLength(0);
    const tokenRules = allRules.filter((x) => x.evaluates.types.includes('okta-api-token')).map((x) => x.meta.id);
    expect(tokenRules).toContain('okta-api-token-admin-owner');
    // No token is judged: each token rule counts the org once, as unknown (the list was not read), never as a pass.
    for (const id of tokenRules) expect(scan.report.rules.find((st) => st.ruleId === id), id).toMatchObject({ evaluated: 1, failing: 0, unknown: 1 });
    // alice owns the org's admin token: not read per user, and her roles not taken as none.
    const alice = scan.graph.ofType('okta-user').find((u) => u.nativeId === '00uALICE01')!;
    expect(alice.attrs).toMatchObject({ adminRolesComplete: false, activeFactors: undefined });
    expect(scan.report.coverage.find((c) => c.capability === 'okta.apiTokens')?.status).toBe('missing-permission');
    expect(scan.report.warnings.filter((w) => w.includes('okta.apiTokens'))).toEqual(about);
  });

  // The token list and the user types are read side by side: the manifest's warnings must not
  // follow whichever refusal came back first, or two collections of one org differ.
  it('orders the warnings of refused lists the same whichever answer comes first', async () => {
    const forbid = ['/api/v1/api-tokens', '/api/v1/meta/types/user'];
    const runs: string[][] = [];
    for (const late of forbid) {
      // Answered 429 twice first, this list's refusal comes back after the other's.
      const { f, clock } = await fake({ forbid, inject429: [{ template: late, times: 2, resetAfterMs: 1000 }] });
      const r = await collectOkta(ssws(f, clock));
      for (const cap of ['okta.apiTokens', 'okta.userTypes']) expect(statusOf(r.coverage, cap)).toBe('missing-permission');
      runs.push(r.manifest.warnings as string[]);
    }
    expect(runs[0].some((w) => w.includes('okta.apiTokens')) && runs[0].some((w) => w.includes('okta.userTypes'))).toBe(true);
    expect(runs[1]).toEqual(runs[0]);
  });

  it('reads the org user types, and turns a 403 on them into missing-permission with a warning', async () => {
    const ok = await fake();
    const r1 = await collectOkta(ssws(ok.f, ok.clock));
    expect(r1.files['okta/userTypes.json']).toEqual([expect.objectContaining({ id: 'oty0default', name: 'user' })]);
    expect(ok.f.state.requests.filter((q) => q.path.startsWith('/api/v1/meta/types/user'))).toHaveLength(1);

    const { f, clock } = await fake({ forbid: ['/api/v1/meta/types/user'] });
    const r = await collectOkta(ssws(f, clock));
    expect(r.coverage.find((c) => c.capability === 'okta.userTypes')).toMatchObject({ status: 'missing-permission', reason: expect.stringContaining('okta.userTypes.read') });
    expect(r.files['okta/userTypes.json']).toBeUndefined();
    for (const cap of ALL_CAPS.filter((c) => c !== 'okta.userTypes')) expect(statusOf(r.coverage, cap)).toBe('collected');
    expect((r.manifest.warnings as string[]).some((w) => w.includes('okta.userTypes') && w.includes('type id only'))).toBe(true);
  });

  describe('custom authorization servers, their access policies and rules', () => {
    const AS_LIST = '/api/v1/authorizationServers';
    const AS_POLICIES = '/api/v1/authorizationServers/{id}/policies';
    const AS_RULES = '/api/v1/authorizationServers/{id}/policies/{policyId}/rules';
    const asWarning = (r: { manifest: Record<string, unknown> }) => ((r.manifest.warnings ?? []) as string[]).filter((w) => w.includes('okta.authorizationServers'));

    it('reads every server, each one\'s policies and each policy\'s rules through Link paging', async () => {
      // One item per page: every listing follows its next links.
      const { f, clock } = await fake({ defaultLimit: 1, maxLimit: { [AS_LIST]: 1 } });
      const r = await collectOkta(ssws(f, clock));
      const org = sampleOrg();
      expect(ids(r.files['okta/authorizationServers.json'])).toEqual(['ausDEFAULT01', 'ausAWSFED01']);
      expect((r.files['okta/authorizationServers.json'] as Record<string, unknown>[])[1]).toMatchObject({ audiences: ['api://aws'], status: 'ACTIVE', issuer: expect.stringContaining('/oauth2/ausAWSFED01') });
      const policies = r.files['okta/authServerPolicies.json'] as Record<string, { id: string }[]>;
      expect(Object.fromEntries(Object.entries(policies).map(([k, v]) => [k, v.map((p) => p.id)]))).toEqual({ ausDEFAULT01: ['00pDEFAULT1'], ausAWSFED01: ['00pAWSFED01', '00pAWSOFF01'] });
      // What decides a token is kept as listed; the token lifetimes go with redaction (under `token`).
      const rules = r.files['okta/authServerPolicyRules.json'] as Record<string, Record<string, unknown>[]>;
      const decisive = (m: Record<string, Record<string, unknown>[]>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.map((x) => [x.id, x.status, x.priority, x.conditions])]));
      expect(decisive(rules)).toEqual(decisive(org.authServerPolicyRules!));
      expect(statusOf(r.coverage, 'okta.authorizationServers')).toBe('collected');
      // Two pages of servers (one a page), and the AWS server's two policies over two pages.
      expect(f.state.requests.filter((q) => q.template === AS_LIST)).toHaveLength(2);
      expect(f.state.requests.filter((q) => q.template === AS_POLICIES)).toHaveLength(3);
      expect(f.state.requests.filter((q) => q.template === AS_RULES).map((q) => q.path).sort()).toEqual([
        '/api/v1/authorizationServers/ausAWSFED01/policies/00pAWSFED01/rules',
        '/api/v1/authorizationServers/ausAWSFED01/policies/00pAWSOFF01/rules',
        '/api/v1/authorizationServers/ausDEFAULT01/policies/00pDEFAULT1/rules',
      ]);
      expect(f.state.limits[AS_LIST]).toEqual([200, 200]);
      expect(asWarning(r)).toEqual([]);
    });

    it('a 403 on the server list is missing-permission naming the scope, with a warning; nothing else is lost', async () => {
      const { f, clock } = await fake({ forbid: [AS_LIST] });
      const r = await collectOkta(ssws(f, clock));
      expect(r.coverage.find((c) => c.capability === 'okta.authorizationServers')).toMatchObject({ status: 'missing-permission', reason: expect.stringContaining('okta.authorizationServers.read') });
      for (const file of ['okta/authorizationServers.json', 'okta/authServerPolicies.json', 'okta/authServerPolicyRules.json']) expect(r.files[file], file).toBeUndefined();
      for (const cap of ALL_CAPS.filter((c) => c !== 'okta.authorizationServers')) expect(statusOf(r.coverage, cap)).toBe('collected');
      expect(asWarning(r)).toHaveLength(1);
      expect(f.state.requests.filter((q) => q.template === AS_POLICIES)).toEqual([]);
    });

    it('an org without API Access Management (401 E0000015) is a refused feature, not a dead credential', async () => {
      const body = JSON.stringify({ errorCode: 'E0000015', errorSummary: 'You do not have permission to access the feature you are requesting', errorCauses: [] });
      const { f, clock } = await fake({ rawBodyOn: [{ template: AS_LIST, body, status: 401 }] });
      const r = await collectOkta(ssws(f, clock));
      expect(r.coverage.find((c) => c.capability === 'okta.authorizationServers')).toMatchObject({ status: 'missing-permission', reason: expect.stringContaining('E0000015') });
      // Every other read went on: the 401 was not taken for a revoked token.
      for (const cap of ALL_CAPS.filter((c) => c !== 'okta.authorizationServers')) expect(statusOf(r.coverage, cap)).toBe('collected');
      expect(asWarning(r)).toHaveLength(1);
    });

    it('a 404 on a policy list, a malformed rules page or a 429 that never clears is an error record and a warning, never an empty list', async () => {
      const cases: Partial<OktaFakeOptions>[] = [
        { rawBodyOn: [{ template: AS_POLICIES, body: JSON.stringify({ errorCode: 'E0000007', errorSummary: 'Not found' }), status: 404 }] },
        { rawBodyOn: [{ template: AS_RULES, body: '{"not":"a list"}' }] },
        { inject429: [{ template: AS_RULES, times: 1000 }] },
        { truncatedLinkOn: [AS_LIST], maxLimit: { [AS_LIST]: 1 } },
      ];
      for (const opts of cases) {
        const { f, clock } = await fake(opts);
        const r = await collectOkta(ssws(f, clock, { maxRetries: 1 }));
        const rec = r.coverage.find((c) => c.capability === 'okta.authorizationServers');
        expect(rec?.status, JSON.stringify(opts)).toBe('error');
        expect(rec?.reason).toBeTruthy();
        expect(asWarning(r), JSON.stringify(opts)).toHaveLength(1);
        for (const cap of ALL_CAPS.filter((c) => c !== 'okta.authorizationServers')) expect(statusOf(r.coverage, cap)).toBe('collected');
      }
    });

    it('a rules read for a policy the server does not hold is answered 404 by the fake (the path names both ids)', async () => {
      const ds = sampleOrg();
      // The AWS server's retired policy listed under the default server too: its rules path there is wrong.
      ds.authServerPolicies!.ausDEFAULT01 = [...ds.authServerPolicies!.ausDEFAULT01, ds.authServerPolicies!.ausAWSFED01[1]];
      const { f, clock } = await fake({ dataset: ds });
      const r = await collectOkta(ssws(f, clock));
      // Read once, under its first server (rules are keyed by policy id): the AWS server's path was not tried.
      expect(statusOf(r.coverage, 'okta.authorizationServers')).toBe('error');
      expect(f.state.requests.filter((q) => q.path.endsWith('/00pAWSOFF01/rules')).map((q) => q.path)).toEqual(['/api/v1/authorizationServers/ausDEFAULT01/policies/00pAWSOFF01/rules']);
    });
  });

  it('a 403 on a per-object endpoint stops that capability only, without reading every parent', async () => {
    const { f, clock } = await fake({ forbid: ['/api/v1/users/{id}/factors'] });
    const r = await collectOkta(ssws(f, clock, { maxConcurrent: 1 }));

    expect(statusOf(r.coverage, 'okta.factors')).toBe('missing-permission');
    expect(r.files['okta/userFactors.json']).toBeUndefined();
    expect(f.state.requests.filter((q) => q.template === '/api/v1/users/{id}/factors')).toHaveLength(1);
    expect(statusOf(r.coverage, 'okta.adminRoles')).toBe('collected');
  });

  it('stops on a repeating next link instead of looping, and reports it', async () => {
    const { f, clock } = await fake({ loopOn: ['/api/v1/users'], maxLimit: { '/api/v1/users': 3 } });
    const r = await collectOkta(ssws(f, clock));

    expect(r.coverage.find((c) => c.capability === 'okta.users')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('paging loop'),
    });
    expect(r.files['okta/users.json']).toBeUndefined();
    expect(f.state.requests.filter((q) => q.template === '/api/v1/users').length).toBeLessThanOrEqual(3);
    expect(statusOf(r.coverage, 'okta.apps')).toBe('collected');
  });

  it('records a body that is not valid JSON as an error without quoting the body (it may hold a client_secret)', async () => {
    // An unquoted value right after client_secret: V8's JSON.parse message quotes the text around
    // the bad token, node-fetch puts that message and the full URL into its error.
    const body = `[{"id":"ocs1","status":"ACTIVE","client_secret":${CANARY}CLIENT-SECRET-9,"secret_hash":"h"}]`;
    const { f, clock } = await fake({ rawBodyOn: [{ template: '/api/v1/apps/{id}/credentials/secrets', body }] });
    const r = await collectOkta(ssws(f, clock, { maxConcurrent: 1 }));

    const rec = r.coverage.find((c) => c.capability === 'okta.appCredentials');
    expect(rec).toMatchObject({ status: 'error', reason: expect.stringMatching(/not valid JSON/) });
    expect(rec?.reason).toContain('/credentials/secrets');
    expect(r.files['okta/appSecrets.json']).toEqual({});
    // Not one character of the body: neither the parser's excerpt nor the value itself.
    expect(rec?.reason).not.toMatch(/Unexpected token|CANARY/);
    expect(JSON.stringify(r)).not.toMatch(/CANARY/);
    expect(statusOf(r.coverage, 'okta.apps')).toBe('collected');
  });

  it("keeps Okta's errorCode out of coverage reasons unless it looks like one (it is provider text)", async () => {
    const hostile = `E0000009\u001b]8;;https://x.example\u0007\u009b2J\u202e${'A'.repeat(5000)}`;
    const { f, clock } = await fake({
      rawBodyOn: [
        { template: '/api/v1/api-tokens', status: 400, body: JSON.stringify({ errorCode: hostile, errorSummary: 'x' }) },
        { template: '/api/v1/users', status: 400, body: JSON.stringify({ errorCode: 'E0000001', errorSummary: 'x' }) },
      ],
    });
    const r = await collectOkta(ssws(f, clock));
    const tokens = r.coverage.find((c) => c.capability === 'okta.apiTokens');
    expect(tokens?.status).toBe('error');
    expect(tokens?.reason).toMatch(/HTTP 400/);
    expect(tokens?.reason).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(tokens?.reason).not.toContain('x.example');
    expect(tokens!.reason!.length).toBeLessThan(200);
    // A real Okta error code is kept: it is what support and the docs search for.
    expect(r.coverage.find((c) => c.capability === 'okta.users')?.reason).toContain('HTTP 400 E0000001 on /api/v1/users');
  });

  it('refuses a next link to another origin and records the list as an error', async () => {
    const { f, clock } = await fake({ foreignNextOn: ['/api/v1/users'], maxLimit: { '/api/v1/users': 4 } });
    const r = await collectOkta(ssws(f, clock));
    expect(r.coverage.find((c) => c.capability === 'okta.users')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('another origin (https://okta.attacker.example)'),
    });
    expect(r.files['okta/users.json']).toBeUndefined();
    expect(f.state.requests.filter((q) => q.template === '/api/v1/users')).toHaveLength(1);
  });

  it('records a listing whose Link header is cut short in its next link as an error, not as the whole list', async () => {
    // 11 users at 4 a page: the first page's next link arrives without its closing ">" and rel.
    const { f, clock } = await fake({ truncatedLinkOn: ['/api/v1/users'], maxLimit: { '/api/v1/users': 4 } });
    const r = await collectOkta(ssws(f, clock));
    expect(r.coverage.find((c) => c.capability === 'okta.users')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('malformed Link header'),
    });
    expect(r.files['okta/users.json']).toBeUndefined();
    expect(statusOf(r.coverage, 'okta.apps')).toBe('collected');
  });

  it('records a page served again under a new next link, in place of the next one, as an error, not as the whole list', async () => {
    // 11 users at 4 a page: the first page comes twice, the second never.
    const { f, clock } = await fake({ repeatPageOn: ['/api/v1/users'], maxLimit: { '/api/v1/users': 4 } });
    const r = await collectOkta(ssws(f, clock));
    expect(r.coverage.find((c) => c.capability === 'okta.users')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('page repeated (the same items as an earlier page) on /api/v1/users'),
    });
    expect(r.files['okta/users.json']).toBeUndefined();
    expect(f.state.requests.filter((q) => q.template === '/api/v1/users')).toHaveLength(2);
    expect(statusOf(r.coverage, 'okta.apps')).toBe('collected');
  });

  it('stops a listing that keeps serving empty pages, each with a new next link', async () => {
    const { f, clock } = await fake({ endlessEmptyPagesOn: ['/api/v1/groups'] });
    const r = await collectOkta(ssws(f, clock));
    expect(r.coverage.find((c) => c.capability === 'okta.groups')).toMatchObject({ status: 'error', reason: expect.stringContaining('empty pages in a row') });
    expect(r.files['okta/groups.json']).toBeUndefined();
    expect(f.state.requests.filter((q) => q.template === '/api/v1/groups').length).toBeLessThanOrEqual(102);
    expect(statusOf(r.coverage, 'okta.users')).toBe('collected');
  }, 20_000);

  it('stops a listing whose every page has items and a new next link after the page cap, and reports it', async () => {
    const { f, clock } = await fake({ endlessPagesOn: ['/api/v1/users'] });
    const r = await collectOkta(ssws(f, clock, { maxPagesPerListing: 5 }));
    expect(r.coverage.find((c) => c.capability === 'okta.users')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('stopped after 5 pages'),
    });
    // The part read is not a complete list and must not pass for one.
    expect(r.files['okta/users.json']).toBeUndefined();
    expect(f.state.requests.filter((q) => q.template === '/api/v1/users')).toHaveLength(5);
    expect(statusOf(r.coverage, 'okta.apps')).toBe('collected');
  });

  it('stops reading an answer larger than the size cap, records the listing as an error and reads the rest', async () => {
    // 4 MiB against a 256 KiB cap, chunked with no Content-Length: only the bytes read can tell.
    const { f, clock } = await fake({ oversizedOn: [{ template: '/api/v1/users', bytes: 4 * 1024 * 1024 }] });
    const r = await collectOkta(ssws(f, clock, { maxResponseBytes: 256 * 1024 }));
    expect(r.coverage.find((c) => c.capability === 'okta.users')).toMatchObject({
      status: 'error',
      reason: 'OktaResponseError: the answer from /api/v1/users is larger than 262144 bytes; not read',
    });
    // Nothing of it is kept, it is not asked for again, and the connection is let go rather
    // than drained to the end.
    expect(r.files['okta/users.json']).toBeUndefined();
    expect(f.state.requests.filter((q) => q.template === '/api/v1/users')).toHaveLength(1);
    expect(f.state.oversizedFinished).toBe(0);
    expect(statusOf(r.coverage, 'okta.apps')).toBe('collected');
    expect(statusOf(r.coverage, 'okta.groups')).toBe('collected');
  });

  it('fails a listing with an item that is not an object instead of dropping it', async () => {
    const user = sampleOrg().users[0];
    const { f, clock } = await fake({ rawBodyOn: [{ template: '/api/v1/users', body: JSON.stringify([user, 'garbage', 42, [1], true]) }] });
    const r = await collectOkta(ssws(f, clock));
    expect(r.coverage.find((c) => c.capability === 'okta.users')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('malformed page: an item that is not an object'),
    });
    expect(r.files['okta/users.json']).toBeUndefined();
    expect(statusOf(r.coverage, 'okta.apps')).toBe('collected');

    // A null item is still dropped (see listAll): the listing is read as usual.
    const ok = await fake({ rawBodyOn: [{ template: '/api/v1/users', body: JSON.stringify([user, null]) }] });
    const r2 = await collectOkta(ssws(ok.f, ok.clock));
    expect(statusOf(r2.coverage, 'okta.users')).toBe('collected');
    expect(ids(r2.files['okta/users.json'])).toEqual([user.id]);
  });

  // Before, such a listing was filed as collected and the scan of the collection then stopped whole
  // on it (InputError, exit 2), every provider's report lost.
  it('fails a listing with an item whose id the scan needs is missing or not a string, and the scan of the rest runs', async () => {
    const org = sampleOrg();
    delete (org.users[1] as Record<string, unknown>).id;
    (org.groups[0] as Record<string, unknown>).id = 7;
    const { f, clock } = await fake({ dataset: org });
    const r = await collectOkta(ssws(f, clock));
    expect(r.coverage.find((c) => c.capability === 'okta.users')).toMatchObject({ status: 'error', reason: expect.stringContaining('malformed page: an item without a string "id" from /api/v1/users') });
    expect(r.files['okta/users.json']).toBeUndefined();
    expect(r.coverage.find((c) => c.capability === 'okta.groups')).toMatchObject({ status: 'error', reason: expect.stringContaining('malformed page: an item without a string "id" from /api/v1/groups') });
    expect(r.files['okta/groups.json']).toBeUndefined();
    expect(statusOf(r.coverage, 'okta.apps')).toBe('collected');

    const scan = (result: typeof r) =>
      scanSnapshot(mergeResults([result], new Date('2026-11-28T09:00:00Z')), { now: new Date('2026-11-28T09:00:00Z'), config: DEFAULT_CONFIG, rules: allRules, version: 'test' });
    expect(scan(r).report.coverage).toContainEqual(expect.objectContaining({ provider: 'okta', capability: 'okta.users', status: 'error' }));

    // A role without its type costs that user's read only: the others' roles are kept.
    const roles = sampleOrg();
    delete (roles.userRoles['00uALICE01'][0] as Record<string, unknown>).type;
    const g = await fake({ dataset: roles });
    const r2 = await collectOkta(ssws(g.f, g.clock));
    expect(r2.coverage.find((c) => c.capability === 'okta.adminRoles')).toMatchObject({ status: 'error', reason: expect.stringMatching(/^1 of \d+ reads for okta\/userRoles\.json failed \(first: OktaResponseError: malformed page: an item without a string "type" from \/api\/v1\/users\/00uALICE01\/roles\)/) });
    const userRoles = r2.files['okta/userRoles.json'] as Record<string, unknown>;
    expect(userRoles['00uALICE01']).toBeUndefined();
    expect(userRoles['00uSVCDEP1']).toEqual(sampleOrg().userRoles['00uSVCDEP1']);
    expect(scan(r2).report.coverage).toContainEqual(expect.objectContaining({ provider: 'okta', capability: 'okta.adminRoles', status: 'error' }));
  });

  it('reads through empty intermediate pages without null items', async () => {
    const { f, clock } = await fake({ emptyPagesOn: ['/api/v1/apps'], maxLimit: { '/api/v1/apps': 4 } });
    const r = await collectOkta(ssws(f, clock));

    expect(ids(r.files['okta/apps.json'])).toEqual(sampleOrg().apps.map((a) => a.id));
    expect(r.files['okta/apps.json'] as unknown[]).not.toContain(null);
  });

  it('strips a trailing slash from the org URL (the SDK would request //api/v1/...)', async () => {
    const { f, clock } = await fake();
    const r = await collectOkta({ ...ssws(f, clock), orgUrl: `${f.url}/` });
    expect(f.state.requests.some((q) => q.path.startsWith('//'))).toBe(false);
    expect(r.manifest.orgUrl).toBe(f.url);
  });

  it('fails with a clear error on a rejected API token', async () => {
    const { f, clock } = await fake();
    await expect(collectOkta({ ...ssws(f, clock), auth: { kind: 'ssws', token: 'wrong' } })).rejects.toThrow(OktaAuthError);
    expect(f.state.requests).toHaveLength(1);
  });

  it('ignores okta.yaml in the working directory and OKTA_CLIENT_* variables', async () => {
    const { f, clock } = await fake();
    const decoy = await fake();
    const dir = mkdtempSync(join(sandbox, 'cwd-'));
    writeFileSync(join(dir, 'okta.yaml'), `okta:\n  client:\n    orgUrl: ${decoy.f.url}\n    token: decoy\n`);
    process.env.OKTA_CLIENT_ORGURL = decoy.f.url;
    process.env.OKTA_CLIENT_KEYID = 'decoy-kid';
    process.chdir(dir);
    try {
      const r = await collectOkta(ssws(f, clock));
      expect(statusOf(r.coverage, 'okta.apps')).toBe('collected');
    } finally {
      process.chdir(sandbox);
      delete process.env.OKTA_CLIENT_ORGURL;
      delete process.env.OKTA_CLIENT_KEYID;
    }
    expect(decoy.f.state.requests).toEqual([]);
    expect(f.state.requests.length).toBeGreaterThan(10);
  });
});

/** A server elsewhere on loopback that records what reaches it and answers an empty list. */
async function catcher(): Promise<{ url: string; seen: { path: string; authorization: string; body: string }[]; close(): Promise<void> }> {
  const seen: { path: string; authorization: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', authorization: String(req.headers.authorization ?? ''), body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('collectOkta and HTTP redirects', () => {
  it('does not follow a redirect of an API read: the credential and the listing would come from elsewhere', async () => {
    const other = await catcher();
    try {
      const { f, clock } = await fake({ redirectOn: [{ template: '/api/v1/users', location: `${other.url}/api/v1/users` }] });
      const r = await collectOkta(ssws(f, clock));
      expect(other.seen).toEqual([]);
      expect(r.coverage.find((c) => c.capability === 'okta.users')).toMatchObject({ status: 'error', reason: expect.stringContaining('307') });
      expect(r.files['okta/users.json']).toBeUndefined();
      expect(statusOf(r.coverage, 'okta.apps')).toBe('collected');
    } finally {
      await other.close();
    }
  });

  it('does not follow a redirect of the token request, which would re-send the signed client assertion', async () => {
    const other = await catcher();
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    try {
      const { f, clock } = await fake({
        apiToken: undefined,
        serviceApp: { clientId: '0oaNHISCAN1', publicKey, grantedScopes: [...OKTA_READ_SCOPES] },
        redirectOn: [{ template: '/oauth2/v1/token', location: `${other.url}/oauth2/v1/token` }],
      });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const err = await collectOkta({ orgUrl: f.url, auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey: pem }, clock }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OktaAuthError);
      expect(other.seen).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

describe('collectOkta with an OAuth service app (private_key_jwt)', () => {
  let key: { privateKey: KeyObject; publicKey: KeyObject };
  let otherKey: { privateKey: KeyObject; publicKey: KeyObject };
  beforeAll(() => {
    key = generateKeyPairSync('rsa', { modulusLength: 2048 });
    otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  });

  const serviceApp = (): OktaFakeOptions['serviceApp'] => ({
    clientId: '0oaNHISCAN1',
    publicKey: key.publicKey,
    keyId: 'nhiscan-kid',
    grantedScopes: [...OKTA_READ_SCOPES],
  });

  it('gets a token with a signed assertion once and collects with it', async () => {
    const { f, clock } = await fake({ apiToken: undefined, serviceApp: serviceApp() });
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const r = await collectOkta({
      orgUrl: f.url,
      auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey: pem, keyId: 'nhiscan-kid' },
      clock,
    });

    expect(f.state.tokenRequests).toHaveLength(1);
    expect(f.state.tokenRequests[0]).toMatchObject({ ok: true, hadDpop: true, kid: 'nhiscan-kid' });
    expect(f.state.tokenRequests[0].scope.split(' ').sort()).toEqual([...OKTA_READ_SCOPES].sort());
    const apiCalls = f.state.requests.filter((q) => q.template !== '/oauth2/v1/token');
    expect(apiCalls.length).toBeGreaterThan(10);
    expect(apiCalls.every((q) => q.authorization === 'Bearer CANARY-OKTA-AT-1')).toBe(true);
    expect(r.coverage.every((c) => c.status === 'collected')).toBe(true);
    expect(r.manifest).toMatchObject({ authMode: 'oauth-private-key', scopes: [...OKTA_READ_SCOPES] });
    expect(r.manifest.warnings).toBeUndefined();
    expect(JSON.stringify(r)).not.toContain(CANARY);
    expect(r.stats.tokenRequests).toBe(1);
  });

  it('a token request Okta rate-limits past the wait it allows is throttling, not a refused app: every capability an error naming the limit, no read sent', async () => {
    const { f, clock } = await fake({ apiToken: undefined, serviceApp: serviceApp(), inject429: [{ template: '/oauth2/v1/token', times: 1000, resetAfterMs: 10 * 60_000 }] });
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // Resolves: an OktaAuthError here would stop the whole run as a refused service app (exit 2).
    const r = await collectOkta({ orgUrl: f.url, auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey: pem }, clock, maxConcurrent: 1 });
    expect(r.coverage.map((c) => c.capability).sort()).toEqual([...OKTA_CAPABILITIES].sort());
    expect(r.coverage.every((c) => c.status === 'error' && /^HTTP 429 on \/oauth2\/v1\/token: Okta limited the token request/.test(c.reason ?? ''))).toBe(true);
    expect(Object.keys(r.files)).toEqual([]);
    // No API read went out without a token, and the limited token endpoint was asked once.
    expect(f.state.requests.filter((q) => q.template !== '/oauth2/v1/token')).toEqual([]);
    expect(f.state.requests.filter((q) => q.template === '/oauth2/v1/token')).toHaveLength(1);
  });

  it('a token endpoint that fails (HTTP 503) is not a refused app: every capability an error naming it, no read sent', async () => {
    const { f, clock } = await fake({ apiToken: undefined, serviceApp: serviceApp(), tokenStatus: 503 });
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const r = await collectOkta({ orgUrl: f.url, auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey: pem }, clock });
    expect(r.coverage.map((c) => c.capability).sort()).toEqual([...OKTA_CAPABILITIES].sort());
    expect(r.coverage.every((c) => c.status === 'error' && /^HTTP 503 on \/oauth2\/v1\/token: Okta's token endpoint failed/.test(c.reason ?? ''))).toBe(true);
    expect(f.state.requests.filter((q) => q.template !== '/oauth2/v1/token')).toEqual([]);
  });

  it('an org that requires DPoP: the first token request is answered use_dpop_nonce, the SDK asks again with the nonce, and the reads carry DPoP tokens', async () => {
    const { f, clock } = await fake({ apiToken: undefined, serviceApp: serviceApp(), dpopNonce: 'nonce-from-okta' });
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const r = await collectOkta({ orgUrl: f.url, auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey: pem, keyId: 'nhiscan-kid' }, clock });
    expect(f.state.tokenRequests.map((t) => [t.ok, t.error, t.dpopNonce])).toEqual([
      [false, 'use_dpop_nonce', undefined],
      [true, undefined, 'nonce-from-okta'],
    ]);
    expect(r.coverage.every((c) => c.status === 'collected')).toBe(true);
    const apiCalls = f.state.requests.filter((q) => q.template !== '/oauth2/v1/token');
    expect(apiCalls.length).toBeGreaterThan(10);
    expect(apiCalls.every((q) => q.authorization.startsWith('DPoP CANARY-OKTA-AT-'))).toBe(true);
  });

  it('gets a new token when the old one expires mid-run', async () => {
    const { f, clock } = await fake({ apiToken: undefined, serviceApp: serviceApp(), tokenLifetimeRequests: 10 });
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const r = await collectOkta({
      orgUrl: f.url,
      auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey: pem },
      clock,
      maxConcurrent: 1,
    });
    expect(f.state.tokenRequests.length).toBeGreaterThan(1);
    expect(r.coverage.every((c) => c.status === 'collected')).toBe(true);
    expect(ids(r.files['okta/users.json'])).toEqual(sampleOrg().users.map((u) => u.id));
  });

  it('a token refresh that Okta refuses mid-run keeps what was read and records the reason, not Bearer undefined', async () => {
    const { f, clock } = await fake({
      apiToken: undefined,
      serviceApp: serviceApp(),
      tokenLifetimeRequests: 5,
      tokenGrantsAllowed: 1,
    });
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const r = await collectOkta({ orgUrl: f.url, auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey: pem }, clock, maxConcurrent: 1 });
    expect(Object.keys(r.files).length).toBeGreaterThan(0);
    const errors = r.coverage.filter((c) => c.status === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((c) => /invalid_client/.test(c.reason ?? ''))).toBe(true);
    // The refused refresh is asked for once; later reads fail at once instead of retrying it.
    expect(f.state.tokenRequests.map((t) => t.ok)).toEqual([true, false]);
    expect(f.state.requests.some((q) => q.authorization.includes('undefined'))).toBe(false);
  });

  // The fake's access token serves six reads: the six lists the run starts with. Every read after
  // them is answered 401, and the SDK asks the token endpoint for a new token. The authorization
  // servers' list is one of the six; their policies are read after it.
  const REFRESH_CAPS = {
    'okta.apps': 'collected',
    'okta.appCredentials': 'error',
    'okta.appGrants': 'error',
    'okta.clientRoles': 'error',
    'okta.apiTokens': 'collected',
    'okta.users': 'collected',
    'okta.adminRoles': 'error',
    'okta.factors': 'error',
    'okta.groups': 'error',
    'okta.appAssignments': 'error',
    'okta.userTypes': 'collected',
    'okta.authorizationServers': 'error',
  };

  it('a token refresh Okta limits mid-run (429, reset past the wait allowed) is asked for once: the reads left are error records naming it', async () => {
    const { f, clock } = await fake({
      apiToken: undefined,
      serviceApp: serviceApp(),
      tokenLifetimeRequests: 6,
      inject429: [{ template: '/oauth2/v1/token', after: 1, times: 1000, resetAfterMs: 10 * 60_000 }],
    });
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // Resolves: the limited refresh is no refused app, and what was read before it is kept.
    const r = await collectOkta({ orgUrl: f.url, auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey: pem }, clock });
    // The first token and the limited refresh, nothing more: the per-object reads that followed,
    // in several waves, did not ask the limited endpoint again.
    expect(f.state.requests.filter((q) => q.template === '/oauth2/v1/token')).toHaveLength(2);
    expect(f.state.injected429).toBe(1);
    expect(r.stats.tokenRequests).toBe(2);
    expect(Object.fromEntries(r.coverage.map((c) => [c.capability, c.status]))).toEqual(REFRESH_CAPS);
    for (const c of r.coverage.filter((x) => x.status === 'error')) {
      expect(c.reason).toMatch(/HTTP 429 on \/oauth2\/v1\/token/);
      expect(c.reason).toMatch(/Okta limited the request for a new access token/);
      // Not the wording of a listing's own 429, whose reads share a rate-limit bucket.
      expect(c.reason).not.toMatch(/share its rate limit/);
    }
    expect(ids(r.files['okta/users.json'])).toEqual(sampleOrg().users.map((u) => u.id));
    expect(f.state.requests.some((q) => q.authorization.includes('undefined'))).toBe(false);
  });

  it('a token refresh that fails mid-run (HTTP 503) is asked for once: the reads left are error records naming it', async () => {
    const { f, clock } = await fake({ apiToken: undefined, serviceApp: serviceApp(), tokenLifetimeRequests: 6, tokenStatus: 503, tokenStatusAfter: 1 });
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const r = await collectOkta({ orgUrl: f.url, auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey: pem }, clock });
    expect(f.state.tokenRequests.map((t) => [t.ok, t.error])).toEqual([
      [true, undefined],
      [false, 'server_error'],
    ]);
    expect(r.stats.tokenRequests).toBe(2);
    expect(Object.fromEntries(r.coverage.map((c) => [c.capability, c.status]))).toEqual(REFRESH_CAPS);
    for (const c of r.coverage.filter((x) => x.status === 'error')) {
      expect(c.reason).toMatch(/HTTP 503 on \/oauth2\/v1\/token: Okta's token endpoint failed when asked for a new access token/);
    }
  });

  it('a token refresh limited for a short while is retried after the reset it names, and the run completes', async () => {
    const { f, clock } = await fake({
      apiToken: undefined,
      serviceApp: serviceApp(),
      tokenLifetimeRequests: 25,
      inject429: [{ template: '/oauth2/v1/token', after: 1, times: 2, resetAfterMs: 2000 }],
    });
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const r = await collectOkta({ orgUrl: f.url, auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey: pem }, clock });
    // Remembering a limited token endpoint starts only once the retries within the wait allowed
    // have run out: here the third try of the refresh gets its token.
    expect(f.state.tokenRequests.map((t) => t.ok)).toEqual([true, true]);
    expect(f.state.injected429).toBe(2);
    expect(r.coverage.every((c) => c.status === 'collected')).toBe(true);
    expect(clock.slept).toBeGreaterThanOrEqual(2000);
  });

  it('accepts the key as a JWK with its own kid', async () => {
    const { f, clock } = await fake({ apiToken: undefined, serviceApp: serviceApp() });
    const jwk = { ...key.privateKey.export({ format: 'jwk' }), kid: 'nhiscan-kid' };
    const r = await collectOkta({
      orgUrl: f.url,
      auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey: JSON.stringify(jwk) },
      clock,
    });
    expect(f.state.tokenRequests[0]).toMatchObject({ ok: true, kid: 'nhiscan-kid' });
    expect(statusOf(r.coverage, 'okta.apps')).toBe('collected');
  });

  it('a key Okta does not know fails once with the token endpoint reason, never as Bearer undefined', async () => {
    const { f, clock } = await fake({ apiToken: undefined, serviceApp: serviceApp() });
    const pem = otherKey.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const run = collectOkta({
      orgUrl: f.url,
      auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey: pem, keyId: 'nhiscan-kid' },
      clock,
    });
    await expect(run).rejects.toThrow(OktaAuthError);
    await expect(run).rejects.toThrow(/invalid_client: The client_assertion signature is invalid/);
    expect(f.state.tokenRequests).toHaveLength(1);
    expect(f.state.requests.filter((q) => q.template !== '/oauth2/v1/token')).toEqual([]);
    expect(f.state.requests.some((q) => q.authorization.includes('undefined'))).toBe(false);
  });

  it('a scope the app was not granted is reported by name of the error', async () => {
    const { f, clock } = await fake({
      apiToken: undefined,
      serviceApp: { ...serviceApp()!, grantedScopes: ['okta.apps.read'] },
    });
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(
      collectOkta({ orgUrl: f.url, auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey: pem }, clock }),
    ).rejects.toThrow(/invalid_scope/);
    // One retry without each optional scope, then one without both, which Okta refuses too: no further attempt.
    expect(f.state.tokenRequests.map((t) => t.error)).toEqual(['invalid_scope', 'invalid_scope', 'invalid_scope', 'invalid_scope']);
    expect(f.state.requests.filter((q) => q.template !== '/oauth2/v1/token')).toEqual([]);
  });

  // Okta's org authorization server checks every requested scope against the app's grants and
  // refuses the whole token request with invalid_scope for one it lacks. A service app set up
  // before okta.userTypes.read was added must keep working, with only the user types missing.
  it('a service app without okta.userTypes.read: one retry without it, every other capability collected', async () => {
    const { f, clock } = await fake({
      apiToken: undefined,
      serviceApp: { ...serviceApp()!, grantedScopes: OKTA_READ_SCOPES.filter((s) => s !== 'okta.userTypes.read') },
    });
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const r = await collectOkta({ orgUrl: f.url, auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey: pem, keyId: 'nhiscan-kid' }, clock });

    expect(f.state.tokenRequests.map((t) => [t.ok, t.error])).toEqual([[false, 'invalid_scope'], [true, undefined]]);
    expect(f.state.tokenRequests[0].scope.split(' ')).toContain('okta.userTypes.read');
    expect(f.state.tokenRequests[1].scope.split(' ').sort()).toEqual(OKTA_READ_SCOPES.filter((s) => s !== 'okta.userTypes.read').sort());
    // The user types are not asked for with a token that cannot read them.
    expect(f.state.requests.filter((q) => q.template === '/api/v1/meta/types/user')).toEqual([]);
    expect(f.state.outsideScopes).toEqual([]);
    expect(r.coverage.find((c) => c.capability === 'okta.userTypes')).toMatchObject({ status: 'missing-permission', reason: expect.stringContaining('okta.userTypes.read') });
    for (const cap of ALL_CAPS.filter((c) => c !== 'okta.userTypes')) expect(statusOf(r.coverage, cap)).toBe('collected');
    expect(r.files['okta/userTypes.json']).toBeUndefined();
    expect(r.manifest.scopes).toEqual(OKTA_READ_SCOPES.filter((s) => s !== 'okta.userTypes.read'));
    const warnings = r.manifest.warnings as string[];
    expect(warnings.filter((w) => w.includes('okta.userTypes.read'))).toHaveLength(1);
    expect(r.stats.tokenRequests).toBe(2);
  });

  // The same for okta.authorizationServers.read, added later still: Okta does not say which scope
  // it lacks, so the user types' scope is left out alone first (refused again), then this one.
  it('a service app without okta.authorizationServers.read keeps its user types: only the servers are not read', async () => {
    const { f, clock } = await fake({
      apiToken: undefined,
      serviceApp: { ...serviceApp()!, grantedScopes: OKTA_READ_SCOPES.filter((s) => s !== 'okta.authorizationServers.read') },
    });
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const r = await collectOkta({ orgUrl: f.url, auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey: pem, keyId: 'nhiscan-kid' }, clock });
    expect(f.state.tokenRequests.map((t) => [t.ok, t.error])).toEqual([[false, 'invalid_scope'], [false, 'invalid_scope'], [true, undefined]]);
    expect(r.manifest.scopes).toEqual(OKTA_READ_SCOPES.filter((s) => s !== 'okta.authorizationServers.read'));
    expect(f.state.requests.filter((q) => q.template.startsWith('/api/v1/authorizationServers'))).toEqual([]);
    expect(f.state.outsideScopes).toEqual([]);
    expect(r.coverage.find((c) => c.capability === 'okta.authorizationServers')).toMatchObject({ status: 'missing-permission', reason: expect.stringContaining('okta.authorizationServers.read') });
    for (const cap of ALL_CAPS.filter((c) => c !== 'okta.authorizationServers')) expect(statusOf(r.coverage, cap)).toBe('collected');
    expect((r.manifest.warnings as string[]).filter((w) => w.includes('okta.authorizationServers'))).toHaveLength(1);
  });

  // With OAuth the SDK answers any 401 by dropping its token and asking once more with a new one
  // (http.js); an org without API Access Management refuses that one too. The feature's 401 must
  // not end the run or the later reads.
  it('an org without API Access Management (401 E0000015) under OAuth: one token more, every other capability collected', async () => {
    const body = JSON.stringify({ errorCode: 'E0000015', errorSummary: 'You do not have permission to access the feature you are requesting' });
    const { f, clock } = await fake({ apiToken: undefined, serviceApp: serviceApp(), rawBodyOn: [{ template: '/api/v1/authorizationServers', body, status: 401 }] });
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const r = await collectOkta({ orgUrl: f.url, auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey: pem, keyId: 'nhiscan-kid' }, clock });
    expect(r.coverage.find((c) => c.capability === 'okta.authorizationServers')).toMatchObject({ status: 'missing-permission', reason: expect.stringContaining('API Access Management') });
    for (const cap of ALL_CAPS.filter((c) => c !== 'okta.authorizationServers')) expect(statusOf(r.coverage, cap)).toBe('collected');
    expect(f.state.tokenRequests.map((t) => t.ok)).toEqual([true, true]);
    expect(f.state.requests.filter((q) => q.template === '/api/v1/authorizationServers')).toHaveLength(2);
  });

  it('scopes given explicitly are requested as given: invalid_scope is not retried', async () => {
    const { f, clock } = await fake({
      apiToken: undefined,
      serviceApp: { ...serviceApp()!, grantedScopes: OKTA_READ_SCOPES.filter((s) => s !== 'okta.userTypes.read') },
    });
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(
      collectOkta({ orgUrl: f.url, auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey: pem, scopes: [...OKTA_READ_SCOPES] }, clock }),
    ).rejects.toThrow(/invalid_scope/);
    expect(f.state.tokenRequests).toHaveLength(1);
  });

  it('an unparsable or non-RSA key is a config error before any request', async () => {
    const { f, clock } = await fake({ apiToken: undefined, serviceApp: serviceApp() });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const privateKey of ['-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n', ec]) {
      await expect(
        collectOkta({ orgUrl: f.url, auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey }, clock }),
      ).rejects.toThrow(OktaConfigError);
    }
    expect(f.state.requests).toEqual([]);
  });

  it('names OKTA_PRIVATE_KEY_PATH when the key in it is unusable', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const privateKey of ['not a key', ec]) {
      await expect(
        collectOkta({ orgUrl: 'https://contoso.okta.com', auth: { kind: 'privateKey', clientId: '0oaNHISCAN1', privateKey } }),
      ).rejects.toThrow(/OKTA_PRIVATE_KEY_PATH/);
    }
  });

  it('refuses a plain-http org URL that is not loopback', async () => {
    await expect(
      collectOkta({ orgUrl: 'http://contoso.okta.com', auth: { kind: 'ssws', token: 'x' } }),
    ).rejects.toThrow(OktaConfigError);
  });
});
