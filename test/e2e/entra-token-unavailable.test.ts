import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { ENTRA_CAPABILITIES } from '../../src/connectors/entra/endpoints.js';
import { makeEntraDataset } from '../fakes/entra-dataset.js';
import { startEntraFake, type EntraFake } from '../fakes/entra-server.js';
import { VirtualClock } from '../fakes/okta-clock.js';
import { makeOktaDataset } from '../fakes/okta-dataset.js';
import { startOktaFake, type OktaFake } from '../fakes/okta-server.js';
import { isolate } from './live.js';

/**
 * The CLI talks only to an https authority: the fake's token endpoint reaches the collector as
 * in refused-credential.test.ts (`tokenEndpoint`, so the real MSAL makes no discovery call).
 */
const entraFake = vi.hoisted(() => ({ tokenEndpoint: '' }));
vi.mock('../../src/connectors/entra/env.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/connectors/entra/env.js')>();
  return { ...real, entraOptionsFromEnv: (...args: Parameters<typeof real.entraOptionsFromEnv>) => ({ ...real.entraOptionsFromEnv(...args), tokenEndpoint: entraFake.tokenEndpoint }) };
});

/**
 * A token endpoint that limits (429) or fails (5xx) has not judged the credential: every Entra
 * capability of the tenant is an error record naming the answer, the other providers are read,
 * and the run exits 3, as for Okta (OktaTokenUnavailableError). A refusal stays exit 2.
 */
const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT = '99999999-8888-4777-8666-555555555555';
const SECRET = 'TOKENFAIL-ENTRA-client-secret-0001';
const OKTA_TOKEN = 'TOKENFAIL-OKTA-ssws-token-0001';

let env: { restore(): string[] };
let dir: string;
let okta: OktaFake;
let entra: EntraFake | undefined;

beforeAll(async () => {
  env = isolate();
  dir = mkdtempSync(join(tmpdir(), 'nhiscan-entra-token-'));
  okta = await startOktaFake({
    dataset: makeOktaDataset({ users: 4, serviceAccounts: 1, apps: 2, machineApps: 1, awsApps: 0, awsUsersPerApp: 0, apiTokens: 1, groups: 2, groupsPerUser: 1 }),
    apiToken: OKTA_TOKEN,
    now: new VirtualClock().now,
    responseDelayMs: 0,
  });
  Object.assign(process.env, { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: SECRET, OKTA_ORG_URL: okta.url, OKTA_API_TOKEN: OKTA_TOKEN });
});

afterEach(async () => {
  process.env.AZURE_CLIENT_SECRET = SECRET;
  process.exitCode = undefined;
  await entra?.close();
  entra = undefined;
});

afterAll(async () => {
  await okta?.close();
  for (const k of ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'OKTA_ORG_URL', 'OKTA_API_TOKEN']) delete process.env[k];
  rmSync(dir, { recursive: true, force: true });
  expect(env.restore()).toEqual([]);
});

async function startEntra(tokenStatus: number, tokenStatusTimes?: number): Promise<EntraFake> {
  entra = await startEntraFake({ dataset: makeEntraDataset(TENANT, { servicePrincipals: 3 }), clientId: CLIENT, clientSecret: SECRET, tokenStatus, tokenStatusTimes });
  entraFake.tokenEndpoint = entra.tokenEndpoint;
  return entra;
}

/** `nhiscan collect --entra --okta` in process: the exit code main() would set, and stderr. */
function collect(out: string): Promise<{ code: number; stderr: string }> {
  return cliInProcess(['collect', '--entra', '--okta', '--graph-url', entra!.url, '--out', out]);
}

interface Coverage {
  provider: string;
  scope: string;
  capability: string;
  status: string;
  reason?: string;
}

const coverageOf = (out: string): Coverage[] => (JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { coverage: Coverage[] }).coverage;

