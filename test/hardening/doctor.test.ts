import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { registerDoctor } from '../../src/cli/doctor-command.js';
import { OKTA_READ_SCOPES } from '../../src/connectors/okta/client.js';
import { OKTA_CAPABILITIES } from '../../src/connectors/okta/coverage.js';
import { checkAws } from '../../src/doctor/aws.js';
import { checkEntra } from '../../src/doctor/entra.js';
import { checkOkta } from '../../src/doctor/okta.js';
import { doctorExitCode, renderDoctor } from '../../src/doctor/render.js';
import { DOCTOR_WAIT_BUDGET_MS, type ProviderReport } from '../../src/doctor/types.js';
import { InputError } from '../../src/errors.js';
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

const status = (r: ProviderReport) => Object.fromEntries(r.checks.map((c) => [c.name, c.status]));

describe('renderDoctor and doctorExitCode', () => {
  const ok: ProviderReport = { provider: 'okta', scope: 'https://x.okta.com', credential: { name: 'credential', status: 'ok' }, checks: [{ name: 'okta.apps', status: 'ok' }] };
  it('exit 0 when all OK, 3 when a capability is missing or failed, 2 when the credential is refused', () => {
    expect(doctorExitCode([ok])).toBe(0);
    expect(doctorExitCode([{ ...ok, checks: [{ name: 'okta.apps', status: 'missing', grant: 'okta.apps.read' }] }])).toBe(3);
    expect(doctorExitCode([{ ...ok, checks: [{ name: 'okta.apps', status: 'error', detail: 'HTTP 500' }] }])).toBe(3);
    expect(doctorExitCode([ok, { ...ok, credential: { name: 'credential', status: 'error' } }])).toBe(2);
    expect(doctorExitCode([{ ...ok, checks: [{ name: 'okta.factors', status: 'skipped' }] }])).toBe(0);
  });

  it('does not call a credential "refused" when its endpoint was unreachable, and exits 3 for it, not 2', () => {
    const unreachable: ProviderReport = { provider: 'aws', scope: 'caller', credential: { name: 'credential', status: 'error', detail: 'GetCallerIdentity: connect ECONNREFUSED 127.0.0.1:9', unreachable: true }, checks: [] };
    const out = renderDoctor([unreachable]);
    expect(out).toMatch(/A provider could not be reached \(see its credential line above\): check network access/);
    expect(out).not.toMatch(/refused/);
    expect(doctorExitCode([unreachable])).toBe(3);
    // A refused credential elsewhere still makes it a credential error (2), and both are said.
    const refused: ProviderReport = { ...ok, credential: { name: 'credential', status: 'error', detail: 'Okta rejected the credential (HTTP 401)' } };
    expect(doctorExitCode([unreachable, refused])).toBe(2);
    const both = renderDoctor([unreachable, refused]);
    expect(both).toMatch(/A credential was refused or could not be used/);
    expect(both).toMatch(/A provider could not be reached/);
    // Unreachable and a missing permission elsewhere: 3, both said.
    const missing: ProviderReport = { ...ok, checks: [{ name: 'okta.apps', status: 'missing', grant: 'okta.apps.read' }] };
    expect(doctorExitCode([unreachable, missing])).toBe(3);
    expect(renderDoctor([unreachable, missing])).toMatch(/could not be reached[^]*Some capabilities cannot be read/);
  });

  it('names what to grant and neutralises provider text', () => {
    const out = renderDoctor([{ ...ok, checks: [{ name: 'okta.apps', status: 'missing', grant: 'okta.apps.read', detail: 'HTTP 403 \u001b[31mE0000006' }] }]);
    expect(out).toMatch(/MISSING\s+okta\.apps\s+grant okta\.apps\.read \(HTTP 403 /);
    expect(out).not.toContain('\u001b');
  });
});

describe('doctor against the Entra fake', () => {
  const TENANT = '11111111-2222-4333-8444-555555555555';
  const CLIENT = '99999999-8888-4777-8666-555555555555';
  const SECRET = 'doctor-entra-secret';
  const run = async (grantedPermissions: string[], secret = SECRET) => {
    const fake = await startEntraFake({ dataset: makeEntraDataset(TENANT, { servicePrincipals: 5 }), clientId: CLIENT, clientSecret: SECRET, grantedPermissions });
    try {
      const report = await checkEntra({ tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', clientSecret: secret }, tokenEndpoint: fake.tokenEndpoint, graphUrl: fake.url });
      return { report, graphCalls: fake.log.filter((l) => !l.path.endsWith('/token')).length, undocumented: fake.undocumented };
    } finally {
      await fake.close();
    }
  };

  it('all OK with the documented permissions, one read per capability', async () => {
    const { report, graphCalls, undocumented } = await run(ENTRA_SHORT_VERSION);
    expect(report.credential.status).toBe('ok');
    expect(Object.values(status(report)).every((s) => s === 'ok')).toBe(true);
    expect(graphCalls).toBe(report.checks.length);
    expect(undocumented).toEqual([]);
    expect(doctorExitCode([report])).toBe(0);
  });

  it('names AuditLog.Read.All for every capability that needs it when it is not granted', async () => {
    const { report } = await run(ENTRA_SHORT_VERSION.filter((p) => p !== 'AuditLog.Read.All'));
    const missing = report.checks.filter((c) => c.status === 'missing');
    expect(missing.map((c) => c.name).sort()).toEqual(['entra.credentialSignInActivity', 'entra.mfaRegistration', 'entra.signInActivity', 'entra.userSignInActivity']);
    for (const m of missing) expect(m.grant).toMatch(/^AuditLog\.Read\.All/);
    expect(status(report)['entra.users']).toBe('ok');
    expect(doctorExitCode([report])).toBe(3);
  });

  // A 200 whose body is not JSON (a proxy's page, a cut answer) has not shown that the read works:
  // an error, like the collector's "malformed page", and nothing of the body is quoted.
  it('reports an answer that is not JSON as an error, not OK, without quoting it', async () => {
    const fake = await startEntraFake({ dataset: makeEntraDataset(TENANT, { servicePrincipals: 5 }), clientId: CLIENT, clientSecret: SECRET, grantedPermissions: ENTRA_SHORT_VERSION });
    const cut: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (new URL(url).pathname === '/v1.0/applications') return new Response('{"value": [{"secretText": DOCTORSECRETVALUE-0123', { status: 200, headers: { 'content-type': 'application/json' } });
      return fetch(input, init);
    };
    try {
      const report = await checkEntra({ tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', clientSecret: SECRET }, tokenEndpoint: fake.tokenEndpoint, graphUrl: fake.url, fetch: cut });
      expect(report.checks.find((c) => c.name === 'entra.applications')).toEqual({ name: 'entra.applications', status: 'error', detail: 'GET /v1.0/applications answered without a JSON object' });
      expect(status(report)['entra.servicePrincipals']).toBe('ok');
      expect(renderDoctor([report])).not.toMatch(/DOCTORSECRET|SECRETVALUE|secretText/);
      expect(doctorExitCode([report])).toBe(3);
    } finally {
      await fake.close();
    }
  });

  it('reports a refused secret on the credential line without echoing it', async () => {
    const { report } = await run(ENTRA_SHORT_VERSION, 'doctor-wrong-secret');
    expect(report.credential.status).toBe('error');
    expect(report.credential.detail).toMatch(/invalid_client/);
    expect(JSON.stringify(report)).not.toContain('doctor-wrong-secret');
    expect(doctorExitCode([report])).toBe(2);
  });
});

describe('doctor against the Okta fake', () => {
  let sandbox: { restore(): void };
  beforeAll(() => {
    sandbox = oktaSandbox();
  });
  afterAll(() => sandbox.restore());
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  const run = async (grantedScopes: string[]) => {
    const clock = new VirtualClock();
    const fake = await startOktaFake({ dataset: sampleOrg(), now: clock.now, responseDelayMs: 0, serviceApp: { clientId: '0oaDOCTOR1', publicKey, grantedScopes } });
    try {
      const report = await checkOkta({ orgUrl: fake.url, auth: { kind: 'privateKey', clientId: '0oaDOCTOR1', privateKey: pem, scopes: grantedScopes }, clock });
      return { report, limits: fake.state.limits };
    } finally {
      await fake.close();
    }
  };

  it('all OK with the documented scopes, reading one item per list', async () => {
    const { report, limits } = await run([...OKTA_READ_SCOPES]);
    expect(report.credential.status).toBe('ok');
    expect(Object.values(status(report)).every((s) => s === 'ok')).toBe(true);
    expect(report.checks.map((c) => c.name).sort()).toEqual([...OKTA_CAPABILITIES].sort());
    expect(Object.values(limits).flat().every((l) => l === 1)).toBe(true);
    expect(doctorExitCode([report])).toBe(0);
  });

  it('names the scope to grant for what the token does not cover', async () => {
    const { report } = await run(OKTA_READ_SCOPES.filter((s) => s !== 'okta.roles.read' && s !== 'okta.appGrants.read'));
    const missing = Object.fromEntries(report.checks.filter((c) => c.status === 'missing').map((c) => [c.name, c.grant]));
    expect(Object.keys(missing).sort()).toEqual(['okta.adminRoles', 'okta.appGrants', 'okta.clientRoles']);
    expect(missing['okta.adminRoles']).toMatch(/^okta\.roles\.read/);
    expect(missing['okta.appGrants']).toMatch(/^okta\.appGrants\.read/);
    expect(doctorExitCode([report])).toBe(3);
  });

  // Okta refuses the whole token request for a scope the app lacks; like the collector, the doctor
  // asks once more without okta.userTypes.read and names it as the scope to grant.
  it('a service app without okta.userTypes.read (default scopes): the token is issued and only that scope is missing', async () => {
    const clock = new VirtualClock();
    const granted = OKTA_READ_SCOPES.filter((s) => s !== 'okta.userTypes.read');
    const fake = await startOktaFake({ dataset: sampleOrg(), now: clock.now, responseDelayMs: 0, serviceApp: { clientId: '0oaDOCTOR1', publicKey, grantedScopes: granted } });
    try {
      const report = await checkOkta({ orgUrl: fake.url, auth: { kind: 'privateKey', clientId: '0oaDOCTOR1', privateKey: pem }, clock });
      expect(report.credential.status).toBe('ok');
      const notOk = report.checks.filter((c) => c.status !== 'ok');
      expect(notOk).toEqual([expect.objectContaining({ name: 'okta.userTypes', status: 'missing', grant: expect.stringMatching(/^okta\.userTypes\.read/), detail: expect.stringContaining('invalid_scope') })]);
      expect(fake.state.requests.filter((q) => q.template === '/api/v1/meta/types/user')).toEqual([]);
      expect(doctorExitCode([report])).toBe(3);
    } finally {
      await fake.close();
    }
  });

  it('checks every capability the collector records: client roles and app assignments too', async () => {
    const clock = new VirtualClock();
    const fake = await startOktaFake({ dataset: sampleOrg(), apiToken: 'doctor-ssws-token', now: clock.now, responseDelayMs: 0, forbid: ['/oauth2/v1/clients/{id}/roles', '/api/v1/apps/{id}/groups'] });
    try {
      const report = await checkOkta({ orgUrl: fake.url, auth: { kind: 'ssws', token: 'doctor-ssws-token' }, clock });
      expect(report.credential.status).toBe('ok');
      const missing = Object.fromEntries(report.checks.filter((c) => c.status === 'missing').map((c) => [c.name, c.grant]));
      expect(Object.keys(missing).sort()).toEqual(['okta.appAssignments', 'okta.clientRoles']);
      expect(missing['okta.clientRoles']).toMatch(/^okta\.roles\.read/);
      expect(missing['okta.appAssignments']).toMatch(/^okta\.apps\.read/);
      expect(fake.state.requests.every((r) => r.method === 'GET')).toBe(true);
      expect(doctorExitCode([report])).toBe(3);
    } finally {
      await fake.close();
    }
  });

  // An org without API Access Management answers the custom authorization servers' list HTTP 401
  // E0000015: a feature the org lacks, not a rejected credential.
  it('an org without custom authorization servers (401 E0000015) is one missing check, not a rejected credential', async () => {
    const clock = new VirtualClock();
    const body = JSON.stringify({ errorCode: 'E0000015', errorSummary: 'You do not have permission to access the feature you are requesting' });
    const fake = await startOktaFake({ dataset: sampleOrg(), apiToken: 'doctor-ssws-token', now: clock.now, responseDelayMs: 0, rawBodyOn: [{ template: '/api/v1/authorizationServers', body, status: 401 }] });
    try {
      const report = await checkOkta({ orgUrl: fake.url, auth: { kind: 'ssws', token: 'doctor-ssws-token' }, clock });
      expect(report.credential.status).toBe('ok');
      expect(report.checks.filter((c) => c.status !== 'ok').map((c) => [c.name, c.status])).toEqual([['okta.authorizationServers', 'missing']]);
      expect(report.checks.find((c) => c.name === 'okta.authorizationServers')?.grant).toMatch(/API Access Management/);
    } finally {
      await fake.close();
    }
  });

  // V8's JSON.parse message quotes the text around the fault, here part of a client secret: the
  // check says which read failed, as the collector does, and quotes nothing of the body.
  it('reports an answer that is not valid JSON without quoting its body', async () => {
    const clock = new VirtualClock();
    const body = '[{"id":"0oa1","signOnMode":"OPENID_CONNECT","credentials":{"oauthClient":{"client_id":"0oa1","client_secret":DOCTORSECRETVALUE-abcdef0123456789}}}]';
    const fake = await startOktaFake({ dataset: sampleOrg(), apiToken: 'doctor-ssws-token', now: clock.now, responseDelayMs: 0, rawBodyOn: [{ template: '/api/v1/apps', body }, { template: '/api/v1/groups', body: '{"truncated": "DOCTORSECRETVALUE' }] });
    try {
      const report = await checkOkta({ orgUrl: fake.url, auth: { kind: 'ssws', token: 'doctor-ssws-token' }, clock });
      expect(report.checks.find((c) => c.name === 'okta.apps')).toEqual({ name: 'okta.apps', status: 'error', detail: 'OktaResponseError: the body from /api/v1/apps is not valid JSON' });
      expect(report.checks.find((c) => c.name === 'okta.groups')).toEqual({ name: 'okta.groups', status: 'error', detail: 'OktaResponseError: the body from /api/v1/groups is not valid JSON' });
      const out = renderDoctor([report]);
      expect(out).not.toMatch(/DOCTORSECRET|SECRETVALUE|client_secret/);
      expect(doctorExitCode([report])).toBe(3);
    } finally {
      await fake.close();
    }
  });

  it('prints one screen and sets the exit code through `nhiscan doctor --okta`', async () => {
    const clock = new VirtualClock();
    const fake = await startOktaFake({ dataset: sampleOrg(), apiToken: 'doctor-ssws-token', now: clock.now, responseDelayMs: 0, forbid: ['/api/v1/api-tokens'] });
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      written.push(String(s));
      return true;
    });
    const saved = { ...process.env };
    process.env.OKTA_ORG_URL = fake.url;
    process.env.OKTA_API_TOKEN = 'doctor-ssws-token';
    try {
      const program = new Command('nhiscan').exitOverride();
      registerDoctor(program);
      await program.parseAsync(['node', 'nhiscan', 'doctor', '--okta']);
      expect(process.exitCode).toBe(3);
      const out = written.join('');
      expect(out).toMatch(/^Okta \(http:\/\/127\.0\.0\.1:\d+\)\n/);
      expect(out).toMatch(/OK\s+credential\s+API token accepted \(SSWS/);
      expect(out).toMatch(/MISSING\s+okta\.apiTokens\s+grant okta\.apiTokens\.read/);
      expect(out).not.toContain('doctor-ssws-token');
      expect(out.split('\n').length).toBeLessThan(25);

      const none = new Command('nhiscan').exitOverride();
      registerDoctor(none);
      await expect(none.parseAsync(['node', 'nhiscan', 'doctor'])).rejects.toBeInstanceOf(InputError);
    } finally {
      spy.mockRestore();
      process.exitCode = undefined;
      for (const k of ['OKTA_ORG_URL', 'OKTA_API_TOKEN']) if (saved[k] === undefined) delete process.env[k];
      await fake.close();
    }
  });
});

describe('doctor against the AWS fake', () => {
  const env = useIsolatedAwsEnv();
  const KEY = 'AKIADOCTOR0000000001';
  const SECRET = 'doctor-aws-secret-0000000000000000000';

  const run = async (deny: string[], key = KEY) => {
    const fake = await startFakeAws({ accounts: [buildAccount('111122223333')], credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, deny });
    try {
      const report = await checkAws({ endpoint: fake.url, credentials: { accessKeyId: key, secretAccessKey: SECRET }, retryStrategy: new ConfiguredRetryStrategy(1, () => 1) });
      return { report, fake };
    } finally {
      await fake.close();
    }
  };

  it('all OK with the read-only policy, GetAccountAuthorizationDetails with MaxItems=1', async () => {
    const { report, fake } = await run([]);
    expect(report.scope).toBe('111122223333');
    expect(Object.values(status(report)).every((s) => s === 'ok')).toBe(true);
    expect(fake.maxItemsSeen).toEqual(['1']);
    expect(fake.refused).toEqual([]);
    expect(doctorExitCode([report])).toBe(0);
  });

  it('names the IAM action to grant when one is denied', async () => {
    const { report } = await run(['iam:GenerateCredentialReport', 'rolesanywhere:ListTrustAnchors']);
    const missing = report.checks.filter((c) => c.status === 'missing');
    expect(missing.map((c) => c.name).sort()).toEqual(['aws.credentialReport', 'aws.rolesAnywhere']);
    expect(missing.find((c) => c.name === 'aws.credentialReport')?.grant).toMatch(/iam:GenerateCredentialReport/);
    expect(JSON.stringify(report)).not.toContain(KEY);
    expect(doctorExitCode([report])).toBe(3);
  });

  it('probes every action the collector calls: a denied Get/ListProfiles read is missing, not OK', async () => {
    for (const action of ['iam:GetCredentialReport', 'iam:GetOpenIDConnectProvider', 'rolesanywhere:ListProfiles']) {
      const { report, fake } = await run([action]);
      const missing = report.checks.filter((c) => c.status === 'missing');
      expect(missing.map((c) => c.name), action).toHaveLength(1);
      expect(missing[0].grant, action).toContain(action);
      expect(missing[0].detail, action).toMatch(/AccessDenied/);
      expect(fake.refused, action).toEqual([]);
      expect(doctorExitCode([report]), action).toBe(3);
    }
  });

  // The SDK's parse error can quote the answer (V8's JSON.parse quotes the text around the fault):
  // the reason says the answer could not be parsed, and nothing of it. The collector shares it.
  it('reports an answer the SDK cannot parse (JSON or XML) without quoting it', async () => {
    const fake = await startFakeAws({
      accounts: [buildAccount('111122223333')],
      credentials: { accessKeyId: KEY, secretAccessKey: SECRET },
      rawOkBody: { 'rolesanywhere:ListTrustAnchors': '{"trustAnchors": DOCTORSECRETVALUE-0123456789', 'iam:ListSAMLProviders': '<ListSAMLProvidersResponse><x>DOCTORSECRETVALUE-0123456789<<' },
    });
    try {
      const report = await checkAws({ endpoint: fake.url, credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, retryStrategy: new ConfiguredRetryStrategy(1, () => 1) });
      expect(report.checks.find((c) => c.name === 'aws.rolesAnywhere')).toMatchObject({ status: 'error', detail: expect.stringMatching(/^ListTrustAnchors: SyntaxError the answer could not be parsed/) });
      expect(report.checks.find((c) => c.name === 'aws.federation')).toMatchObject({ status: 'error', detail: expect.stringMatching(/^ListSAMLProviders: \w+ \(HTTP 200\) the answer could not be parsed/) });
      expect(renderDoctor([report])).not.toMatch(/DOCTORSECRET|SECRETVALUE|trustAnchors/);
    } finally {
      await fake.close();
    }
  });

  it('redacts a session token from the default credential chain (as the CLI uses) when AWS echoes it', async () => {
    const TOKEN = 'CANARYDOCTORSESSIONTOKEN000000000001';
    const fake = await startFakeAws({ accounts: [buildAccount('111122223333')], credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, signatureMismatch: ['iam:ListSAMLProviders'] });
    process.env.AWS_ACCESS_KEY_ID = KEY;
    process.env.AWS_SECRET_ACCESS_KEY = SECRET;
    process.env.AWS_SESSION_TOKEN = TOKEN;
    try {
      const report = await checkAws({ endpoint: fake.url, retryStrategy: new ConfiguredRetryStrategy(1, () => 1) });
      expect(report.checks.find((c) => c.name === 'aws.federation')).toMatchObject({ status: 'error', detail: expect.stringContaining('SignatureDoesNotMatch') });
      expect(renderDoctor([report])).not.toContain(TOKEN);
      expect(JSON.stringify(report)).not.toContain(TOKEN);
    } finally {
      for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete process.env[k];
      await fake.close();
    }
  });

  it('sends every call, Roles Anywhere included, to AWS_ENDPOINT_URL (the CLI passes no endpoint)', async () => {
    const fake = await startFakeAws({ accounts: [buildAccount('111122223333')], credentials: { accessKeyId: KEY, secretAccessKey: SECRET } });
    process.env.AWS_ENDPOINT_URL = fake.url;
    try {
      const report = await checkAws({ credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, retryStrategy: new ConfiguredRetryStrategy(1, () => 1), requestTimeoutMs: 2000 });
      expect(status(report)).toEqual({ 'aws.iam': 'ok', 'aws.credentialReport': 'ok', 'aws.federation': 'ok', 'aws.rolesAnywhere': 'ok', 'aws.roleSessions': 'ok', 'aws.organization': 'ok' });
      expect(fake.counts['rolesanywhere:ListTrustAnchors']).toBe(1);
      expect(env.blocked).toEqual([]);
    } finally {
      delete process.env.AWS_ENDPOINT_URL;
      await fake.close();
    }
  });

  it('checks DescribeOrganization: refused is MISSING with its grant, an account in no organisation is OK', async () => {
    const check = async (fakeOpts: { deny?: string[] }, organizationId?: null) => {
      const fake = await startFakeAws({ accounts: [{ ...buildAccount('111122223333'), ...(organizationId === null ? { organizationId } : {}) }], credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, ...fakeOpts });
      try {
        const report = await checkAws({ endpoint: fake.url, credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, retryStrategy: new ConfiguredRetryStrategy(1, () => 1) });
        expect(fake.counts['organizations:DescribeOrganization']).toBe(1);
        return report.checks.find((c) => c.name === 'aws.organization');
      } finally {
        await fake.close();
      }
    };
    expect(await check({ deny: ['organizations:DescribeOrganization'] })).toMatchObject({ status: 'missing', grant: 'organizations:DescribeOrganization', detail: expect.stringContaining('AccessDeniedException') });
    expect(await check({}, null)).toEqual({ name: 'aws.organization', status: 'ok' });
    expect(env.blocked).toEqual([]);
  });

  it('multi-account: checks ListAccounts and AssumeRole, then the scan role (not the caller) in an account', async () => {
    const accounts = [buildAccount('111122223333'), buildAccount('222233334444'), buildAccount('333344445555')];
    const probe = async (fakeOpts: { deny?: string[]; denyAssumeRoleInto?: string[] }, target: string[] | 'all') => {
      const fake = await startFakeAws({ accounts, credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, ...fakeOpts });
      try {
        const report = await checkAws({ endpoint: fake.url, credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, retryStrategy: new ConfiguredRetryStrategy(1, () => 1), assumeRoleName: 'nhiscan-readonly', accounts: target });
        return { report, assumes: fake.counts['sts:AssumeRole'] ?? 0, refused: fake.refused };
      } finally {
        await fake.close();
      }
    };

    const ok = await probe({}, 'all');
    expect(status(ok.report)).toEqual({ 'aws.organizationAccounts': 'ok', 'aws.account': 'ok', 'aws.iam': 'ok', 'aws.credentialReport': 'ok', 'aws.federation': 'ok', 'aws.rolesAnywhere': 'ok', 'aws.roleSessions': 'ok', 'aws.organization': 'ok' });
    expect(ok.report.scope).toMatch(/^\d{12}$/);
    expect(ok.assumes).toBe(1);
    expect(ok.refused).toEqual([]);
    expect(doctorExitCode([ok.report])).toBe(0);

    const refused = await probe({ denyAssumeRoleInto: ['333344445555'] }, ['333344445555']);
    expect(refused.report.checks.find((c) => c.name === 'aws.account')).toMatchObject({ status: 'missing', grant: expect.stringContaining('sts:AssumeRole') });
    expect(status(refused.report)['aws.iam']).toBe('skipped');
    expect(doctorExitCode([refused.report])).toBe(3);

    const noList = await probe({ deny: ['organizations:ListAccounts'] }, 'all');
    expect(noList.report.checks.find((c) => c.name === 'aws.organizationAccounts')).toMatchObject({ status: 'missing', grant: expect.stringContaining('organizations:ListAccounts') });
    expect(doctorExitCode([noList.report])).toBe(3);
  });

  it('`nhiscan doctor --aws --aws-assume-role R --aws-accounts all` checks the scan role', async () => {
    const fake = await startFakeAws({ accounts: [buildAccount('111122223333'), buildAccount('222233334444')], credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, denyAssumeRoleInto: ['111122223333'] });
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      written.push(String(s));
      return true;
    });
    Object.assign(process.env, { AWS_ENDPOINT_URL: fake.url, AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET, AWS_MAX_ATTEMPTS: '1' });
    try {
      const program = new Command('nhiscan').exitOverride();
      registerDoctor(program);
      await program.parseAsync(['node', 'nhiscan', 'doctor', '--aws', '--aws-assume-role', 'nhiscan-readonly', '--aws-accounts', 'all']);
      const out = written.join('');
      expect(out).toMatch(/OK\s+aws\.organizationAccounts/);
      expect(out).toMatch(/MISSING\s+aws\.account\s+grant sts:AssumeRole on arn:aws:iam::111122223333:role\/nhiscan-readonly/);
      expect(out).toMatch(/SKIPPED\s+aws\.iam/);
      expect(process.exitCode).toBe(3);
      expect(env.blocked).toEqual([]);
    } finally {
      spy.mockRestore();
      process.exitCode = undefined;
      for (const k of ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_MAX_ATTEMPTS']) delete process.env[k];
      await fake.close();
    }
  });

  it('`nhiscan doctor --aws --aws-profile P` with no such profile is a usage error naming the flag, before any request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nhiscan-doctor-profile-'));
    const saved = { config: process.env.AWS_CONFIG_FILE, credentials: process.env.AWS_SHARED_CREDENTIALS_FILE };
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    writeFileSync(process.env.AWS_CONFIG_FILE, '[profile audit]\nregion = us-east-1\n');
    try {
      const program = new Command('nhiscan').exitOverride();
      registerDoctor(program);
      const err = await program.parseAsync(['node', 'nhiscan', 'doctor', '--aws', '--aws-profile', 'no-such-profile']).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).oneLine()).toMatch(/^--aws-profile: no profile "no-such-profile"/);
      expect(env.blocked).toEqual([]);
    } finally {
      process.env.AWS_CONFIG_FILE = saved.config;
      process.env.AWS_SHARED_CREDENTIALS_FILE = saved.credentials;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports invalid credentials on the credential line', async () => {
    const { report } = await run([], 'AKIAUNKNOWN000000001');
    expect(report.credential).toMatchObject({ status: 'error', detail: expect.stringContaining('InvalidClientTokenId') });
    expect(report.checks).toEqual([]);
    expect(doctorExitCode([report])).toBe(2);
    expect(env.blocked).toEqual([]);
  });
});

