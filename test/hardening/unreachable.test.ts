import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { asInput } from '../../src/cli/live.js';
import { handleError } from '../../src/cli/main.js';
import { createTokenSource } from '../../src/connectors/entra/auth.js';
import { EntraAuthError, collectEntra } from '../../src/connectors/entra/client.js';
import { checkAws } from '../../src/doctor/aws.js';
import { checkEntra } from '../../src/doctor/entra.js';
import { checkOkta } from '../../src/doctor/okta.js';
import { doctorExitCode } from '../../src/doctor/render.js';
import { InputError, UnreachableError, isUnreachable } from '../../src/errors.js';
import { isolateAwsEnv, type AwsTestEnv } from '../fakes/aws-test-env.js';
import { makeEntraDataset } from '../fakes/entra-dataset.js';
import { startEntraFake } from '../fakes/entra-server.js';
import { cli, repoRoot } from '../helpers/cli.js';
import { cliAsync } from './cli-async.js';
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
    expect(isUnreachable(new EntraAuthError(`token request for tenant ${TENANT} failed: the authority host could not be reached`, undefined, { unreachable: true }))).toBe(true);
  });

  it('is false when the provider answered: a refused credential, an HTTP status, a body that is not JSON', () => {
    const named = (name: string, message: string) => Object.assign(new Error(message), { name });
    expect(isUnreachable(named('EntraAuthError', `token request for tenant ${TENANT} failed: invalid_client (AADSTS7000215)`))).toBe(false);
    expect(isUnreachable(named('EntraAuthError', `token request for tenant ${TENANT} failed: endpoints_resolution_error`))).toBe(false);
    // The Entra error says so with its flag, not with its wording.
    expect(isUnreachable(new EntraAuthError(`token request for tenant ${TENANT} failed: the token endpoint could not be reached`))).toBe(false);
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

  // Without a token endpoint (the real set-up) MSAL first reads the authority's OpenID
  // configuration, unless it knows the host's endpoints itself (login.microsoftonline.com, .us,
  // partner.microsoftonline.cn: there it posts the token request at once). When that read gets no
  // answer MSAL drops the network error and reports endpoints_resolution_error, as it does for an
  // unknown tenant; the network client records that the read got no answer.
  it('Entra: an authority host that cannot be reached (no token endpoint given) is unreachable: exit 3', async () => {
    const report = await checkEntra({ tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', clientSecret: SECRET }, authorityHost: `https://127.0.0.1:${port}`, graphUrl: `https://127.0.0.1:${port}`, requestTimeoutMs: 2000 });
    expect(report.credential).toMatchObject({ status: 'error', unreachable: true, detail: expect.stringMatching(/^token request for tenant \S+ failed: the authority host could not be reached/) });
    expect(report.credential.detail).not.toMatch(/AZURE_CLIENT_SECRET|endpoints_resolution_error/);
    expect(doctorExitCode([report])).toBe(3);
  });

  it('Entra: an authority host that takes the connection but never answers (no token endpoint given) times out: exit 3', async () => {
    const held: Socket[] = [];
    const silent = createNetServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const at = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const report = await checkEntra({ tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', clientSecret: SECRET }, authorityHost: at, graphUrl: at, requestTimeoutMs: 150 });
      expect(report.credential).toMatchObject({ status: 'error', unreachable: true, detail: expect.stringMatching(/timed out \(no answer within 150 ms\)/) });
      expect(held.length).toBeGreaterThan(0);
      expect(doctorExitCode([report])).toBe(3);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('Entra: an authority host whose TLS fails (plain http behind the https URL) is unreachable, though that server would answer 400: exit 3', async () => {
    let requests = 0;
    const plain = createServer((_req, res) => {
      requests++;
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"invalid_tenant"}');
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const at = `https://127.0.0.1:${(plain.address() as AddressInfo).port}`;
      const report = await checkEntra({ tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', clientSecret: SECRET }, authorityHost: at, graphUrl: at, requestTimeoutMs: 2000 });
      expect(report.credential).toMatchObject({ status: 'error', unreachable: true, detail: expect.stringMatching(/the authority host could not be reached/) });
      expect(requests).toBe(0);
      expect(doctorExitCode([report])).toBe(3);
    } finally {
      plain.closeAllConnections();
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });

  it('Entra: a refused secret after a request that got no answer is a refused secret, not an unreachable host', async () => {
    // One token source, two token requests: the first connection is dropped without an answer,
    // the second is answered 401. Only the request of the failing acquisition counts.
    const answers = ['drop', 'refuse'];
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (answers.shift() === 'drop') {
          req.socket.destroy();
          return;
        }
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${TENANT}/oauth2/v2.0/token`;
      const tokens = await createTokenSource({ tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', clientSecret: SECRET }, tokenEndpoint: url, requestTimeoutMs: 2000 }, 'https://graph.microsoft.com');
      const first = await tokens.getToken(false).catch((e: unknown) => e);
      expect(first).toMatchObject({ unreachable: true, message: expect.stringMatching(/the token endpoint could not be reached$/) });
      const second = await tokens.getToken(false).catch((e: unknown) => e);
      expect(second).toMatchObject({ unreachable: false, message: expect.stringMatching(/failed: invalid_client \(AADSTS7000215\)$/) });
      expect(isUnreachable(second)).toBe(false);
      expect(answers).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
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

  it('the collect step of the workflows in docs/ci.md fails when nothing was written, and accepts a snapshot with gaps', () => {
    // Both exit 3; only the second wrote a snapshot. The step's shell guard, as documented, must
    // tell them apart, or a total outage passes the Collect step and fails later, far from its cause.
    const doc = readFileSync(join(repoRoot, 'docs', 'ci.md'), 'utf8');
    const guards = [...doc.matchAll(/nhiscan collect [^\n]*?--out snapshot( \|\|[^\n]*)$/gm)].map((m) => m[1]);
    expect(guards).toHaveLength(2); // GitHub Actions and GitLab CI
    const step = (guard: string, env: Record<string, string>) => {
      const dir = mkdtempSync(join(work, 'step-'));
      const collect = `"${process.execPath}" "${join(repoRoot, 'bin', 'nhiscan.js')}" collect ${env.OKTA_ORG_URL ? '--okta' : '--aws'} --out snapshot`;
      const netGuard = join(repoRoot, 'test', 'helpers', 'net-guard.cjs');
      const r = spawnSync('sh', ['-c', `${collect}${guard}`], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true', NODE_OPTIONS: `--require ${netGuard}`, ...env } });
      return r.status;
    };
    for (const guard of guards) {
      expect(step(guard, okta())).not.toBe(0);
      expect(step(guard, aws())).toBe(0);
    }
  });
});

describe('the CLI with an Entra authority host and no token endpoint given (the real set-up)', () => {
  const env = () => ({ HOME: work, AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: SECRET });
  const flags = (at: string) => ['--entra', '--entra-authority', at, '--graph-url', at];

  it('doctor, collect and scan: a host that cannot be reached is exit 3, not a refused credential (they exited 2)', () => {
    const at = `https://127.0.0.1:${port}`;
    const doctor = cli(['doctor', ...flags(at)], { cwd: work, env: env() });
    expect(doctor.code).toBe(3);
    expect(doctor.stdout).toMatch(/ERROR\s+credential\s+token request for tenant \S+ failed: the authority host could not be reached/);
    expect(doctor.stdout).toMatch(/A provider could not be reached/);
    const out = join(work, 'entra-authority-out');
    const collect = cli(['collect', ...flags(at), '--out', out], { cwd: work, env: env() });
    expect(collect.code).toBe(3);
    expect(collect.stderr).toMatch(/^nhiscan: token request for tenant \S+ failed: the authority host could not be reached \(check network access[^\n]*\); nothing was read\n$/);
    expect(!existsSync(out) || readdirSync(out).length === 0).toBe(true);
    const scan = cli(['scan', ...flags(at)], { cwd: work, env: env() });
    expect(scan.code).toBe(3);
    for (const r of [doctor, collect, scan]) expect(r.stdout + r.stderr).not.toMatch(/AZURE_CLIENT_SECRET|unreachable-test-secret/);
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe.skipIf(!hasOpenssl)('the CLI with an Entra authority host that answers over TLS (self-signed cert made with openssl)', () => {
  // An unknown tenant: Entra answers the OpenID configuration read with 400 invalid_tenant, and
  // MSAL reports endpoints_resolution_error, the same code as for a host that did not answer.
  let caFile: string;
  let at: string;
  const seen: string[] = [];
  let server: ReturnType<typeof createHttpsServer>;
  beforeAll(async () => {
    const key = join(work, 'authority.key');
    caFile = join(work, 'authority.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', caFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(caFile) }, (req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${TENANT}' not found.` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    at = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const env = (extra: Record<string, string> = {}) => ({ HOME: work, AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: SECRET, ...extra });
  const flags = () => ['--entra', '--entra-authority', at, '--graph-url', at];

  it('doctor, collect and scan: an unknown tenant (400 for its OpenID configuration) stays exit 2, with a hint to check the tenant', async () => {
    seen.length = 0;
    const trusted = env({ NODE_EXTRA_CA_CERTS: caFile });
    const doctor = await cliAsync(['doctor', ...flags()], trusted);
    expect(doctor.code).toBe(2);
    expect(doctor.stdout).toMatch(/ERROR\s+credential\s+token request for tenant \S+ failed: endpoints_resolution_error \(check the tenant id \(AZURE_TENANT_ID/);
    const out = join(work, 'entra-unknown-tenant-out');
    const collect = await cliAsync(['collect', ...flags(), '--out', out], trusted);
    expect(collect.code).toBe(2);
    expect(collect.stderr).toMatch(/^nhiscan: token request for tenant \S+ failed: endpoints_resolution_error \(check the tenant id[^\n]*\)\n$/);
    const scan = await cliAsync(['scan', ...flags()], trusted);
    expect(scan.code).toBe(2);
    for (const r of [doctor, collect, scan]) expect(r.stdout + r.stderr).not.toMatch(/could not be reached|AZURE_CLIENT_SECRET|unreachable-test-secret/);
    // Each run read the tenant's OpenID configuration, was answered, and sent no token request.
    expect(seen).toEqual(Array.from({ length: 3 }, () => `GET /${TENANT}/v2.0/.well-known/openid-configuration`));
  });

  it('doctor: the same host with a certificate the client does not trust is a TLS failure, not an answer: exit 3', async () => {
    seen.length = 0;
    const doctor = await cliAsync(['doctor', ...flags()], env());
    expect(doctor.code).toBe(3);
    expect(doctor.stdout).toMatch(/ERROR\s+credential\s+token request for tenant \S+ failed: the authority host could not be reached/);
    expect(seen).toEqual([]);
  });
});
