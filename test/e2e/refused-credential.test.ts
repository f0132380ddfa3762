import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram, handleError } from '../../src/cli/main.js';
import { InputError } from '../../src/errors.js';
import { authorizationItemCount, buildAccount } from '../fakes/aws-dataset.js';
import { startFakeAws, type FakeAws } from '../fakes/aws-iam-server.js';
import { makeEntraDataset } from '../fakes/entra-dataset.js';
import { startEntraFake, type EntraFake } from '../fakes/entra-server.js';
import { VirtualClock } from '../fakes/okta-clock.js';
import { makeOktaDataset } from '../fakes/okta-dataset.js';
import { startOktaFake, type OktaFake } from '../fakes/okta-server.js';
import { isolate } from './live.js';

/**
 * The CLI only talks to an https authority, and MSAL would ask it for its endpoints: the fake's
 * token endpoint is handed to the collector the way the Entra tests do (`tokenEndpoint`, so MSAL
 * makes no discovery call). Everything else about the CLI run is as a user's.
 */
const entraFake = vi.hoisted(() => ({ tokenEndpoint: '' }));
vi.mock('../../src/connectors/entra/env.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/connectors/entra/env.js')>();
  return { ...real, entraOptionsFromEnv: (...args: Parameters<typeof real.entraOptionsFromEnv>) => ({ ...real.entraOptionsFromEnv(...args), tokenEndpoint: entraFake.tokenEndpoint }) };
});

/**
 * One provider refusing its credential at the start ends `collect` with that provider's one-line
 * error (exit 2) and no snapshot. The other providers, slow and many pages long here, must stop
 * sending requests at once instead of running to their end. Everything is measured in requests
 * the fakes received, never in time.
 */
const TENANT = '11111111-2222-4333-8444-555555555555';
const ENTRA_CLIENT = '99999999-8888-4777-8666-555555555555';
const ENTRA_SECRET = 'REFUSAL-ENTRA-client-secret-0001';
const OKTA_TOKEN = 'REFUSAL-OKTA-ssws-token-0001';
const AWS_KEY = 'AKIAREFUSAL000000001';
const AWS_SECRET = 'REFUSALsecretAccessKey00000000000000001';

/** One page per item: a whole run reads this many GetAccountAuthorizationDetails pages in a row. */
const AWS_ACCOUNT = buildAccount('111122223333', { users: 70 });
const AWS_PAGES = authorizationItemCount(AWS_ACCOUNT);
/** Far below every victim's full run, far above what it has in flight when the refusal comes. */
const FEW = 12;

let env: { restore(): string[] };
let dir: string;
let aws: FakeAws;
let entra: EntraFake;
let okta: OktaFake;

beforeAll(async () => {
  env = isolate();
  dir = mkdtempSync(join(tmpdir(), 'nhiscan-refusal-'));
  // Every victim is slow and paged: run to its end it would send far more than FEW requests.
  aws = await startFakeAws({
    accounts: [AWS_ACCOUNT],
    credentials: { accessKeyId: AWS_KEY, secretAccessKey: AWS_SECRET },
    pageSize: 1,
    latencyMs: 20,
  });
  entra = await startEntraFake({
    dataset: makeEntraDataset(TENANT, { servicePrincipals: 60, users: 60 }),
    clientId: ENTRA_CLIENT,
    clientSecret: ENTRA_SECRET,
    pageSize: 1,
    latencyMs: 20,
  });
  entraFake.tokenEndpoint = entra.tokenEndpoint;
  okta = await startOktaFake({
    dataset: makeOktaDataset({ users: 80, serviceAccounts: 20, apps: 10, machineApps: 4, awsApps: 1, awsUsersPerApp: 2, apiTokens: 2, groups: 10, groupsPerUser: 1 }),
    apiToken: OKTA_TOKEN,
    now: new VirtualClock().now,
    responseDelayMs: 20,
    maxLimit: { '/api/v1/users': 1, '/api/v1/apps': 1, '/api/v1/groups': 1 },
  });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: aws.url,
    AWS_ACCESS_KEY_ID: AWS_KEY,
    AWS_SECRET_ACCESS_KEY: AWS_SECRET,
    AWS_REGION: 'us-east-1',
    AWS_MAX_ATTEMPTS: '1',
    AZURE_TENANT_ID: TENANT,
    AZURE_CLIENT_ID: ENTRA_CLIENT,
    AZURE_CLIENT_SECRET: ENTRA_SECRET,
    OKTA_ORG_URL: okta.url,
    OKTA_API_TOKEN: OKTA_TOKEN,
  });
});

afterEach(() => {
  process.env.AZURE_CLIENT_SECRET = ENTRA_SECRET;
  process.env.OKTA_API_TOKEN = OKTA_TOKEN;
  process.exitCode = undefined;
});

afterAll(async () => {
  for (const f of [aws, entra, okta]) await f?.close();
  for (const k of ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'OKTA_ORG_URL', 'OKTA_API_TOKEN']) delete process.env[k];
  rmSync(dir, { recursive: true, force: true });
  expect(env.restore()).toEqual([]);
});