// A throttled provider must not hold doctor for long: every read waits at most
// DOCTOR_WAIT_BUDGET_MS in all after being throttled, then its line says THROTTLED (neither OK nor
// a permission to grant) and doctor exits 3. Waits go through an injected clock: the tests count
// requests and the milliseconds asked for, never wall time.
describe('doctor against a throttling provider', () => {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

  describe('AWS', () => {
    const env = useIsolatedAwsEnv();
    const KEY = 'AKIADOCTOR0000000002';
    const SECRET = 'doctor-aws-secret-0000000000000000002';

    it('a read throttled throughout waits the short doctor budget, not the collector\'s 30 s, and is THROTTLED', async () => {
      const fake = await startFakeAws({ accounts: [buildAccount('111122223333')], credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, throttleFirst: { 'iam:GetAccountAuthorizationDetails': 1000 } });
      const sleeps: number[] = [];
      try {
        const report = await checkAws({
          endpoint: fake.url,
          credentials: { accessKeyId: KEY, secretAccessKey: SECRET },
          sleep: async (ms) => void sleeps.push(ms),
          random: () => 0.5,
        });
        expect(status(report)).toEqual({ 'aws.iam': 'throttled', 'aws.credentialReport': 'ok', 'aws.federation': 'ok', 'aws.rolesAnywhere': 'ok', 'aws.roleSessions': 'ok', 'aws.organization': 'ok' });
        expect(report.checks.find((c) => c.name === 'aws.iam')?.detail).toMatch(/GetAccountAuthorizationDetails: Throttling.*run doctor again later/);
        // Half of 25, 50, 100 ... ms (the throttling base): 12 + 25 + 50 + 100 + 200 + 400 + 800 +
        // 1600 = 3187, then the 1813 left of the budget: 9 retries, 10 requests, and no send held
        // back by pacing.
        expect(sum(sleeps)).toBe(DOCTOR_WAIT_BUDGET_MS);
        expect(sleeps).toEqual([12, 25, 50, 100, 200, 400, 800, 1600, 1813]);
        expect(fake.counts['iam:GetAccountAuthorizationDetails']).toBe(10);
        expect(doctorExitCode([report])).toBe(3);
        const out = renderDoctor([report]);
        expect(out).toMatch(/THROTTLED aws\.iam\s+GetAccountAuthorizationDetails/);
        expect(out).toMatch(/limited doctor's requests.*run doctor again later/);
        expect(out).not.toMatch(/All checks passed|grant iam:GetAccountAuthorizationDetails/);
        expect(env.blocked).toEqual([]);
      } finally {
        await fake.close();
      }
    });

    it('a throttled GetCallerIdentity is not a refused credential: THROTTLED, exit 3, not 2', async () => {
      const fake = await startFakeAws({ accounts: [buildAccount('111122223333')], credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, throttleFirst: { 'sts:GetCallerIdentity': 1000 } });
      const sleeps: number[] = [];
      try {
        const report = await checkAws({ endpoint: fake.url, credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 });
        expect(report.credential).toMatchObject({ status: 'throttled', detail: expect.stringMatching(/run doctor again later/) });
        expect(sum(sleeps)).toBe(DOCTOR_WAIT_BUDGET_MS);
        expect(doctorExitCode([report])).toBe(3);
        expect(renderDoctor([report])).not.toMatch(/credential was refused/);
      } finally {
        await fake.close();
      }
    });

    it('near miss: a throttle that passes within the budget is OK', async () => {
      const fake = await startFakeAws({ accounts: [buildAccount('111122223333')], credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, throttleFirst: { 'iam:GetAccountAuthorizationDetails': 2 } });
      try {
        const report = await checkAws({ endpoint: fake.url, credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, sleep: async () => undefined, random: () => 0.5 });
        expect(status(report)['aws.iam']).toBe('ok');
        expect(fake.counts['iam:GetAccountAuthorizationDetails']).toBe(3);
        expect(doctorExitCode([report])).toBe(0);
      } finally {
        await fake.close();
      }
    });
  });

  describe('Entra', () => {
    const TENANT = '11111111-2222-4333-8444-555555555555';
    const CLIENT = '99999999-8888-4777-8666-555555555555';
    const SECRET = 'doctor-entra-secret';
    const run = async (throttle: { times: number; retryAfter?: string }) => {
      const fake = await startEntraFake({ dataset: makeEntraDataset(TENANT, { servicePrincipals: 5 }), clientId: CLIENT, clientSecret: SECRET, grantedPermissions: ENTRA_SHORT_VERSION, throttle: { '/v1.0/groups': throttle } });
      const sleeps: number[] = [];
      try {
        const report = await checkEntra({ tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', clientSecret: SECRET }, tokenEndpoint: fake.tokenEndpoint, graphUrl: fake.url, sleep: async (ms) => void sleeps.push(ms) });
        return { report, sleeps, groupReads: fake.log.filter((l) => l.path === '/v1.0/groups').length };
      } finally {
        await fake.close();
      }
    };

    it('a Retry-After beyond the budget is not waited for: one request, THROTTLED with the wait asked', async () => {
      const { report, sleeps, groupReads } = await run({ times: 100, retryAfter: '120' });
      expect(report.checks.find((c) => c.name === 'entra.groups')).toMatchObject({ status: 'throttled', detail: expect.stringMatching(/429.*retry after 120 s.*run doctor again later/) });
      expect(groupReads).toBe(1);
      expect(sleeps).toEqual([]);
      expect(status(report)['entra.users']).toBe('ok');
      expect(doctorExitCode([report])).toBe(3);
    });

    it('backoff without Retry-After stays within the budget, then THROTTLED', async () => {
      const { report, sleeps, groupReads } = await run({ times: 100 });
      expect(status(report)['entra.groups']).toBe('throttled');
      expect(sum(sleeps)).toBeLessThanOrEqual(DOCTOR_WAIT_BUDGET_MS);
      expect(groupReads).toBe(sleeps.length + 1);
    });

    it('near miss: a short Retry-After that passes is waited for and OK', async () => {
      const { report, sleeps, groupReads } = await run({ times: 1, retryAfter: '2' });
      expect(status(report)['entra.groups']).toBe('ok');
      expect(sleeps).toEqual([2000]);
      expect(groupReads).toBe(2);
    });
  });

  describe('Okta', () => {
    let sandbox: { restore(): void };
    beforeAll(() => {
      sandbox = oktaSandbox();
    });
    afterAll(() => sandbox.restore());
    const run = async (inject429: { template: string; times: number; resetAfterMs?: number }[]) => {
      const clock = new VirtualClock();
      const fake = await startOktaFake({ dataset: sampleOrg(), apiToken: 'doctor-ssws-token', now: clock.now, responseDelayMs: 0, inject429 });
      try {
        const report = await checkOkta({ orgUrl: fake.url, auth: { kind: 'ssws', token: 'doctor-ssws-token' }, clock });
        return { report, slept: clock.slept, reads: (t: string) => fake.state.requests.filter((q) => q.template === t).length };
      } finally {
        await fake.close();
      }
    };

    it('a rate-limit reset a minute away is not waited for: one request, THROTTLED', async () => {
      const { report, slept, reads } = await run([{ template: '/api/v1/groups', times: 100, resetAfterMs: 60_000 }]);
      expect(report.checks.find((c) => c.name === 'okta.groups')).toMatchObject({ status: 'throttled', detail: expect.stringMatching(/429.*run doctor again later/) });
      expect(reads('/api/v1/groups')).toBe(1);
      expect(slept).toBeLessThanOrEqual(DOCTOR_WAIT_BUDGET_MS);
      expect(status(report)['okta.users']).toBe('ok');
      expect(doctorExitCode([report])).toBe(3);
    });

    it('a token endpoint that fails (HTTP 503) is not a refused credential: not checked, exit 3, not 2', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const clock = new VirtualClock();
      const fake = await startOktaFake({ dataset: sampleOrg(), now: clock.now, responseDelayMs: 0, serviceApp: { clientId: '0oaDOCTOR1', publicKey, grantedScopes: [...OKTA_READ_SCOPES] }, tokenStatus: 503 });
      try {
        const report = await checkOkta({ orgUrl: fake.url, auth: { kind: 'privateKey', clientId: '0oaDOCTOR1', privateKey: pem, scopes: [...OKTA_READ_SCOPES] }, clock });
        expect(report.credential).toMatchObject({ status: 'error', serverError: true, detail: expect.stringMatching(/HTTP 503 \(a server error, not a refusal\)/) });
        expect(doctorExitCode([report])).toBe(3);
      } finally {
        await fake.close();
      }
    });

    it('a throttled token request is not a refused credential: THROTTLED, exit 3, not 2', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const clock = new VirtualClock();
      const fake = await startOktaFake({ dataset: sampleOrg(), now: clock.now, responseDelayMs: 0, serviceApp: { clientId: '0oaDOCTOR1', publicKey, grantedScopes: [...OKTA_READ_SCOPES] }, inject429: [{ template: '/oauth2/v1/token', times: 100, resetAfterMs: 60_000 }] });
      try {
        const report = await checkOkta({ orgUrl: fake.url, auth: { kind: 'privateKey', clientId: '0oaDOCTOR1', privateKey: pem, scopes: [...OKTA_READ_SCOPES] }, clock });
        expect(report.credential).toMatchObject({ status: 'throttled', detail: expect.stringMatching(/429.*run doctor again later/) });
        expect(fake.state.requests.filter((q) => q.template === '/oauth2/v1/token')).toHaveLength(1);
        expect(doctorExitCode([report])).toBe(3);
      } finally {
        await fake.close();
      }
    });

    it('a token refresh limited mid-check is asked for once: the checks left are THROTTLED naming it, exit 3', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const clock = new VirtualClock();
      // The first token serves two reads; the request for the next one is limited for ten minutes.
      const fake = await startOktaFake({
        dataset: sampleOrg(),
        now: clock.now,
        responseDelayMs: 0,
        serviceApp: { clientId: '0oaDOCTOR1', publicKey, grantedScopes: [...OKTA_READ_SCOPES] },
        tokenLifetimeRequests: 2,
        inject429: [{ template: '/oauth2/v1/token', after: 1, times: 100, resetAfterMs: 10 * 60_000 }],
      });
      try {
        const report = await checkOkta({ orgUrl: fake.url, auth: { kind: 'privateKey', clientId: '0oaDOCTOR1', privateKey: pem, scopes: [...OKTA_READ_SCOPES] }, clock });
        // Each check reads on its own, one after the other: without the refusal remembered, every
        // check after the third would ask the limited token endpoint again.
        expect(fake.state.requests.filter((q) => q.template === '/oauth2/v1/token')).toHaveLength(2);
        expect(report.credential.status).toBe('ok');
        const throttled = report.checks.filter((c) => c.status === 'throttled');
        expect(throttled.length).toBeGreaterThan(1);
        for (const c of throttled) expect(c.detail).toMatch(/^HTTP 429 on \/oauth2\/v1\/token: .*run doctor again later/);
        expect(report.checks.filter((c) => c.status === 'ok')).toHaveLength(2);
        expect(doctorExitCode([report])).toBe(3);
      } finally {
        await fake.close();
      }
    });

    it('near miss: a reset two seconds away is waited for and OK', async () => {
      const { report, reads } = await run([{ template: '/api/v1/groups', times: 1, resetAfterMs: 2000 }]);
      expect(status(report)['okta.groups']).toBe('ok');
      expect(reads('/api/v1/groups')).toBe(2);
    });
  });

  it('renders THROTTLED apart from errors and missing grants, and exits 3', () => {
    const r: ProviderReport = { provider: 'okta', scope: 'https://x.okta.com', credential: { name: 'credential', status: 'ok' }, checks: [{ name: 'okta.apps', status: 'throttled', detail: 'HTTP 429; run doctor again later' }] };
    const out = renderDoctor([r]);
    expect(out).toMatch(/THROTTLED okta\.apps\s+HTTP 429/);
    expect(out).not.toMatch(/Some capabilities cannot be read|All checks passed/);
    expect(doctorExitCode([r])).toBe(3);
  });
});