describe('collect: an Entra token endpoint that limits or fails is not a refused credential', () => {
  for (const status of [429, 503]) {
    it(`HTTP ${status} throughout: every Entra capability is an error naming the answer, Okta is read, exit 3`, async () => {
      const fake = await startEntra(status);
      const out = join(dir, `token-${status}`);
      const run = await collect(out);
      expect(run.code).toBe(3);
      const coverage = coverageOf(out);
      const entraRecords = coverage.filter((c) => c.provider === 'entra');
      expect(entraRecords.map((c) => c.capability).sort()).toEqual([...ENTRA_CAPABILITIES].sort());
      for (const r of entraRecords) {
        expect(r).toMatchObject({ scope: TENANT, status: 'error' });
        // The answer and where it came from: the status and the token endpoint, no body text.
        expect(r.reason).toContain(`HTTP ${status}`);
        expect(r.reason).toContain(fake.tokenEndpoint);
        expect(r.reason).not.toMatch(/AADSTS|error issuing|temporarily_unavailable/);
      }
      // The other provider was read as usual.
      const oktaRecords = coverage.filter((c) => c.provider === 'okta');
      expect(oktaRecords.length).toBeGreaterThan(0);
      expect(oktaRecords.every((c) => c.status === 'collected')).toBe(true);
      // One visible line says why nothing of the tenant was read.
      expect(run.stderr).toMatch(new RegExp(`^nhiscan: warning: Entra: the token endpoint ${fake.tokenEndpoint.replace(/[.]/g, '\\.')} answered HTTP ${status}[^\\n]*nothing was read from tenant ${TENANT}[^\\n]*\\n`, 'm'));
      expect(run.stderr).not.toMatch(/AZURE_CLIENT_SECRET|expired secret/);
      expect(run.stderr + JSON.stringify(coverage)).not.toContain(SECRET);
      // Bounded: a 429 asking for a wait longer than the run allows (the fake asks for 120 s) is
      // not retried; a 503 is retried a few times, no more. No Graph read goes out without a token.
      if (status === 429) expect(fake.counts.token).toBe(1);
      else expect(fake.counts.token).toBe(3);
      expect(fake.counts.graph).toBe(0);
    }, 30_000);
  }

  it('scan: HTTP 503 throughout is a coverage gap on stderr naming the answer, not an input error: exit 3 with --fail-on', async () => {
    const fake = await startEntra(503);
    const out = join(dir, 'scan-503.json');
    const stderr: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
    let err: unknown;
    try {
      err = await buildProgram()
        .parseAsync(['node', 'nhiscan', 'scan', '--entra', '--graph-url', fake.url, '--format', 'json', '--fail-on', 'critical', '-o', out])
        .then(
          () => undefined,
          (e: unknown) => e,
        );
    } finally {
      spy.mockRestore();
    }
    expect(err).toBeUndefined();
    expect(process.exitCode).toBe(3);
    const text = stderr.join('');
    expect(text).toContain(`nhiscan: warning: not read: entra ${TENANT} entra.servicePrincipals: error (HTTP 503 from ${fake.tokenEndpoint}`);
    expect(text).not.toContain(SECRET);
    expect(text).toMatch(/collection was incomplete[^\n]*exit 3/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { coverage: Coverage[] };
    expect(report.coverage.filter((c) => c.provider === 'entra' && c.status === 'error')).toHaveLength(ENTRA_CAPABILITIES.length);
  }, 30_000);

  it('near miss: one 503, then a token: the tenant is collected as usual (exit 0)', async () => {
    const fake = await startEntra(503, 1);
    const out = join(dir, 'token-503-once');
    const run = await collect(out);
    expect(run.stderr).not.toMatch(/HTTP 503/);
    expect(coverageOf(out).filter((c) => c.status !== 'collected')).toEqual([]);
    expect(run.code).toBe(0);
    expect(fake.counts.token).toBe(2);
    expect(fake.counts.graph).toBeGreaterThan(0);
  }, 30_000);

  it('a refused secret (invalid_client) stays an input error with its hint: exit 2, no snapshot', async () => {
    // tokenStatus 503 for no request: the fake judges the secret.
    const fake = await startEntra(503, 0);
    process.env.AZURE_CLIENT_SECRET = 'TOKENFAIL-wrong-secret';
    const run = await collect(join(dir, 'refused'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^nhiscan: token request for tenant \S+ failed: invalid_client \(AADSTS7000215\) \(check AZURE_CLIENT_ID and AZURE_CLIENT_SECRET \(expired secret\?\)\)\n$/);
    // A refusal is not retried.
    expect(fake.counts.token).toBe(1);
  });
});