/** Requests each fake has received so far. */
function counts(): { aws: number; authzPages: number; entra: number; entraGraph: number; okta: number } {
  return {
    aws: aws.totalRequests(),
    authzPages: aws.counts['iam:GetAccountAuthorizationDetails'] ?? 0,
    entra: entra.counts.token + entra.counts.graph,
    entraGraph: entra.counts.graph,
    okta: okta.state.requests.length,
  };
}

/** Waits until no fake receives another request (requests already sent may still arrive). */
async function quiet(): Promise<ReturnType<typeof counts>> {
  let last = '';
  for (let i = 0; i < 100; i++) {
    const now = JSON.stringify(counts());
    if (now === last) break;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return counts();
}

/** Runs `nhiscan collect` in process: the error main() would print, and the exit code it would set. */
async function collect(providers: string[], out: string): Promise<{ code: number; stderr: string }> {
  const stderr: string[] = [];
  const err = await buildProgram()
    // --graph-url is an Entra setting: given without --entra it is refused.
    .parseAsync(['node', 'nhiscan', 'collect', ...providers, ...(providers.includes('--entra') ? ['--graph-url', entra.url] : []), '--out', out])
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(InputError);
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
  try {
    return { code: handleError(err, false), stderr: stderr.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('a refused Entra client secret, with --debug', () => {
  it('reaches the token endpoint, and neither the refused nor any other secret reaches stderr', async () => {
    const refused = 'REFUSAL-ENTRA-debug-canary-0002';
    process.env.AZURE_CLIENT_SECRET = refused;
    const tokenRequests = entra.counts.token;
    const err = await buildProgram()
      .parseAsync(['node', 'nhiscan', 'scan', '--entra', '--debug', '--graph-url', entra.url])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const stderr: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
    let code: number;
    try {
      code = handleError(err, true);
    } finally {
      spy.mockRestore();
    }
    const text = stderr.join('');
    expect(entra.counts.token).toBeGreaterThan(tokenRequests);
    expect(code).toBe(2);
    expect(text).toMatch(/invalid_client/);
    // With --debug the stack is printed too: still no secret, not even in part.
    for (const secret of [refused, ENTRA_SECRET, OKTA_TOKEN, AWS_SECRET]) {
      for (let i = 0; i + 12 <= secret.length; i++) expect(text).not.toContain(secret.slice(i, i + 12));
    }
  });
});

describe('a credential refused at the start stops the other providers', () => {
  it('Okta refusing its API token: the AWS and Entra collectors send nothing more, same error and exit code', async () => {
    process.env.OKTA_API_TOKEN = 'REFUSAL-OKTA-revoked-token';
    const alone = await collect(['--okta'], join(dir, 'okta-alone'));
    await quiet();
    const before = counts();

    const out = join(dir, 'okta-refused');
    const run = await collect(['--aws', '--entra', '--okta'], out);
    const after = await quiet();

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^nhiscan: Okta rejected the API token \(HTTP 401\)[^\n]*\n$/);
    expect(run.stderr).toBe(alone.stderr);
    expect(existsSync(out)).toBe(false);
    // Run to its end, AWS reads AWS_PAGES pages one after the other, and Entra well over a
    // hundred; stopped, each has sent at most what was in flight when Okta said no.
    expect(after.authzPages - before.authzPages).toBeLessThan(FEW);
    expect(after.aws - before.aws).toBeLessThan(FEW);
    expect(after.entra - before.entra).toBeLessThan(FEW);
  });

  it('Entra refusing its client secret (invalid_client): the Okta and AWS collectors send nothing more, same error and exit code', async () => {
    process.env.AZURE_CLIENT_SECRET = 'REFUSAL-ENTRA-wrong-secret';
    const alone = await collect(['--entra'], join(dir, 'entra-alone'));
    await quiet();
    const before = counts();

    const out = join(dir, 'entra-refused');
    const run = await collect(['--aws', '--entra', '--okta'], out);
    const after = await quiet();

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^nhiscan: token request for tenant [^\n]* failed: invalid_client \(AADSTS7000215\)[^\n]*\n$/);
    expect(run.stderr).toBe(alone.stderr);
    expect(existsSync(out)).toBe(false);
    expect(after.entraGraph).toBe(before.entraGraph);
    expect(after.authzPages - before.authzPages).toBeLessThan(FEW);
    expect(after.aws - before.aws).toBeLessThan(FEW);
    expect(after.okta - before.okta).toBeLessThan(FEW);
  });

  it('without a refusal the same providers run to their end (the victims above really are long runs)', async () => {
    const out = join(dir, 'all-good');
    const before = counts();
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await buildProgram().parseAsync(['node', 'nhiscan', 'collect', '--aws', '--entra', '--okta', '--graph-url', entra.url, '--out', out]);
    } finally {
      spy.mockRestore();
    }
    const after = await quiet();
    expect([0, 3]).toContain(process.exitCode);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    expect(after.authzPages - before.authzPages).toBeGreaterThanOrEqual(AWS_PAGES);
    expect(after.entraGraph - before.entraGraph).toBeGreaterThan(5 * FEW);
    expect(after.okta - before.okta).toBeGreaterThan(5 * FEW);
  });
});
