import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OKTA_READ_SCOPES } from '../../src/connectors/okta/client.js';
import { checkAws } from '../../src/doctor/aws.js';
import { checkEntra } from '../../src/doctor/entra.js';
import { checkOkta } from '../../src/doctor/okta.js';
import { doctorExitCode, renderDoctor } from '../../src/doctor/render.js';
import type { ProviderReport } from '../../src/doctor/types.js';
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

// A provider that answered 5xx at the credential step was reached: the footer must not send the
// user to check the network or a proxy, nor call the credential refused; the exit stays 3.
const NETWORK_ADVICE = /could not be reached|check network access|proxy/;
const SERVER_ADVICE = /answered with a server error[^\n]*credential was not checked[^\n]*status page/;

describe('doctor: a server error at the credential step', () => {
  it('renders its own footer, not the network one, and exits 3', () => {
    const r: ProviderReport = { provider: 'okta', scope: 'https://x.okta.com', credential: { name: 'credential', status: 'error', detail: 'token request answered HTTP 503', serverError: true }, checks: [] };
    const out = renderDoctor([r]);
    expect(out).toMatch(SERVER_ADVICE);
    expect(out).not.toMatch(NETWORK_ADVICE);
    expect(out).not.toMatch(/refused/);
    expect(doctorExitCode([r])).toBe(3);
    // A refused credential elsewhere still makes it 2, and both footers are shown.
    const refused: ProviderReport = { ...r, credential: { name: 'credential', status: 'error', detail: 'HTTP 401' } };
    expect(doctorExitCode([r, refused])).toBe(2);
    expect(renderDoctor([r, refused])).toMatch(/credential was refused[^]*answered with a server error/);
  });

  it('a capability read that failed with a server error is not sent to be granted: the footer says why by cause', () => {
    const failed: ProviderReport = { provider: 'entra', scope: 't', credential: { name: 'credential', status: 'ok', detail: 'token acquired' }, checks: [{ name: 'entra.users', status: 'error', detail: '503 ServiceUnavailable on /v1.0/users' }] };
    const out = renderDoctor([failed]);
    expect(out).not.toMatch(/grant what is listed/);
    expect(out).toMatch(/^A capability read failed \(ERROR above\): nothing to grant for it; run doctor again later/m);
    expect(doctorExitCode([failed])).toBe(3);
    // A missing permission still asks for the grant, and only the grant.
    const missing: ProviderReport = { ...failed, checks: [{ name: 'entra.users', status: 'missing', grant: 'User.Read.All' }] };
    expect(renderDoctor([missing])).toMatch(/^Some capabilities cannot be read: grant what is listed above \(MISSING\), or scans will report them as coverage gaps\.$/m);
    expect(renderDoctor([missing])).not.toMatch(/A capability read failed/);
    // Both: both lines.
    const both: ProviderReport = { ...failed, checks: [...failed.checks, { name: 'entra.groups', status: 'missing', grant: 'GroupMember.Read.All' }] };
    expect(renderDoctor([both])).toMatch(/grant what is listed above[^]*A capability read failed/);
  });

  describe('Okta', () => {
    let sandbox: { restore(): void };
    beforeAll(() => {
      sandbox = oktaSandbox();
    });
    afterAll(() => sandbox.restore());

    it('a token endpoint answering 503: a server error, not unreachable, not refused', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const clock = new VirtualClock();
      const fake = await startOktaFake({ dataset: sampleOrg(), now: clock.now, responseDelayMs: 0, serviceApp: { clientId: '0oaDOCTOR1', publicKey, grantedScopes: [...OKTA_READ_SCOPES] }, tokenStatus: 503 });
      try {
        const report = await checkOkta({ orgUrl: fake.url, auth: { kind: 'privateKey', clientId: '0oaDOCTOR1', privateKey: pem, scopes: [...OKTA_READ_SCOPES] }, clock });
        expect(report.credential).toMatchObject({ status: 'error', serverError: true, detail: expect.stringMatching(/HTTP 503/) });
        expect(report.credential.unreachable).toBeUndefined();
        const out = renderDoctor([report]);
        expect(out).toMatch(SERVER_ADVICE);
        expect(out).not.toMatch(NETWORK_ADVICE);
        expect(doctorExitCode([report])).toBe(3);
      } finally {
        await fake.close();
      }
    });
  });

  describe('Okta API token (SSWS): no token endpoint, the reads judge the token', () => {
    let sandbox: { restore(): void };
    beforeAll(() => {
      sandbox = oktaSandbox();
    });
    afterAll(() => sandbox.restore());
    const LISTS = ['/api/v1/apps', '/api/v1/users', '/api/v1/groups', '/api/v1/api-tokens', '/api/v1/meta/types/user', '/api/v1/authorizationServers'];
    const run = async (failing: string[]) => {
      const clock = new VirtualClock();
      const body = JSON.stringify({ errorCode: 'E0000009', errorSummary: 'Internal Server Error' });
      const fake = await startOktaFake({ dataset: sampleOrg(), apiToken: 'doctor-ssws-5xx', now: clock.now, responseDelayMs: 0, rawBodyOn: failing.map((template) => ({ template, body, status: 503 })) });
      try {
        return await checkOkta({ orgUrl: fake.url, auth: { kind: 'ssws', token: 'doctor-ssws-5xx' }, clock });
      } finally {
        await fake.close();
      }
    };

    it('every read answering 503: the token is not shown as accepted, but as not checked (server error)', async () => {
      const report = await run(LISTS);
      expect(report.credential).toMatchObject({ status: 'error', serverError: true, detail: expect.stringMatching(/API token not checked/) });
      expect(report.checks.filter((c) => c.status === 'error').map((c) => c.name)).toEqual(['okta.apps', 'okta.users', 'okta.groups', 'okta.apiTokens', 'okta.userTypes', 'okta.authorizationServers']);
      const out = renderDoctor([report]);
      expect(out).not.toMatch(/API token accepted/);
      expect(out).toMatch(SERVER_ADVICE);
      expect(doctorExitCode([report])).toBe(3);
    });

    it('every read limited (429): the token is THROTTLED, not shown as accepted nor refused', async () => {
      const clock = new VirtualClock();
      const fake = await startOktaFake({ dataset: sampleOrg(), apiToken: 'doctor-ssws-429', now: clock.now, responseDelayMs: 0, inject429: LISTS.map((template) => ({ template, times: 1000, resetAfterMs: 60_000 })) });
      try {
        const report = await checkOkta({ orgUrl: fake.url, auth: { kind: 'ssws', token: 'doctor-ssws-429' }, clock });
        expect(report.credential).toMatchObject({ status: 'throttled', detail: expect.stringMatching(/API token not checked.*run doctor again later/) });
        const out = renderDoctor([report]);
        expect(out).not.toMatch(/API token accepted|refused|could not be reached/);
        expect(doctorExitCode([report])).toBe(3);
      } finally {
        await fake.close();
      }
    });

    it('near miss: one read answered is enough to have judged the token', async () => {
      const report = await run(LISTS.filter((t) => t !== '/api/v1/groups'));
      expect(report.credential).toMatchObject({ status: 'ok', detail: expect.stringMatching(/API token accepted/) });
      expect(report.checks.find((c) => c.name === 'okta.groups')?.status).toBe('ok');
      expect(doctorExitCode([report])).toBe(3);
    });
  });

  describe('Entra', () => {
    const TENANT = '11111111-2222-4333-8444-555555555555';
    const CLIENT = '99999999-8888-4777-8666-555555555555';
    const SECRET = 'doctor-entra-secret-5xx';
    const run = async (tokenStatus: number) => {
      const fake = await startEntraFake({ dataset: makeEntraDataset(TENANT, { servicePrincipals: 2 }), clientId: CLIENT, clientSecret: SECRET, grantedPermissions: ENTRA_SHORT_VERSION, tokenStatus });
      try {
        const report = await checkEntra({ tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', clientSecret: SECRET }, tokenEndpoint: fake.tokenEndpoint, graphUrl: fake.url });
        return { report, graphReads: fake.counts.graph };
      } finally {
        await fake.close();
      }
    };

    it('a token endpoint answering 503: a server error, not a refused secret (exit 3, not 2)', async () => {
      const { report, graphReads } = await run(503);
      expect(report.credential).toMatchObject({ status: 'error', serverError: true, detail: expect.stringMatching(/HTTP 503/) });
      expect(report.credential.unreachable).toBeUndefined();
      // The secret's hint ("expired secret?") would send the user after the wrong thing.
      expect(report.credential.detail).not.toMatch(/AZURE_CLIENT_SECRET|expired secret/);
      expect(JSON.stringify(report)).not.toContain(SECRET);
      expect(graphReads).toBe(0);
      const out = renderDoctor([report]);
      expect(out).toMatch(SERVER_ADVICE);
      expect(out).not.toMatch(NETWORK_ADVICE);
      expect(out).not.toMatch(/refused/);
      expect(doctorExitCode([report])).toBe(3);
    });

    it('a token endpoint answering 429: THROTTLED, not a refused secret (exit 3, not 2)', async () => {
      const { report } = await run(429);
      expect(report.credential).toMatchObject({ status: 'throttled', detail: expect.stringMatching(/HTTP 429.*run doctor again later/) });
      expect(renderDoctor([report])).not.toMatch(/refused|could not be reached/);
      expect(doctorExitCode([report])).toBe(3);
    });

    it('near miss: a token request refused with 401 invalid_client is still a refused credential (exit 2)', async () => {
      const fake = await startEntraFake({ dataset: makeEntraDataset(TENANT, { servicePrincipals: 2 }), clientId: CLIENT, clientSecret: SECRET, grantedPermissions: ENTRA_SHORT_VERSION });
      try {
        const report = await checkEntra({ tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', clientSecret: 'doctor-wrong' }, tokenEndpoint: fake.tokenEndpoint, graphUrl: fake.url });
        expect(report.credential.serverError).toBeUndefined();
        expect(doctorExitCode([report])).toBe(2);
      } finally {
        await fake.close();
      }
    });
  });

  describe('AWS', () => {
    const env = useIsolatedAwsEnv();
    const KEY = 'AKIADOCTOR0000000005';
    const SECRET = 'doctor-aws-secret-0000000000000000005';

    it('GetCallerIdentity answering 503 every time: a server error, not a refused credential (exit 3, not 2)', async () => {
      const fake = await startFakeAws({ accounts: [buildAccount('111122223333')], credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, serverErrorFirst: { 'sts:GetCallerIdentity': 100 } });
      try {
        const report = await checkAws({ endpoint: fake.url, credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, sleep: async () => undefined, random: () => 0.5 });
        expect(report.credential).toMatchObject({ status: 'error', serverError: true, detail: expect.stringMatching(/GetCallerIdentity: ServiceUnavailable \(HTTP 503\)/) });
        expect(report.credential.unreachable).toBeUndefined();
        // Retried as the SDK does for a 5xx (3 attempts), then given up.
        expect(fake.counts['sts:GetCallerIdentity']).toBe(3);
        const out = renderDoctor([report]);
        expect(out).toMatch(SERVER_ADVICE);
        expect(out).not.toMatch(NETWORK_ADVICE);
        expect(out).not.toMatch(/refused/);
        expect(doctorExitCode([report])).toBe(3);
        expect(env.blocked).toEqual([]);
      } finally {
        await fake.close();
      }
    });

    it('near miss: a 503 that passes within the retries is OK', async () => {
      const fake = await startFakeAws({ accounts: [buildAccount('111122223333')], credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, serverErrorFirst: { 'sts:GetCallerIdentity': 1 } });
      try {
        const report = await checkAws({ endpoint: fake.url, credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, sleep: async () => undefined, random: () => 0.5 });
        expect(report.credential.status).toBe('ok');
        expect(doctorExitCode([report])).toBe(0);
      } finally {
        await fake.close();
      }
    });
  });
});
