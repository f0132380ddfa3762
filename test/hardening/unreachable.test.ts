import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { asInput } from '../../src/cli/live.js';
import { handleError } from '../../src/cli/main.js';
import { collectEntra } from '../../src/connectors/entra/client.js';
import { checkAws } from '../../src/doctor/aws.js';
import { checkEntra } from '../../src/doctor/entra.js';
import { checkOkta } from '../../src/doctor/okta.js';
import { doctorExitCode } from '../../src/doctor/render.js';
import { InputError, UnreachableError, isUnreachable } from '../../src/errors.js';
import { isolateAwsEnv, type AwsTestEnv } from '../fakes/aws-test-env.js';
import { makeEntraDataset } from '../fakes/entra-dataset.js';
import { startEntraFake } from '../fakes/entra-server.js';
import { cli } from '../helpers/cli.js';
import { oktaSandbox } from './okta-sandbox.js';

// A provider that does not answer (connection refused, DNS, TLS, timeout) is not a usage error
// nor a refused credential: `doctor` and `collect` exit 3 for it, as for any capability not read.

const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT = '99999999-8888-4777-8666-555555555555';
const SECRET = 'unreachable-test-secret-0001';

/** A port on 127.0.0.1 that was just free: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let work: string;
let keyFile: string;
let port: number;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nhiscan-unreachable-'));
  keyFile = join(work, 'okta-key.pem');
  writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  port = await closedPort();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('isUnreachable', () => {
  it('is true for errors that got no answer: socket, DNS, TLS and timeout errors, also as a cause', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'UND_ERR_CONNECT_TIMEOUT', 'CERT_HAS_EXPIRED']) {
      expect(isUnreachable(Object.assign(new Error('x'), { code })), code).toBe(true);
    }
    expect(isUnreachable(new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }))).toBe(true);
    expect(isUnreachable(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toBe(true);
    expect(isUnreachable(Object.assign(new Error('network timeout at: https://x.okta.com/'), { name: 'FetchError', type: 'request-timeout' }))).toBe(true);
  });

  it('is false when the provider answered: a refused credential, an HTTP status, a body that is not JSON', () => {
    const named = (name: string, message: string) => Object.assign(new Error(message), { name });
    expect(isUnreachable(named('EntraAuthError', `token request for tenant ${TENANT} failed: invalid_client (AADSTS7000215)`))).toBe(false);
    expect(isUnreachable(named('EntraAuthError', `token request for tenant ${TENANT} failed: endpoints_resolution_error`))).toBe(false);
    expect(isUnreachable(named('OktaAuthError', 'Okta token endpoint returned no access token'))).toBe(false);
    expect(isUnreachable(named('OktaAuthError', 'could not obtain an Okta access token (Error)'))).toBe(false);
    expect(isUnreachable(Object.assign(new Error('Forbidden'), { name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } }))).toBe(false);
    expect(isUnreachable(Object.assign(new Error('invalid json response body'), { name: 'FetchError', type: 'invalid-json' }))).toBe(false);
    expect(isUnreachable(new InputError('bad flag'))).toBe(false);
    expect(isUnreachable(undefined)).toBe(false);
  });
});

describe('doctor when a provider cannot be reached (in process)', () => {
  let sandbox: { restore(): void };
  let env: AwsTestEnv;
  beforeAll(() => {
    sandbox = oktaSandbox();
    env = isolateAwsEnv();
  });
  afterAll(() => {
    env.restore();
    sandbox.restore();
  });

  it('Entra: a closed token endpoint is unreachable, not a refused credential: exit 3', async () => {
    const report = await checkEntra({ tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', clientSecret: SECRET }, tokenEndpoint: `http://127.0.0.1:${port}/${TENANT}/oauth2/v2.0/token`, graphUrl: `http://127.0.0.1:${port}` });
    expect(report.credential).toMatchObject({ status: 'error', unreachable: true, detail: expect.stringMatching(/could not be reached/) });
    expect(report.checks).toEqual([]);
    expect(doctorExitCode([report])).toBe(3);
  });

  it('Entra: a token endpoint that never answers (timeout) is unreachable too: exit 3', async () => {
    const fake = await startEntraFake({ dataset: makeEntraDataset(TENANT, { servicePrincipals: 1 }), clientId: CLIENT, clientSecret: SECRET, hangTokenRequests: 1 });
    try {
      const report = await checkEntra({ tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', clientSecret: SECRET }, tokenEndpoint: fake.tokenEndpoint, graphUrl: fake.url, requestTimeoutMs: 150 });
      expect(report.credential).toMatchObject({ status: 'error', unreachable: true, detail: expect.stringMatching(/timed out/) });
      expect(doctorExitCode([report])).toBe(3);
    } finally {
      await fake.close();
    }
  });

  it('Entra: a refused secret stays a credential error: exit 2', async () => {
    const fake = await startEntraFake({ dataset: makeEntraDataset(TENANT, { servicePrincipals: 1 }), clientId: CLIENT, clientSecret: SECRET });
    try {
      const report = await checkEntra({ tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', clientSecret: 'wrong-secret' }, tokenEndpoint: fake.tokenEndpoint, graphUrl: fake.url });
      expect(report.credential.status).toBe('error');
      expect(report.credential.unreachable).toBeUndefined();
      expect(doctorExitCode([report])).toBe(2);
    } finally {
      await fake.close();
    }
  });

  // Known gap, outside src/doctor: without a token endpoint (the real set-up) MSAL first reads the
  // authority's OpenID configuration, and when that gets no answer it reports
  // endpoints_resolution_error, which src/connectors/entra/auth.ts words as a credential failure
  // (with the hint to check the secret). The doctor cannot tell it from an unknown tenant. This
  // test starts passing once auth.ts says "could not be reached" there; drop `.fails` then.
  it.fails('Entra: an authority host that cannot be reached (no token endpoint given) is unreachable: exit 3', async () => {
    const report = await checkEntra({ tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', clientSecret: SECRET }, authorityHost: `https://127.0.0.1:${port}`, graphUrl: `https://127.0.0.1:${port}`, requestTimeoutMs: 2000 });
    expect(report.credential.status).toBe('error');
    expect(doctorExitCode([report])).toBe(3);
  });

  it('Okta (OAuth): a closed token endpoint is unreachable: exit 3', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const report = await checkOkta({ orgUrl: `http://127.0.0.1:${port}`, auth: { kind: 'privateKey', clientId: '0oaUNREACHABLE', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), scopes: ['okta.apps.read'] }, requestTimeoutMs: 2000 });
    expect(report.credential).toMatchObject({ status: 'error', unreachable: true, detail: expect.stringMatching(/ECONNREFUSED/) });
    expect(doctorExitCode([report])).toBe(3);
  });

  it('Okta (API token): a closed org does not have its token called "accepted"; unreachable, exit 3', async () => {
    const report = await checkOkta({ orgUrl: `http://127.0.0.1:${port}`, auth: { kind: 'ssws', token: 'unreachable-ssws-token' }, requestTimeoutMs: 2000 });
    expect(report.credential).toMatchObject({ status: 'error', unreachable: true, detail: expect.stringMatching(/^API token not checked: the org could not be reached/) });
    expect(report.checks).toEqual([]);
    expect(doctorExitCode([report])).toBe(3);
  });

  it('AWS: a closed STS endpoint is unreachable: exit 3', async () => {
    const report = await checkAws({ endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'AKIAUNREACHABLE00001', secretAccessKey: 'unreachable-aws-secret-000000000000000' }, retryStrategy: new ConfiguredRetryStrategy(1, () => 1), requestTimeoutMs: 2000 });
    expect(report.credential).toMatchObject({ status: 'error', unreachable: true, detail: expect.stringMatching(/ECONNREFUSED/) });
    expect(doctorExitCode([report])).toBe(3);
    expect(env.blocked).toEqual([]);
  });
});

describe('collect when a token endpoint cannot be reached (in process)', () => {
  it('Entra: the collector\'s error becomes one line and exit 3, not a usage error (2)', async () => {
    const err = await collectEntra({ tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', clientSecret: SECRET }, tokenEndpoint: `http://127.0.0.1:${port}/${TENANT}/oauth2/v2.0/token`, graphUrl: `http://127.0.0.1:${port}`, requestTimeoutMs: 2000 }).catch((e: unknown) => e);
    const mapped = asInput(err);
    expect(mapped).toBeInstanceOf(UnreachableError);
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      written.push(String(s));
      return true;
    });
    try {
      expect(handleError(mapped, false)).toBe(3);
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toMatch(/^nhiscan: token request for tenant \S+ failed: the token endpoint could not be reached \(check network access[^\n]*\); nothing was read\n$/);
  });
});

describe('the CLI when a provider cannot be reached (a closed port on 127.0.0.1)', () => {
  const base = () => ({ HOME: work, AWS_CONFIG_FILE: join(work, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(work, 'none') });
  const okta = () => ({ ...base(), OKTA_ORG_URL: `http://127.0.0.1:${port}`, OKTA_CLIENT_ID: '0oaUNREACHABLE', OKTA_PRIVATE_KEY_PATH: keyFile, OKTA_KEY_ID: 'kid1' });
  const aws = () => ({ ...base(), AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'AKIAUNREACHABLE00001', AWS_SECRET_ACCESS_KEY: 'unreachable-aws-secret-000000000000000', AWS_MAX_ATTEMPTS: '1' });

  it('doctor --entra: exit 3, the credential line says the token endpoint could not be reached', () => {
    const r = cli(['doctor', '--entra', '--entra-token-endpoint', `http://127.0.0.1:${port}/${TENANT}/oauth2/v2.0/token`], {
      cwd: work,
      env: { ...base(), AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: SECRET },
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/ERROR\s+credential\s+token request for tenant \S+ failed: the token endpoint could not be reached/);
    expect(r.stdout).toMatch(/A provider could not be reached/);
    expect(r.stdout).not.toMatch(/refused/);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('doctor --okta: exit 3', () => {
    const r = cli(['doctor', '--okta'], { cwd: work, env: okta() });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/ERROR\s+credential\s+could not obtain an Okta access token \(request to \S+ failed, reason: connect ECONNREFUSED/);
  });

  it('doctor --aws: exit 3', () => {
    const r = cli(['doctor', '--aws'], { cwd: work, env: aws() });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/ERROR\s+credential\s+GetCallerIdentity: .*ECONNREFUSED/);
    expect(r.stdout + r.stderr).not.toContain('unreachable-aws-secret');
  });

  it('collect --okta: exit 3 with one line, nothing written (it exited 2, a usage error)', () => {
    const out = join(work, 'okta-out');
    const r = cli(['collect', '--okta', '--out', out], { cwd: work, env: okta() });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^nhiscan: could not obtain an Okta access token \(request to \S+ failed, reason: connect ECONNREFUSED [^\n]*\); nothing was read\n$/);
    expect(!existsSync(out) || readdirSync(out).length === 0).toBe(true);
  });

  it('collect --aws: exit 3, the failure recorded in the snapshot\'s coverage (as before)', () => {
    const out = join(work, 'aws-out');
    const r = cli(['collect', '--aws', '--out', out], { cwd: work, env: aws() });
    expect(r.code).toBe(3);
    expect(readdirSync(out)).toContain('manifest.json');
  });
});
